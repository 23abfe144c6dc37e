"""A delete asks once — htmx's hx-confirm, or the page's own script when htmx does not
send the form — and deletes; after an inline save the focus is not lost."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

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


# --- without JavaScript: the server asks, on a page of its own ---------------------------

QUESTION = f"Supprimer le courrier «\u00a0{SUBJECT}\u00a0» du 02/11/2026\u00a0?"


@pytest.fixture
def page_without_js(chromium):
    """A browser that runs no script at all: the forms post as plain HTML forms."""
    context = chromium.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    yield page
    context.close()
    assert not problems, "browser reported:\n" + "\n".join(problems)


@pytest.mark.parametrize("answer", ["Supprimer", "Annuler"])
def test_without_javascript_a_page_asks_once(live_server, page_without_js, answer):
    page = page_without_js
    household_id, letter_id = _file_with_a_letter(live_server)
    tab = f"/households/{household_id}/letters"
    row = _open_letters(page, live_server, household_id)
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("Supprimer")).click()
    heading = page.get_by_role("heading", level=1)
    assert heading.text_content() == QUESTION
    assert not _letter_deleted(live_server, letter_id)  # asked, nothing deleted yet
    with page.expect_navigation():
        if answer == "Supprimer":
            page.get_by_role("button", name="Supprimer", exact=True).click()
        else:
            page.get_by_role("link", name="Annuler").click()
    assert page.url.endswith(tab)
    if answer == "Supprimer":
        assert page.get_by_text("Courrier supprimé.").is_visible()
        assert page.get_by_text("Aucun courrier.").is_visible()
        assert _letter_deleted(live_server, letter_id)
    else:
        assert page.locator("#tab-content tr", has_text=SUBJECT).is_visible()
        assert not _letter_deleted(live_server, letter_id)


def test_the_confirmation_page_is_accessible_and_fits_a_phone(live_server, page):
    """The page a browser gets when htmx and app.js fail to load (axe needs a script of
    its own, so this browser runs scripts, just not the page's)."""
    household_id, letter_id = _file_with_a_letter(live_server)
    for script in ("**/static/vendor/htmx.min.js", "**/static/app.js"):
        page.route(
            script,
            lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
        )
    row = _open_letters(page, live_server, household_id)
    dialogs = _count_dialogs(page, accept=True)
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("Supprimer")).click()
    assert page.get_by_role("heading", level=1).text_content() == QUESTION
    assert dialogs == []  # the page asks, no dialog
    assert_accessible(page, "confirmation page")
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for control in (
        page.get_by_role("button", name="Supprimer", exact=True),
        page.get_by_role("link", name="Annuler"),
    ):
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 24
    assert_accessible(page, "confirmation page at 390 px")
    page.screenshot(path="/tmp/confirm-390.png", full_page=True)
    assert not _letter_deleted(live_server, letter_id)
