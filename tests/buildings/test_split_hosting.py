"""A split household keeps living in the unit: the officer splits a member off through
the route, the new household gets a hosted period (hébergé) in the original household's
unit from the split's day; when the host household leaves first, the grid reads
« hébergé, hôte parti » until the hosted household leaves."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from capintra import clock
from capintra.buildings import services
from capintra.buildings.models import EndReason, Occupancy, OccupancyKind, OccupantStatus
from capintra.extensions import db
from capintra.households.models import Household, Member, Relation
from tests import factories
from tests.buildings import make as bmake


def _split(browser, household) -> Household:
    child = factories.member(household, last_name="KACI", first_name="Sofiane",
                             relation=Relation.ENFANT)  # fmt: skip
    response = browser.post(f"/households/{household.id}/split",
                            data={"member_id": child.id, "version": child.version})  # fmt: skip
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    db.session.expire_all()
    child = db.session.get(Member, child.id)
    return db.session.get(Household, child.split_to_id)


def _periods_of(household) -> list[Occupancy]:
    return list(db.session.scalars(select(Occupancy).filter_by(household_id=household.id)))


def test_a_split_household_gets_a_hosted_period_in_the_same_unit(make, login_as):
    today = clock.today()
    building = bmake.building()
    unit = bmake.unit(building, lot_number="A1", floor=1)
    household = make.household(name="KACI Aïcha")
    home = services.add_period(unit, household=household, status=OccupantStatus.LOCATAIRE,
                               start=date(2019, 9, 1))  # fmt: skip
    db.session.commit()
    officer = login_as("officer")
    new = _split(officer, household)
    (hosted,) = _periods_of(new)
    assert hosted.unit_id == unit.id and hosted.kind is OccupancyKind.HOSTED
    assert hosted.status is OccupantStatus.HEBERGE and hosted.host_id == home.id
    assert (hosted.start_date, hosted.end_date) == (today, None)
    grid = officer.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert new.reference in grid and "(Hébergé)" in grid

    # the host household leaves first: the hosted one stays, « hébergé, hôte parti »
    keys = today + timedelta(days=10)
    closed = officer.post(f"/occupancies/{home.id}/close", data={
        "end_date": keys.isoformat(), "end_reason": "depart_volontaire",
        "version": home.version})  # fmt: skip
    assert closed.status_code == 303
    after = officer.get(f"/buildings/{building.id}?date={keys.isoformat()}").get_data(as_text=True)
    card = after.split(f'id="unit-{unit.id}"', 1)[1].split("</article>", 1)[0]
    assert "hébergé, hôte parti" in card and new.reference in card
    assert household.reference not in card
    assert "Occupé" in card  # the unit is still occupied
    grid = officer.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "hébergé, hôte parti" not in grid and "(Hébergé)" in grid


def test_a_split_household_without_a_home_of_ours_gets_no_period(make, login_as):
    household = make.household()
    new = _split(login_as("officer"), household)
    assert _periods_of(new) == []


def test_a_split_from_a_household_already_gone_gets_no_period(make, login_as):
    household = make.household()
    left = services.add_period(bmake.unit(), household=household,
                               status=OccupantStatus.LOCATAIRE, start=date(2019, 9, 1))  # fmt: skip
    services.end_period(left, date(2026, 1, 5), EndReason.DEPART_VOLONTAIRE)
    db.session.commit()
    new = _split(login_as("officer"), household)
    assert _periods_of(new) == []
