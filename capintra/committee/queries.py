"""The committee's list: one statement, whatever the number of files, and nothing but
what the committee may read (DESIGN §5, minimisation): the reference, never a name, an
address or anything confidential."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from capintra.admin.models import Operation
from capintra.extensions import db
from capintra.households.models import Household, Phase
from capintra.relocation.models import Offer


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


def committee_rows(household_ids: Iterable[int] | None = None) -> list[CommitteeRow]:
    """The live files flagged for the committee (or those of `household_ids` among
    them), by operation then reference: one SQL statement."""
    offers = (
        select(
            Offer.household_id.label("household_id"),
            func.count(case((Offer.formal.is_(True), 1))).label("formal"),
            func.max(Offer.sent_on).label("last_on"),
        )
        .where(Offer.deleted_at.is_(None))
        .group_by(Offer.household_id)
        .subquery()
    )
    query = (
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
        )
        .join(Operation, Operation.id == Household.operation_id)
        .outerjoin(offers, offers.c.household_id == Household.id)
        .where(Household.committee_flag.is_(True), Household.deleted_at.is_(None))
        .order_by(Operation.name, Household.ref_year, Household.ref_number, Household.id)
    )
    if household_ids is not None:
        query = query.where(Household.id.in_(list(household_ids)))
    return [
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
        for row in db.session.execute(query)
    ]
