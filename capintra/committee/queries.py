"""The committee's list: one statement, whatever the number of files, and nothing but
what the committee may read (DESIGN §5, minimisation): the reference, never a name, an
address or anything confidential. On screen a page at a time (`committee_page`, keyset
on the list's order: 1,500 flagged files at 50,000 households); on paper every row."""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, Select, bindparam, case, func, select

from capintra.admin.models import Operation
from capintra.extensions import db
from capintra.households.models import Household, Phase
from capintra.keyset import Keyset, Page
from capintra.relocation.models import Offer

#: The list's order: by operation, then reference (its year and number), then id.
COMMITTEE_ORDER = Keyset(Operation.name, Household.ref_year, Household.ref_number, Household.id)
#: A row's place in that order (what its cursor is made of).
_Place = namedtuple("_Place", [column.key for column in COMMITTEE_ORDER.columns])
#: Files a screen page shows.
COMMITTEE_PAGE = 50


@dataclass(frozen=True)
class CommitteeRow:
    """A flagged file as the committee sees it."""

    household_id: int
    reference: str
    version: int
    operation: str
    phase: Phase
    blocking_point: str
    decision: str
    #: Formal offers made so far (live ones: a deleted offer was a mistake).
    formal_offers: int
    #: The date the last offer (formal or not) was sent, None when there is none.
    last_offer_on: date | None


def _flagged():
    return (Household.committee_flag.is_(True), Household.deleted_at.is_(None))


@functools.cache
def _count_statement() -> Select:
    """Built once per process (building it cost more than running it)."""
    return select(func.count()).select_from(Household).where(*_flagged())


def committee_count() -> int:
    return db.session.scalar(_count_statement())


def committee_page(after: str | None = None, size: int | None = None) -> Page[CommitteeRow]:
    """A page of the list after the cursor `after` (None: the first): one statement."""
    size = size or COMMITTEE_PAGE
    values = COMMITTEE_ORDER.decode(after)
    rows, last = committee_rows(after=values, size=size + 1)
    more = len(rows) > size
    return Page(
        rows=rows[:size],
        next=COMMITTEE_ORDER.cursor_of(_Place(*last[size - 1])) if more else None,
        after=after if values is not None else None,
    )


@functools.lru_cache(maxsize=8)
def _statement(by_ids: bool, after: bool, paged: bool) -> Select:
    """The list's statement for a shape of request, built once per process with its
    values bound (`ids`, the cursor `after_0`…, `size`): building it on every request
    (its cache key walked through) took longer than running it."""
    page = (
        select(Household.id)
        .join(Operation, Operation.id == Household.operation_id)
        .where(*_flagged())
        .order_by(*COMMITTEE_ORDER.order_by())
    )
    if by_ids:
        page = page.where(Household.id.in_(bindparam("ids", expanding=True)))
    if after:
        cursor = tuple(
            bindparam(f"after_{i}", type_=column.type)
            for i, column in enumerate(COMMITTEE_ORDER.columns)
        )
        page = page.where(COMMITTEE_ORDER.beyond(cursor))
    if paged:
        page = page.limit(bindparam("size", type_=Integer))
    page = page.cte("page")
    # The offers of the page's files only (not every file's, then joined).
    offers = (
        select(
            Offer.household_id.label("household_id"),
            func.count(case((Offer.formal.is_(True), 1))).label("formal"),
            func.max(Offer.sent_on).label("last_on"),
        )
        .where(Offer.deleted_at.is_(None), Offer.household_id.in_(select(page.c.id)))
        .group_by(Offer.household_id)
        .subquery()
    )
    return (
        select(
            Household.id,
            Household.reference,
            Household.version,
            Operation.name,
            Household.phase,
            Household.committee_blocking_point,
            Household.committee_decision,
            func.coalesce(offers.c.formal, 0),
            offers.c.last_on,
            Household.ref_year,
            Household.ref_number,
        )
        .join(page, page.c.id == Household.id)
        .join(Operation, Operation.id == Household.operation_id)
        .outerjoin(offers, offers.c.household_id == Household.id)
        .order_by(*COMMITTEE_ORDER.order_by())
    )


def committee_rows(
    household_ids: Iterable[int] | None = None,
    *,
    after: tuple | None = None,
    size: int | None = None,
) -> list[CommitteeRow] | tuple[list[CommitteeRow], list[tuple]]:
    """The live files flagged for the committee (or those of `household_ids` among
    them), by operation then reference: one SQL statement. With `size`: at most that
    many after the place `after`, and each row's place in the order."""
    values: dict = {}
    if household_ids is not None:
        values["ids"] = list(household_ids)
    if after is not None:
        values.update({f"after_{i}": value for i, value in enumerate(after)})
    if size is not None:
        values["size"] = size
    query = _statement(household_ids is not None, after is not None, size is not None)
    found = db.session.execute(query, values).all()
    rows = [
        CommitteeRow(
            household_id=row[0],
            reference=row[1],
            version=row[2],
            operation=row[3],
            phase=row[4],
            blocking_point=row[5] or "",
            decision=row[6] or "",
            formal_offers=int(row[7]),
            last_offer_on=row[8],
        )
        for row in found
    ]
    if size is None:
        return rows
    return rows, [(row[3], row[9], row[10], row[0]) for row in found]
