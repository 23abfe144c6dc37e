"""Two colleagues change the same unit's condition, end the same occupancy period, change
the same period's rent, or open a period on the same vacant unit, at the same moment, on
the real server: one goes through (303), the other is refused (409); never a 5xx,
nothing written twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from capintra.buildings import services
from capintra.buildings.models import Occupancy, OccupantStatus, Unit
from tests import factories
from tests.buildings import make as bmake
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

ROUNDS = 4


@pytest.fixture(scope="module")
def building(live):
    """A building with, per round, a unit for the condition and an occupied one."""

    def make():
        from capintra.extensions import db

        building = bmake.building(address="5 rue Simultanée")
        units = [bmake.unit(building).id for _ in range(ROUNDS)]
        periods = []
        for _ in range(ROUNDS):
            period = services.add_period(
                bmake.unit(building), household=factories.household(),
                status=OccupantStatus.LOCATAIRE, start=date(2020, 1, 1),
            )  # fmt: skip
            db.session.flush()
            periods.append(period.id)
        db.session.commit()
        return units, periods

    return live.run(make)


def test_two_same_version_condition_changes_give_one_303_and_one_409(live, building):
    units, _periods = building
    first, second = live.signed_in("assistant"), live.signed_in("officer")
    mark = live.mark()
    results = []
    for unit_id in units:
        (version,) = live.scalars(select(Unit.version).where(Unit.id == unit_id))
        path = f"/units/{unit_id}/condition"
        responses = together(
            [
                lambda c=c, value=value: c.post(path, {"version": version, "condition": value})
                for c, value in ((first, "mure"), (second, "insalubre"))
            ]
        )
        (unit,) = live.scalars(select(Unit).where(Unit.id == unit_id))
        results.append((sorted(r.status for r in responses), unit.version - version))
    why = f"{results}\n{live.explain(mark)}"
    assert all(codes == [303, 409] and bump == 1 for codes, bump in results), why
    assert live.errors_since(mark) == {}, why


def test_two_same_version_period_ends_give_one_303_and_one_409(live, building):
    _units, periods = building
    first, second = live.signed_in("assistant"), live.signed_in("officer")
    mark = live.mark()
    end = (date.today() - timedelta(days=1)).isoformat()
    results = []
    for period_id in periods:
        (version,) = live.scalars(select(Occupancy.version).where(Occupancy.id == period_id))
        path = f"/occupancies/{period_id}/close"
        form = {"version": version, "end_date": end, "end_reason": "depart_volontaire"}
        responses = together([lambda c=c: c.post(path, form) for c in (first, second)])
        (period,) = live.scalars(select(Occupancy).where(Occupancy.id == period_id))
        results.append((sorted(r.status for r in responses), period.end_date is not None))
    why = f"{results}\n{live.explain(mark)}"
    assert all(codes == [303, 409] and ended for codes, ended in results), why
    assert live.errors_since(mark) == {}, why


def test_two_same_version_rent_changes_give_one_303_and_one_409(live, building):
    _units, periods = building
    first, second = live.signed_in("assistant"), live.signed_in("officer")
    mark = live.mark()
    results = []
    for period_id in periods:
        (version,) = live.scalars(select(Occupancy.version).where(Occupancy.id == period_id))
        path = f"/occupancies/{period_id}/costs"
        responses = together(
            [
                lambda c=c, rent=rent: c.post(path, {"version": version, "rent_cents": rent})
                for c, rent in ((first, "450"), (second, "470"))
            ]
        )
        (period,) = live.scalars(select(Occupancy).where(Occupancy.id == period_id))
        results.append((sorted(r.status for r in responses), period.version - version))
    why = f"{results}\n{live.explain(mark)}"
    assert all(codes == [303, 409] and bump == 1 for codes, bump in results), why


@pytest.fixture(scope="module")
def vacant(live):
    """Per round, a vacant unit and two households wanting it."""

    def make():
        building = bmake.building(address="9 rue des Arrivées")
        rounds = []
        for _ in range(ROUNDS):
            unit = bmake.unit(building)
            rounds.append((unit.id, factories.household().reference,
                           factories.household().reference))  # fmt: skip
        return rounds

    return live.run(make)


def test_two_periods_opened_at_once_on_one_unit_give_one_303_and_one_409(live, vacant):
    first, second = live.signed_in("assistant"), live.signed_in("officer")
    mark = live.mark()
    start = (date.today() - timedelta(days=2)).isoformat()
    results = []
    for unit_id, one, other in vacant:
        path = f"/units/{unit_id}/occupancies"
        forms = [
            {"household_reference": ref, "kind": "principal", "status": "locataire",
             "start_date": start}
            for ref in (one, other)
        ]  # fmt: skip
        responses = together(
            [lambda c=c, f=f: c.post(path, f) for c, f in zip((first, second), forms, strict=True)]
        )
        periods = live.scalars(select(Occupancy.id).where(Occupancy.unit_id == unit_id))
        results.append((sorted(r.status for r in responses), len(list(periods))))
    why = f"{results}\n{live.explain(mark)}"
    assert all(codes == [303, 409] and count == 1 for codes, count in results), why
    assert live.errors_since(mark) == {}, why


def test_two_overlapping_periods_from_different_days_opened_at_once_give_one(live):
    """The same race with different start dates (both open-ended, so they overlap): no
    index on the unit and the day could stop the second one; the unit's lock and the
    overlap rule do. One 303, one 409, one period on the unit."""

    def make():
        building = bmake.building(address="11 rue des Chevauchements")
        return [
            (bmake.unit(building).id, factories.household().reference,
             factories.household().reference)
            for _ in range(ROUNDS)
        ]  # fmt: skip

    first, second = live.signed_in("assistant"), live.signed_in("officer")
    starts = [(date.today() - timedelta(days=days)).isoformat() for days in (40, 3)]
    mark = live.mark()
    results = []
    for unit_id, one, other in live.run(make):
        path = f"/units/{unit_id}/occupancies"
        forms = [
            {"household_reference": ref, "kind": "principal", "status": "locataire",
             "start_date": start}
            for ref, start in zip((one, other), starts, strict=True)
        ]  # fmt: skip
        responses = together(
            [lambda c=c, f=f: c.post(path, f) for c, f in zip((first, second), forms, strict=True)]
        )
        periods = live.scalars(select(Occupancy.id).where(Occupancy.unit_id == unit_id))
        results.append((sorted(r.status for r in responses), len(list(periods))))
    why = f"{results}\n{live.explain(mark)}"
    assert all(codes == [303, 409] and count == 1 for codes, count in results), why
    assert live.errors_since(mark) == {}, why
