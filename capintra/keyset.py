"""Keyset pagination: a page of a list is the rows after a cursor, never an OFFSET.

A list that can grow declares its order once, unique to the last key (the id):
`Keyset(Note.note_date, Note.id, descending=True)`. `page(query, after, size)` adds the
order, the condition "after the cursor" and `LIMIT size + 1` to a query that already
holds every access filter (confidentiality, deletion), so a page is cut after filtering
and is never shorter because some rows are hidden. The cursor is the last row's key
values in the URL (`after=2026-11-30~812`): rows with equal dates are told apart by the
id, none is skipped or shown twice, and a cursor names no row (one the reader may not
see included), it is only a place in the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote, unquote

from sqlalchemy import BindParameter, Select, and_, literal, or_, tuple_

from capintra.extensions import db

T = TypeVar("T")

#: Separates the key values in a cursor (unreserved in a URL; text values are
#: percent-encoded, so none holds it).
_SEP = "~"

#: Rows a growing tab shows at a time.
TAB_PAGE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: its rows, the cursor of the next page (None on the last one), and the
    cursor this page started after (None on the first)."""

    rows: list[T]
    next: str | None
    after: str | None = None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __getitem__(self, index):
        return self.rows[index]


class Keyset:
    """An order of a list by mapped attributes, the last one unique (the id).

    `descending`: newest first (the usual order of a journal); a key given as
    `(attribute, descending)` overrides it for that key.
    """

    def __init__(self, *keys, descending: bool = False):
        self.keys: list[tuple[Any, bool]] = [
            k if isinstance(k, tuple) else (k, descending) for k in keys
        ]
        self._types = [self._python_type(column) for column, _desc in self.keys]

    @staticmethod
    def _python_type(column) -> type:
        try:
            kind = column.type.python_type
        except NotImplementedError:  # a TypeDecorator (UTCDateTime): its underlying type's
            kind = column.type.impl_instance.python_type
        if kind not in (int, bool, date, datetime, str):
            raise TypeError(f"keyset key {column} must be an int, bool, str, date or datetime")
        return kind

    # --- cursors --------------------------------------------------------------------------

    def cursor_of(self, row: Any) -> str:
        """The cursor just after `row` (an object with the keys' attributes)."""
        return self._encode(tuple(getattr(row, column.key) for column, _desc in self.keys))

    @staticmethod
    def _encode(values: tuple) -> str:
        parts = []
        for value in values:
            if isinstance(value, bool):
                parts.append("1" if value else "0")
            elif isinstance(value, date | datetime):
                parts.append(value.isoformat())
            elif isinstance(value, str):  # percent-encoded, "~" too: no separator inside
                parts.append(quote(value, safe="").replace("~", "%7E"))
            else:
                parts.append(str(value))
        return _SEP.join(parts)

    def decode(self, cursor: str | None) -> tuple | None:
        """The key values of a cursor; None when absent or not one of this order's (a
        mistyped address shows the first page, as the lists' other bad values do)."""
        if not cursor:
            return None
        parts = cursor.split(_SEP)
        if len(parts) != len(self.keys):
            return None
        values = []
        try:
            for text, kind in zip(parts, self._types, strict=True):
                if kind is bool:
                    if text not in ("0", "1"):
                        return None
                    values.append(text == "1")
                elif kind is int:
                    digits = text.removeprefix("-")
                    if not (digits.isascii() and digits.isdigit()):
                        return None
                    number = int(text)
                    if not -(2**63) < number < 2**63:
                        return None
                    values.append(number)
                elif kind is datetime:
                    values.append(datetime.fromisoformat(text))
                elif kind is str:
                    values.append(unquote(text))
                else:
                    values.append(date.fromisoformat(text))
        except ValueError:
            return None
        return tuple(values)

    # --- SQL --------------------------------------------------------------------------------

    @property
    def columns(self) -> list:
        """The keys' columns: `select(*keyset.columns)` reads a row's place in the order (a
        list whose cursor is a row's id looks its place up so)."""
        return [column for column, _desc in self.keys]

    def order_by(self) -> list:
        return [column.desc() if desc else column for column, desc in self.keys]

    def beyond(self, values: tuple, inclusive: bool = False):
        """SQL: the rows after `values` in this order (`inclusive`: that place too). A value
        may be a bound parameter (a statement built once, its values given at execution)."""
        columns = self.columns
        # Values bound with their column's type (a UTCDateTime as stored; a boolean as a
        # value, not as IS TRUE).
        bound = [
            v if isinstance(v, BindParameter) else literal(v, c.type)
            for c, v in zip(columns, values, strict=True)
        ]
        directions = {desc for _column, desc in self.keys}
        if len(directions) == 1:  # one row-value comparison, which an index serves
            key, place = tuple_(*columns), tuple_(*bound)
            if directions == {True}:
                return key <= place if inclusive else key < place
            return key >= place if inclusive else key > place
        alternatives = []
        for i, (column, desc) in enumerate(self.keys):
            equal = [c == v for c, v in zip(columns[:i], bound[:i], strict=True)]
            alternatives.append(and_(*equal, column < bound[i] if desc else column > bound[i]))
        if inclusive:
            alternatives.append(and_(*(c == v for c, v in zip(columns, bound, strict=True))))
        return or_(*alternatives)

    def page(
        self,
        query: Select,
        *,
        after: str | None = None,
        size: int | None = TAB_PAGE,
        start_at: Any = None,
        as_values: bool = False,
    ) -> Page:
        """The page of `query` (every filter already in it) after the cursor `after`,
        or starting at the row `start_at` (an item being edited, wherever it is in the
        list). `size` None: every row from there (an export). `as_values`: the query selects
        columns (a list's cells, the keys among them), its rows are tuples, not records.
        One statement."""
        values, inclusive = self.decode(after), False
        if start_at is not None:
            values = tuple(getattr(start_at, column.key) for column, _desc in self.keys)
            inclusive = True
        if values is not None:
            query = query.where(self.beyond(values, inclusive))
        statement = query.order_by(None).order_by(*self.order_by())  # the keyset's order only
        if size is not None:
            statement = statement.limit(size + 1)
        if as_values:
            found = list(db.session.execute(statement).all())
        else:
            found = list(db.session.scalars(statement).unique())
        more = size is not None and len(found) > size
        found = found[:size]
        return Page(
            rows=found,
            next=self.cursor_of(found[-1]) if more else None,
            after=self._encode(values) if values is not None else None,
        )
