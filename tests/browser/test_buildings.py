"""The building's grid in a real browser: no sideways scroll at 390 px, axe-core, and a
unit's condition changed in place; a unit added, then a period opened and closed
from the grid."""

from __future__ import annotations

from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER

WIDE = "document.documentElement.scrollWidth"


def _a_building(live_server) -> tuple[int, int]:
    def make():
        from capintra.buildings import services
        from capintra.buildings.models import OccupantStatus, UnitCondition
        from capintra.extensions import db
        from tests.buildings import make as bmake

        operation = factories.operation()
        building = bmake.building(operation.id, address="12 rue du Onze-Novembre-1918",
                                  commune="Saint-Étienne")  # fmt: skip
        units = [bmake.unit(building, lot_number=f"{f}{n}", floor=f) for f in range(4)
                 for n in "AB"]  # fmt: skip
        bmake.unit(building, lot_number="M", floor=2, condition=UnitCondition.MURE)
        household = factories.household(operation.id, name="KACI-BENALI Aïcha Marie-Thérèse",
                                        alert_note="Interprète nécessaire")  # fmt: skip
        services.add_period(units[2], household=household, status=OccupantStatus.LOCATAIRE,
                            start=date(2020, 1, 1))  # fmt: skip
        services.add_period(units[0], occupant_label="Boulangerie du Centre",
                            status=OccupantStatus.LOCATAIRE, start=date(2019, 1, 1))  # fmt: skip
        db.session.commit()
        return building.id, units[5].id

    return live_server.run(make)


def test_the_grid_fits_a_phone_and_passes_axe(live_server, page):
    building_id, _unit_id = _a_building(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, *live_server.make_user("assistant"))
    tabs = [f"/buildings/{building_id}/{tab}" for tab in ("arretes", "incidents")]
    for path in ("/buildings/", f"/buildings/{building_id}", "/buildings/new", *tabs):
        page.goto(live_server.url(path))
        width = page.evaluate(WIDE)
        assert width <= 390, f"{path}: {width} px wide at 390 px"
        assert_accessible(page, path)


def test_change_a_unit_s_condition_in_the_grid(live_server, page):
    building_id, unit_id = _a_building(live_server)
    sign_in(page, live_server, *live_server.make_user("officer"))
    page.goto(live_server.url(f"/buildings/{building_id}"))
    card = page.locator(f"#unit-{unit_id}")
    assert "Vacant" in card.locator(".unit-state").inner_text()
    card.get_by_label("État du logement").select_option("mure")
    card.get_by_role("button", name="Changer").click()
    page.locator(f"#unit-{unit_id}.unit-walled_up").wait_for()
    assert "Muré" in page.locator(f"#unit-{unit_id} .unit-state").inner_text()
    page.get_by_text("état « Muré » enregistré").wait_for()
    assert page.url.endswith(f"/buildings/{building_id}")  # in place, no reload


def _a_household(live_server) -> str:
    def make():
        household = factories.household(name="MARTIN Lucie")
        return household.reference

    return live_server.run(make)


def test_add_a_unit_then_open_and_close_a_period_from_the_grid(live_server, page):
    building_id, _unit_id = _a_building(live_server)
    reference = _a_household(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, *live_server.make_user("assistant"))
    page.goto(live_server.url(f"/buildings/{building_id}"))

    # a new unit, on the ground floor, 38,88 m²
    page.get_by_role("link", name="Ajouter un logement").click()
    page.wait_for_url("**/units/new")
    page.wait_for_load_state("load")
    assert_accessible(page, "unit form")
    page.get_by_label("Numéro de lot").fill("R9")
    page.get_by_label("Étage").fill("RDC")
    page.get_by_label("Type", exact=True).select_option("t2")
    page.get_by_label("Surface (m²)").fill("38,88")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Logement R9 ajouté.").wait_for()
    assert "38,88 m²" in page.content()

    # from the grid: open a period on it
    page.goto(live_server.url(f"/buildings/{building_id}"))
    card = page.locator(".unit-card", has_text="Lot R9")
    assert "Vacant" in card.locator(".unit-state").inner_text()
    card.get_by_role("link", name="Ouvrir une occupation").click()
    # measured once the unit's page has loaded with its style sheet, not mid-navigation
    page.wait_for_url("**/units/*")
    page.wait_for_load_state("load")
    width = page.evaluate(WIDE)
    assert width <= 390, f"unit page: {width} px wide at 390 px"
    assert_accessible(page, "unit page")
    page.get_by_label("Ménage (référence)").fill(reference)
    page.get_by_label("Entrée le").fill((date.today() - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Ouvrir l’occupation").click()
    page.get_by_text(f"occupation par {reference} enregistrée").wait_for()

    # back on the grid: occupied by the household; close the period from its card
    page.goto(live_server.url(f"/buildings/{building_id}"))
    card = page.locator(".unit-card", has_text="Lot R9")
    assert "Occupé" in card.locator(".unit-state").inner_text()
    assert "MARTIN Lucie" in card.inner_text()
    card.get_by_role("link", name="Terminer").click()
    page.wait_for_url("**/close")
    page.wait_for_load_state("load")
    assert_accessible(page, "close form")
    page.get_by_label("Remise des clés").fill(date.today().isoformat())
    page.get_by_label("Motif de fin").select_option("depart_volontaire")
    page.get_by_role("button", name="Terminer l’occupation").click()
    page.get_by_text("Logement R9 : occupation terminée.").wait_for()
    card = page.locator(".unit-card", has_text="Lot R9")
    assert "Vacant" in card.locator(".unit-state").inner_text()
    width = page.evaluate(WIDE)
    assert width <= 390, f"grid: {width} px wide at 390 px"
