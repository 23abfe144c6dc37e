"""The price in force on a day (a query, at the boundaries of a revision) and whether a
signing delegation covers an approval (operation, amount, the holder's and the deputies'
dates), against the real database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capintra.extensions import db
from capintra.orders import queries
from capintra.orders.models import PriceVersion, SigningDelegation
from capintra.orders.rules import covers, version_in_force
from tests import factories
from tests.orders import make


def test_the_price_in_force_is_the_latest_version_started_on_or_before_the_day(app_ctx):
    item = make.price_item()
    make.price_version(item, valid_from=date(2025, 3, 1), unit_price_cents=450_00)
    make.price_version(item, valid_from=date(2026, 1, 1), unit_price_cents=464_40)
    other = make.price_item(code="RELOG")
    make.price_version(other, valid_from=date(2020, 1, 1), unit_price_cents=1_200_00)

    def price_on(day):
        version = queries.price_in_force(item.id, day)
        return version.unit_price_cents if version else None

    assert price_on(date(2025, 2, 28)) is None  # before the first version
    assert price_on(date(2025, 3, 1)) == 450_00  # the day it starts
    assert price_on(date(2025, 12, 31)) == 450_00  # the day before the revision
    assert price_on(date(2026, 1, 1)) == 464_40  # the revision's first day
    assert price_on(date(2030, 6, 1)) == 464_40
    # the pure rule over loaded versions agrees
    versions = [PriceVersion(valid_from=date(2026, 1, 1), unit_price_cents=2),
                PriceVersion(valid_from=date(2025, 3, 1), unit_price_cents=1)]  # fmt: skip
    assert version_in_force(versions, date(2025, 12, 31)).unit_price_cents == 1
    assert version_in_force(versions, date(2026, 1, 1)).unit_price_cents == 2
    assert version_in_force(versions, date(2025, 2, 28)) is None


def test_the_lot_maximum_on_a_day_counts_live_amendments_signed_by_then(app_ctx):
    lot = make.lot(maximum_cents=400_000_00)
    make.amendment(lot, signed_on=date(2026, 6, 15), new_maximum_cents=460_000_00)
    removed = make.amendment(lot, signed_on=date(2026, 7, 1), new_maximum_cents=999_000_00)
    removed.soft_delete()
    assert queries.lot_maximum_on(lot, date(2026, 6, 14)) == 400_000_00
    assert queries.lot_maximum_on(lot, date(2026, 6, 15)) == 460_000_00
    assert queries.lot_maximum_on(lot, date(2026, 12, 1)) == 460_000_00


def loaded(delegation: SigningDelegation) -> SigningDelegation:
    """The delegation with its operations and deputies, as the approval reads it (even a
    withdrawn one: the rule itself must refuse it)."""
    db.session.flush()
    return db.session.scalars(
        select(SigningDelegation)
        .where(SigningDelegation.id == delegation.id)
        .options(selectinload(SigningDelegation.operations),
                 selectinload(SigningDelegation.deputies))
        .execution_options(populate_existing=True)
    ).one()  # fmt: skip


def _check(delegation, user, operation, amount, day):
    delegation = loaded(delegation)
    return covers(delegation, user_id=user.id, operation_id=operation.id,
                  amount_cents=amount, on=day)  # fmt: skip


def test_a_delegation_covers_its_operations_its_amount_and_its_dates(app_ctx):
    holder = factories.user("manager")
    covered, other = factories.operation(), factories.operation()
    delegation = make.delegation(
        holder,
        operations=[covered],
        maximum_cents=20_000_00,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    june = date(2026, 6, 1)

    coverage = _check(delegation, holder, covered, 20_000_00, june)
    assert coverage is not None and coverage.on_behalf_of_id is None
    assert _check(delegation, holder, covered, 20_000_01, june) is None  # one cent over
    assert _check(delegation, holder, other, 100, june) is None  # another operation
    assert _check(delegation, holder, covered, 100, date(2026, 1, 1)) is not None  # first day
    assert _check(delegation, holder, covered, 100, date(2025, 12, 31)) is None  # day before
    assert _check(delegation, holder, covered, 100, date(2026, 12, 31)) is not None  # last day
    assert _check(delegation, holder, covered, 100, date(2027, 1, 1)) is None  # day after
    delegation.soft_delete()
    assert _check(delegation, holder, covered, 100, june) is None  # withdrawn

    everything = make.delegation(holder, maximum_cents=1_000_00, end_date=None)
    assert everything.all_operations
    assert _check(everything, holder, other, 1_000_00, date(2040, 1, 1)) is not None


def test_a_deputy_uses_the_delegation_only_within_their_own_dates(app_ctx):
    holder, stand_in, stranger = (factories.user("manager") for _ in range(3))
    operation = factories.operation()
    delegation = make.delegation(holder, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    make.deputy(delegation, stand_in, start_date=date(2026, 8, 1), end_date=date(2026, 8, 31))

    coverage = _check(delegation, stand_in, operation, 100, date(2026, 8, 1))
    assert coverage is not None and coverage.on_behalf_of_id == holder.id  # « pour X »
    assert _check(delegation, stand_in, operation, 100, date(2026, 8, 31)) is not None
    assert _check(delegation, stand_in, operation, 100, date(2026, 7, 31)) is None
    assert _check(delegation, stand_in, operation, 100, date(2026, 9, 1)) is None
    assert _check(delegation, stranger, operation, 100, date(2026, 8, 15)) is None
    # the delegation's own limits bind the deputy too
    assert _check(delegation, stand_in, operation, 20_000_01, date(2026, 8, 15)) is None

    # through the query: the holder's own delegation, else the one they stand in for
    found = queries.covering_delegation(stand_in.id, operation.id, 100, date(2026, 8, 15))
    assert found is not None and found.on_behalf_of_id == holder.id
    assert queries.covering_delegation(stand_in.id, operation.id, 100, date(2026, 9, 1)) is None
    own = make.delegation(stand_in, start_date=date(2026, 1, 1), end_date=None)
    found = queries.covering_delegation(stand_in.id, operation.id, 100, date(2026, 8, 15))
    assert found.delegation.id == own.id and found.on_behalf_of_id is None
