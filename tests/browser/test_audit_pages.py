"""The history tabs and the audit trail in a real browser: axe-core finds nothing and no
page scrolls sideways at 390 px; the filters narrow the trail and the older events
follow with the filters kept."""

from __future__ import annotations

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER

WIDE = "document.documentElement.scrollWidth"


def _records(live_server) -> dict:
    def make():
        from capintra.extensions import db
        from capintra.orders.demo import example_contract
        from tests.buildings import make as bmake

        operation = factories.operation()
        building = bmake.building(operation.id, address="12 rue du Onze-Novembre-1918",
                                  commune="Saint-Étienne")  # fmt: skip
        unit = bmake.unit(building, lot_number="A1", floor=1)
        household = factories.household(operation.id)
        contract = example_contract()
        building.commune = "Firminy"
        db.session.commit()
        return {"building": building.id, "unit": unit.id, "contract": contract.id,
                "household": household.reference}  # fmt: skip

    return live_server.run(make)


def test_histories_and_the_trail_pass_axe_at_390_px(live_server, page):
    ids = _records(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, *live_server.make_user("admin"))
    paths = (
        f"/buildings/{ids['building']}/history",
        f"/units/{ids['unit']}",
        f"/units/{ids['unit']}/history",
        f"/contracts/{ids['contract']}",
        f"/contracts/{ids['contract']}/history",
        "/audit/",
        "/audit/?from=31/02/2026",
    )
    for path in paths:
        page.goto(live_server.url(path))
        width = page.evaluate(WIDE)
        assert width <= 390, f"{path}: {width} px wide at 390 px"
        assert_accessible(page, path)


def test_a_manager_filters_the_trail_by_file(live_server, page):
    ids = _records(live_server)
    sign_in(page, live_server, *live_server.make_user("manager"))
    page.goto(live_server.url("/audit/"))
    page.get_by_label("Dossier (référence)").fill(ids["household"])
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(f"**household={ids['household']}**")
    rows = page.locator("tr.audit-event")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert ids["household"] in text
