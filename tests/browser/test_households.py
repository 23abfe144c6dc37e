"""Household files in a real browser: active search, inline note, tabs, axe-core."""

from __future__ import annotations

import re

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER


def _files(live_server):
    """Three files in one operation, one with an accented name; returns their ids."""

    def make():
        op = factories.operation()
        names = ["ÉLOI Hélène", "MARTIN Paul", "MARTINEZ Chloé"]
        return [factories.household(operation_id=op.id, name=n).id for n in names]

    return live_server.run(make)


def _household(household_id: int):
    from capintra.extensions import db
    from capintra.households.models import Household

    return db.session.get(Household, household_id)


def test_active_search_narrows_as_you_type_and_the_url_follows(live_server, page):
    helene, martin, martinez = _files(live_server)
    sign_in(page, live_server, *live_server.make_user("assistant"))
    page.goto(live_server.url("/households/"))
    results = page.locator("#household-results")
    search = page.get_by_label("Rechercher (nom, référence, adresse)")

    search.press_sequentially("helene", delay=30)
    page.wait_for_url(re.compile(r"q=helene"))
    results.get_by_role("link", name="ÉLOI Hélène").wait_for()  # the name leads to the file
    assert results.get_by_text("MARTIN Paul").count() == 0

    search.fill("")
    search.press_sequentially("martin", delay=30)
    page.wait_for_url(re.compile(r"q=martin"))
    results.get_by_text("MARTINEZ Chloé").wait_for()
    assert results.get_by_text("MARTIN Paul").is_visible()
    assert results.get_by_text("ÉLOI Hélène").count() == 0

    # Back goes to the previous search, as the URL says.
    page.go_back()
    page.wait_for_url(re.compile(r"q=helene"))
    results.get_by_text("ÉLOI Hélène").wait_for()


def test_officer_adds_a_note_inline_and_it_stays_confidential(live_server, page):
    helene, _, _ = _files(live_server)
    sign_in(page, live_server, *live_server.make_user("officer"))
    page.goto(live_server.url(f"/households/{helene}"))
    page.get_by_role("link", name="Journal").click()
    page.wait_for_url(re.compile(r"/journal$"))
    form = page.locator("#note-add-form")
    form.get_by_label("Note").fill("Entretien au domicile : <b>pas de gras</b>")
    form.get_by_role("button", name="Ajouter la note").click()
    note = page.locator("#notes li").first
    note.get_by_text("Entretien au domicile : <b>pas de gras</b>").wait_for()
    assert note.get_by_text("Confidentiel · chargé(e) de missions sociales").is_visible()
    # Still on the same page: the tab was swapped in place, with a blank form again.
    assert page.url.endswith("/journal")
    assert page.locator("#note-add-form").get_by_label("Note").input_value() == ""

    # An empty note is refused in place (422 swapped by htmx), nothing else breaks.
    page.locator("#note-add-form").get_by_role("button", name="Ajouter la note").click()
    page.locator("#note-add-form .invalid-feedback").first.wait_for()
    assert page.locator("#notes li").count() == 1


def test_household_pages_are_accessible(live_server, page):
    helene, _, _ = _files(live_server)
    live_server.run(
        lambda: factories.member(_household(helene), last_name="ÉLOI", first_name="Jérôme")
    )
    sign_in(page, live_server, *live_server.make_user("officer"))
    for path in [
        "/households/",
        "/households/new",
        f"/households/{helene}",
        f"/households/{helene}/edit",
        f"/households/{helene}/members",
        f"/households/{helene}/letters",
        f"/households/{helene}/journal",
        f"/households/{helene}/documents",
        f"/households/{helene}/tasks",
        f"/households/{helene}/history",
    ]:
        page.goto(live_server.url(path))
        assert_accessible(page, path)


def test_the_safety_alert_stays_in_view_from_tab_to_tab(live_server, page):
    """The banner sits above #tab-content: htmx swaps the tabs under it; the letter form
    repeats it; the list shows it beside the name. No axe violation on those screens."""

    def make():
        household = factories.household(
            name="KACI Aïcha", alert_codes=["no_address", "interpreter"],
            alert_note="Appeler avant toute visite",
        )  # fmt: skip
        return household.id

    household_id = live_server.run(make)
    sign_in(page, live_server, *live_server.make_user("assistant"))
    page.goto(live_server.url(f"/households/{household_id}"))
    assert page.get_by_role("region", name="Alerte").count() == 1  # a region with a heading
    banner = page.locator("#safety-alert")
    assert banner.is_visible()
    assert banner.get_by_text("Ne pas communiquer l’adresse").is_visible()
    assert_accessible(page, "file with an alert")
    for tab in ("Composition familiale", "Journal", "Pièces jointes", "Historique"):
        page.get_by_role("link", name=tab).click()
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        page.locator("nav .nav-link.active", has_text=tab).wait_for()
        assert banner.is_visible(), tab
        assert page.locator("#tab-content").get_by_role("region", name="Alerte").count() == 0
    page.get_by_role("link", name="Courriers").click()
    page.locator("#letter-add-alert").wait_for()
    assert page.locator("#letter-add-alert").get_by_text("Interprète nécessaire").is_visible()
    assert banner.is_visible()
    assert_accessible(page, "letters tab with an alert")
    page.goto(live_server.url("/households/"))
    row = page.get_by_role("row", name=re.compile("KACI Aïcha"))
    assert row.get_by_text("Alerte :", exact=False).count() == 1
    assert row.get_by_text("Ne pas communiquer l’adresse · Interprète nécessaire").is_visible()
    assert_accessible(page, "list with an alert")


def test_an_officer_sets_the_alert_with_checkboxes(live_server, page):
    helene, _, _ = _files(live_server)
    sign_in(page, live_server, *live_server.make_user("officer"))
    page.goto(live_server.url(f"/households/{helene}/edit"))
    alert = page.get_by_role("group", name="Alerte", exact=True)
    assert alert.get_by_role("checkbox").count() == 4
    assert_accessible(page, "household form with the alert")
    alert.get_by_label("Ne pas écrire au domicile").check()
    page.get_by_label("Autre consigne").fill("Sonner deux fois")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(live_server.url(f"/households/{helene}"))
    banner = page.locator("#safety-alert")
    assert banner.get_by_text("Ne pas écrire au domicile").is_visible()
    assert banner.get_by_text("Sonner deux fois").is_visible()
