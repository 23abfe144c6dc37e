"""A growing tab in a real browser: the journal's « Notes plus anciennes » appends the next
page to the list, in place (issue 13 item 4), and the page stays accessible."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER


def test_older_notes_are_appended_to_the_journal(live_server, page):
    def make():
        from capintra.extensions import db
        from capintra.households.models import Note

        household = factories.household()
        db.session.add_all(
            Note(household_id=household.id, note_date=date(2026, 1, 1) + timedelta(days=i),
                 body=f"Note n°{i}", confidential=False)
            for i in range(70)
        )  # fmt: skip
        return household.id

    household_id = live_server.run(make)
    sign_in(page, live_server, *live_server.make_user("assistant"))
    page.goto(live_server.url(f"/households/{household_id}/journal"))
    notes = page.locator("#notes > li[id^=note-]")
    assert notes.count() == 50
    assert_accessible(page, "the journal")
    page.get_by_role("link", name="Notes plus anciennes").click()
    page.get_by_text("Note n°0", exact=True).wait_for()
    assert notes.count() == 70
    # the focus, on the link that is gone, moves to the first note appended
    expect(notes.nth(50)).to_be_focused()
    assert page.get_by_role("link", name="Notes plus anciennes").count() == 0
    assert page.url.endswith(f"/households/{household_id}/journal")  # appended, in place
    assert page.locator(".record-tabs").count() == 1
    assert_accessible(page, "the journal, older notes appended")


def test_older_letters_are_appended_to_their_table(live_server, page):
    """The same in a table: the next rows replace the link's row (htmx parses <tr>s)."""

    def make():
        from capintra.extensions import db
        from capintra.households.models import Letter

        household = factories.household()
        db.session.add_all(
            Letter(household_id=household.id, letter_date=date(2026, 1, 1) + timedelta(days=i),
                   subject=f"Courrier n°{i}")
            for i in range(60)
        )  # fmt: skip
        return household.id

    household_id = live_server.run(make)
    sign_in(page, live_server, *live_server.make_user("assistant"))
    page.goto(live_server.url(f"/households/{household_id}/letters"))
    rows = page.locator("table tbody tr")
    assert rows.count() == 51  # 50 letters and the link's row
    page.get_by_role("link", name="Courriers plus anciens").click()
    page.get_by_role("cell", name="Courrier n°0", exact=True).wait_for()
    assert rows.count() == 60
    expect(rows.nth(50)).to_be_focused()
    assert page.locator("#more-letters").count() == 0
