"""The browser console stays empty (issue 8): after every htmx swap of an inline save, on
each tab of the file, no message at all — no CSP report (htmx's settle step must not
touch `style`), no error, no warning. The inline save also announces itself in the
page's live region."""

from __future__ import annotations

import re

from tests import factories
from tests.browser.conftest import BROWSER, sign_in

pytestmark = BROWSER


def _listen(page) -> list[str]:
    """Every console message and page error, whatever its type."""
    heard: list[str] = []
    page.on("console", lambda message: heard.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: heard.append(f"page error: {error}"))
    return heard


def _saved(page, message: str) -> None:
    page.locator("#flashes [role=status]", has_text=message).wait_for()


def test_inline_saves_on_every_tab_leave_the_console_empty(live_server, page):
    household_id = live_server.run(lambda: factories.household(name="KACI Aïcha").id)
    sign_in(page, live_server, *live_server.make_user("officer"))
    heard = _listen(page)
    base = f"/households/{household_id}"

    page.goto(live_server.url(f"{base}/members"))
    form = page.locator("form[action$='/members']")
    form.get_by_label("Nom", exact=True).fill("KACI")
    form.get_by_label("Prénom").fill("Yanis")
    form.get_by_role("button", name="Ajouter").click()
    _saved(page, "Membre ajouté.")

    page.get_by_role("link", name="Courriers").click()
    page.wait_for_url(re.compile(r"/letters$"))
    form = page.locator("form[action$='/letters']")
    form.get_by_label("Objet").fill("Convocation")
    form.get_by_label("Date", exact=True).fill("2026-11-02")
    form.get_by_role("button", name="Enregistrer").click()
    _saved(page, "Courrier enregistré.")

    page.get_by_role("link", name="Journal").click()
    page.wait_for_url(re.compile(r"/journal$"))
    form = page.locator("#note-add-form")
    form.get_by_label("Note").fill("Entretien au domicile.")
    form.get_by_role("button", name="Ajouter la note").click()
    _saved(page, "Note ajoutée.")

    page.get_by_role("link", name="Tâches").click()
    page.wait_for_url(re.compile(r"/tasks$"))
    form = page.locator("form[action$='/tasks']")
    form.get_by_label("Tâche").fill("Rappeler le bailleur")
    form.get_by_label("Échéance").fill("2026-12-15")
    form.get_by_role("button", name="Ajouter").click()
    _saved(page, "Tâche ajoutée.")

    # An edit in place, then a refused one (422 swapped in place).
    page.locator("#tab-content").get_by_role("link", name=re.compile("Modifier")).first.click()
    edit = page.locator("#tab-content form").filter(
        has=page.get_by_role("button", name="Enregistrer")
    )
    edit.get_by_label("Tâche").fill("Rappeler le bailleur social")
    edit.get_by_role("button", name="Enregistrer").click()
    _saved(page, "Tâche modifiée.")

    page.get_by_role("link", name="Historique").click()
    page.wait_for_url(re.compile(r"/history$"))
    page.get_by_role("link", name="Synthèse").click()
    page.wait_for_url(re.compile(rf"{base}$"))

    assert heard == [], "the console heard:\n" + "\n".join(heard)
