"""Rules of the reference data over loaded objects, no query: the price in force on a
day, and whether a signing delegation covers an approval (DESIGN §2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from capintra.orders.models import PriceVersion, SigningDelegation


def version_in_force(versions: Iterable[PriceVersion], on: date) -> PriceVersion | None:
    """The version with the latest `valid_from` on or before `on` (None before the first)."""
    best = None
    for version in versions:
        if version.valid_from <= on and (best is None or version.valid_from > best.valid_from):
            best = version
    return best


def _within(start: date, end: date | None, on: date) -> bool:
    return start <= on and (end is None or on <= end)


@dataclass(frozen=True)
class Coverage:
    """A delegation that covers an approval, and whose it is: the approver's own, or a
    delegation they use as a deputy (« pour X, par délégation »)."""

    delegation: SigningDelegation
    on_behalf_of_id: int | None  # the holder's user id when a deputy approves


def covers(
    delegation: SigningDelegation,
    *,
    user_id: int,
    operation_id: int,
    amount_cents: int,
    on: date,
) -> Coverage | None:
    """Whether `delegation` lets `user_id` approve an order of `amount_cents` excluding VAT
    on `operation_id` on `on`: live, in force that day (both dates included), covering
    the operation (or all) and the amount (≤ its maximum); the holder, or a live deputy
    within their own dates. Needs `operations` and `deputies` loaded."""
    if delegation.is_deleted or not _within(delegation.start_date, delegation.end_date, on):
        return None
    if amount_cents > delegation.maximum_cents:
        return None
    if not delegation.all_operations and operation_id not in {
        link.operation_id for link in delegation.operations
    }:
        return None
    if delegation.user_id == user_id:
        return Coverage(delegation, None)
    for deputy in delegation.deputies:
        if (
            deputy.user_id == user_id
            and not deputy.is_deleted
            and _within(deputy.start_date, deputy.end_date, on)
        ):
            return Coverage(delegation, delegation.user_id)
    return None
