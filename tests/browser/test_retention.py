"""The disposal lists in the administration, in a browser: accessible (axe), and the
admin approves a list with the page's own button."""

from __future__ import annotations

from datetime import date

from capintra.extensions import db
from capintra.households.models import Outcome, Phase
from capintra.retention.models import Category, DisposalLine, DisposalList
from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER


def _draft() -> int:
    household = factories.household(phase=Phase.CLOS, outcome=Outcome.PARTI,
                                    closed_at=date(2020, 6, 10))  # fmt: skip
    item = DisposalList()
    db.session.add(item)
    db.session.flush()
    db.session.add(
        DisposalLine(disposal_list_id=item.id, household_id=household.id,
                     reference=household.reference, category=Category.WHOLE_FILE,
                     closed_on=date(2020, 6, 1), due_on=date(2025, 6, 1), skipped=False)
    )  # fmt: skip
    db.session.commit()
    return item.id


def test_admin_reads_and_approves_a_disposal_list(live_server, page):
    list_id = live_server.run(_draft)
    sign_in(page, live_server, *live_server.make_user("admin"))
    page.goto(live_server.url("/admin/disposals/"))
    assert_accessible(page, "/admin/disposals/")
    page.get_by_role("link", name=f"Bordereau n° {list_id}").click()
    page.wait_for_load_state()
    assert "06/2020" in page.content()
    assert_accessible(page, f"/admin/disposals/{list_id}")
    page.get_by_role("button", name="Approuver le bordereau").click()
    page.wait_for_load_state()
    assert page.url == live_server.url(f"/admin/disposals/{list_id}")
    assert "Approuvé" in page.content()
    assert page.get_by_role("button", name="Approuver le bordereau").count() == 0
    assert_accessible(page, f"/admin/disposals/{list_id} approved")
