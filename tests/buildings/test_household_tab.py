"""The household file's « Occupation » tab (capintra/buildings/household_tab.py): the
current unit and the past periods, rent hidden from managers, one or two statements."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from capintra.buildings.models import EndReason, Occupancy, OccupantStatus
from capintra.extensions import db
from tests import factories
from tests.buildings import make as bmake
from tests.conftest import login


def _period(unit, household, start, end=None, reason=None, **kw) -> Occupancy:
    period = Occupancy(
        unit_id=unit.id,
        household_id=household.id,
        status=kw.pop("status", OccupantStatus.LOCATAIRE),
        start_date=start,
        end_date=end,
        end_reason=reason,
        **kw,
    )
    db.session.add(period)
    db.session.commit()
    return period


@pytest.fixture
def housed(app_ctx):
    operation = factories.operation()
    household = factories.household(operation.id)
    old_building = bmake.building(operation.id, address="4 rue Marrel", commune="Rive-de-Gier")
    building = bmake.building(operation.id, address="12 rue Gambetta", commune="Saint-Chamond")
    old_unit = bmake.unit(old_building, lot_number="07", floor=0)
    unit = bmake.unit(building, lot_number="03", floor=1)
    _period(old_unit, household, date(2015, 4, 1), date(2020, 6, 30), EndReason.AUTRE,
            rent_cents=38_000, charges_cents=4_000)  # fmt: skip
    _period(unit, household, date(2020, 6, 30), rent_cents=45_600, charges_cents=5_200,
            apl_cents=12_300)  # fmt: skip
    return household, building, unit


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_each_role_sees_the_current_unit_and_the_past_periods(housed, client, role):
    household, building, unit = housed
    browser = login(client, factories.user(role))
    response = browser.get(f"/households/{household.id}/occupancy")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Logement actuel" in html
    assert "12 rue Gambetta, Saint-Chamond" in html
    assert "Lot 03" in html and "1er étage" in html
    assert "Locataire" in html and "30/06/2020" in html
    assert "Occupations passées" in html and "4 rue Marrel" in html
    assert "Lot 07" in html and "RDC" in html and "01/04/2015" in html
    assert "Autre" in html  # the end reason
    rent_shown = "456,00" in html and "123,00" in html and "380,00" in html
    assert rent_shown is (role != "manager"), role
    if role == "manager":
        assert "Loyer" not in html and "APL" not in html


def test_links_to_the_building_and_the_unit_when_their_pages_exist(housed, client, app_ctx):
    household, building, unit = housed
    html = (
        login(client, factories.user("officer"))
        .get(f"/households/{household.id}/occupancy")
        .get_data(as_text=True)
    )
    rules = {rule.rule for rule in app_ctx.url_map.iter_rules()}
    has_building_page = any(r.startswith("/buildings/<") and r.count("/") == 2 for r in rules)
    assert (f'href="/buildings/{building.id}"' in html) is has_building_page
    has_unit_page = any(r.startswith("/units/<") and r.count("/") == 2 for r in rules)
    assert (f'href="/units/{unit.id}"' in html) is has_unit_page


def test_a_household_without_any_period(app_ctx, client):
    household = factories.household()
    html = (
        login(client, factories.user("officer"))
        .get(f"/households/{household.id}/occupancy", headers={"HX-Request": "true"})
        .get_data(as_text=True)
    )
    assert "Aucune occupation enregistrée." in html
    assert "Occupations passées" not in html


def test_the_tab_reads_the_periods_in_one_statement(housed, client, app_ctx):
    household, _building, _unit = housed
    browser = login(client, factories.user("officer"))
    browser.get(f"/households/{household.id}/occupancy", headers={"HX-Request": "true"})
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = browser.get(
            f"/households/{household.id}/occupancy", headers={"HX-Request": "true"}
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    occupancy_reads = [s for s in statements if "FROM occupancy" in s]
    assert len(occupancy_reads) == 1, occupancy_reads
