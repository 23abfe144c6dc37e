"""Notifications in a real browser: the list passes axe-core and fits a phone; « Marquer
comme lue » redraws the list and the header's count in place."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from capintra.auth.models import User
from capintra.extensions import db
from capintra.notifications.services import notify
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER


def _notify(live_server, username: str) -> None:
    def make():
        user = db.session.scalar(select(User).where(User.username == username))
        for n in range(3):
            notify([user.id], "task_due", f"Tâche à faire aujourd’hui — dossier MEN-2026-000{n}.",
                   "/households/")  # fmt: skip

    live_server.run(make)


def test_marking_one_read_updates_the_list_and_the_header_in_place(live_server, page):
    username, password = live_server.make_user("officer")
    _notify(live_server, username)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, username, password)
    header = page.locator("#notifications-link")
    assert "3 non lues" in header.text_content()
    header.click()
    page.wait_for_url(live_server.url("/notifications/"))
    assert_accessible(page, "/notifications/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator(".notification-unread").first.get_by_role(
        "button", name="Marquer comme lue"
    ).click()
    page.locator("#notifications-link", has_text="2 non lues").wait_for()
    # the header is swapped out of band, before the list: wait for the list too
    expect(page.locator(".notification-unread")).to_have_count(2)
    assert page.url == live_server.url("/notifications/"), "redrawn in place"
    assert page.locator("#flashes").text_content().strip() == "Notification marquée comme lue."

    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.locator(".notification-unread").first.wait_for(state="detached")
    assert "non lue" not in page.locator("#notifications-link").text_content()
    assert_accessible(page, "/notifications/ all read")
