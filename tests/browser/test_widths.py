"""Every width (issue 8): at 390 px no page scrolls sideways (tables scroll inside their
own box); at 1366 px the file's tabs fit on one line and references never break."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import BROWSER, sign_in

pytestmark = BROWSER

WIDE = "document.documentElement.scrollWidth"


def _a_busy_file(live_server) -> int:
    def make():
        household = factories.household(
            name="KACI-BENALI Aïcha Marie-Thérèse", address="12 rue du Onze-Novembre-1918"
        )
        factories.member(household, last_name="KACI-BENALI", first_name="Yanis-Karim")
        factories.letter(household, subject="Convocation à un entretien de diagnostic social")
        factories.note(household, confidential=False)
        factories.task(household, title="Rappeler le bailleur pour la visite du logement")
        return household.id

    return live_server.run(make)


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_nothing_scrolls_sideways_on_a_phone(live_server, page, role):
    household_id = _a_busy_file(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, *live_server.make_user(role))
    paths = ["/", "/households/", f"/households/{household_id}"]
    paths += [f"/households/{household_id}/{tab}" for tab in
              ("members", "letters", "journal", "documents", "tasks", "history")]  # fmt: skip
    for path in paths:
        page.goto(live_server.url(path))
        width = page.evaluate(WIDE)
        assert width <= 390, f"{path} as {role}: {width} px wide at 390 px"


def test_the_file_s_tabs_fit_on_one_line_at_1366(live_server, page):
    household_id = _a_busy_file(live_server)
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, *live_server.make_user("officer"))
    page.goto(live_server.url(f"/households/{household_id}"))
    bar = page.locator(".record-tabs")
    assert bar.evaluate("bar => bar.scrollWidth <= bar.clientWidth"), "the tabs overflow"
    tops = bar.locator(".nav-link").evaluate_all("links => links.map(l => l.offsetTop)")
    assert len(set(tops)) == 1, f"the tabs take {len(set(tops))} lines"
    reference = page.locator("h1 .reference")
    assert reference.evaluate("r => r.getClientRects().length") == 1, "the reference breaks"
