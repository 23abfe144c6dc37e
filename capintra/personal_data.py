"""Right of access (RGPD art. 15, DESIGN §5): the sections of a household's export.

Each feature declares, in its feature.py (`Feature.personal_data`), the part of "everything
held on a household" it keeps: a function taking the household and returning one
`PersonalDataSection` (or several). capintra.subject_access assembles them in FEATURES
order into the JSON and the PDF the officer reviews before handing them over. A section
holds only rows of that household, read with the same confidentiality policy as its pages.

Values are kept as stored (`stored()`: column name → JSON value, dates ISO, enumerations
by their code, amounts in cents); the PDF shows them in French through the audit
classification's labels, or through the `shown` rows a section gives itself.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from capintra.confidentiality import unreadable_fields
from capintra.features import Label


def jsonable(value: Any) -> Any:
    """A stored value as JSON: dates ISO, enumerations by code, Decimal as text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Record:
    """One row held on the household: its table, its values as stored, and the rows it
    points to that the reader needs (a period's unit and building, a note's author), by
    an English key. `shown`: (French label, text) pairs the PDF prints instead of the
    generic rendering of `values` (an audit event in words)."""

    table: str
    values: Mapping[str, Any]
    related: Mapping[str, Record] = field(default_factory=dict)
    label: Label | None = None
    shown: tuple[tuple[Any, str], ...] | None = None

    def as_json(self) -> dict[str, Any]:
        data = dict(self.values)
        for key, record in self.related.items():
            data[key] = record.as_json()
        return data


@dataclass(frozen=True)
class PersonalDataSection:
    """A section of the export: `key` is its stable English JSON key, `title` its French
    heading in the PDF; `single`: one record (the household itself), not a list. The
    export lists the sections by `order` (lowest first; equal: in FEATURES order)."""

    key: str
    title: Label
    records: tuple[Record, ...]
    single: bool = False
    order: int = 100

    def as_json(self) -> Any:
        if self.single:
            return self.records[0].as_json() if self.records else None
        return [record.as_json() for record in self.records]


def stored(
    obj: Any,
    *,
    exclude: Iterable[str] = (),
    label: Label | None = None,
    **related: Record | None,
) -> Record:
    """`obj`'s columns as stored, without `exclude` and without the fields the current
    reader may not read (capintra.confidentiality: the export shows no more than the
    file's pages)."""
    skipped = set(exclude) | unreadable_fields(obj)
    values = {
        column.key: jsonable(getattr(obj, column.key))
        for column in obj.__mapper__.column_attrs
        if column.key not in skipped
    }
    return Record(
        obj.__tablename__,
        values,
        {key: record for key, record in related.items() if record is not None},
        label,
    )


def staff(user: Any, label: Label) -> Record | None:
    """A member of staff a row names (a note's author): their id and name only."""
    if user is None:
        return None
    return Record("user_account", {"id": user.id, "full_name": user.full_name}, label=label)


def picked(obj: Any, names: Iterable[str], label: Label, **related: Record | None) -> Record:
    """A row the household's rows point to, reduced to what names it (a unit's lot and
    floor, a building's address): the export says nothing else about it."""
    return Record(
        obj.__tablename__,
        {name: jsonable(getattr(obj, name)) for name in names},
        {key: record for key, record in related.items() if record is not None},
        label,
    )
