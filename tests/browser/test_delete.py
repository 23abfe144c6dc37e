"""A delete asks once — htmx's hx-confirm, or the page's own script when htmx does not
send the form — and deletes; after an inline save the focus is not lost."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import BROWSER, sign_in

pytestmark = BROWSER

SUBJECT = "Convocation à un entretien"


def _file_with_a_letter(live_server) -> tuple[int, int]:
    def make():
        household = factories.household(name="KACI Aïcha")
        return household.id, factories.letter(household, subject=SUBJECT).id

    return live_server.run(make)


def _letter_deleted(live_server, letter_id: int) -> bool:
    from capintra.extensions import db
    from capintra.households.models import Letter

    return live_server.run(lambda: db.session.get(Letter, letter_id).deleted_at is not None)


def _count_dialogs(page, accept: bool) -> list[str]:
    messages: list[str] = []

    def answer(dialog) -> None:
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    return messages


def _open_letters(page, live_server, household_id: int):
    sign_in(page, live_server, *live_server.make_user("assistant"))
    page.goto(live_server.url(f"/households/{household_id}/letters"))
    return page.locator("#tab-content tr", has_text=SUBJECT)


def test_a_delete_asks_once_and_deletes(live_server, page):
    household_id, letter_id = _file_with_a_letter(live_server)
    row = _open_letters(page, live_server, household_id)
    dialogs = _count_dialogs(page, accept=True)
    row.get_by_role("button", name=re.compile("Supprimer")).click()
    page.get_by_text("Aucun courrier.").wait_for()  # the tab swapped in place
    assert dialogs == ["Supprimer ce courrier ?"]
    assert page.url.endswith(f"/households/{household_id}/letters")
    assert _letter_deleted(live_server, letter_id)
    # capintra:saved: the focus, lost with the button, is on the tab's heading.
    page.wait_for_function("() => document.activeElement.tagName === 'H2'")
    assert page.evaluate("() => document.activeElement.textContent") == "Courriers"


def test_a_dismissed_delete_deletes_nothing(live_server, page):
    household_id, letter_id = _file_with_a_letter(live_server)
    row = _open_letters(page, live_server, household_id)
    dialogs = _count_dialogs(page, accept=False)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    row.get_by_role("button", name=re.compile("Supprimer")).click()
    page.wait_for_timeout(300)  # time for a request that must not be sent
    assert dialogs == ["Supprimer ce courrier ?"]
    assert not [r for r in requests if r.startswith("POST")], requests
    assert row.is_visible() and not _letter_deleted(live_server, letter_id)


@pytest.mark.parametrize("accept", [True, False], ids=["accepted", "dismissed"])
def test_without_htmx_the_plain_form_asks_once(live_server, page, accept):
    """htmx not loaded (blocked, failed): the browser posts the form after one question."""
    household_id, letter_id = _file_with_a_letter(live_server)
    page.route(
        "**/static/vendor/htmx.min.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
    )
    row = _open_letters(page, live_server, household_id)
    assert page.evaluate("() => window.htmx === undefined")
    dialogs = _count_dialogs(page, accept=accept)
    button = row.get_by_role("button", name=re.compile("Supprimer"))
    if accept:
        with page.expect_navigation():
            button.click()
        assert page.get_by_text("Aucun courrier.").is_visible()
        assert page.url.endswith(f"/households/{household_id}/letters")
    else:
        button.click()
        page.wait_for_timeout(300)
        assert row.is_visible()
    assert dialogs == ["Supprimer ce courrier ?"]
    assert _letter_deleted(live_server, letter_id) is accept
