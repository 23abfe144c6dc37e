"""A household's safety alert (DESIGN §1): written by officers only, seen by everyone who
handles the file — on every tab of the file, on the letter form, beside the name in the
list — and audited with its label. The reason behind it stays confidential."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from capintra.audit.labels import present_changes
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.households.models import Household
from capintra.households.services import update_household
from capintra.security import user_can

ROLES = ("officer", "assistant", "manager", "admin")
BANNER = re.compile(r'<section class="alert alert-danger[^"]*safety-alert" id="safety-alert"')


def _alerted(make, **kw) -> Household:
    return make.household(
        alert_codes=["no_address", "interpreter"],
        alert_note="Appeler la veille de toute visite",
        vulnerability_details="Violences conjugales signalées",
        **kw,
    )


def _tab_urls(household, user) -> list[str]:
    """Every tab of the file the user may open, as the application declares them (a tab
    may be for some roles only: the « Droit d’accès » tab, officers)."""
    rules = [
        r.rule
        for r in current_app.url_map.iter_rules()
        if (r.endpoint.startswith("households.tab_") or r.endpoint == "households.detail")
        and user_can(user, current_app.view_functions[r.endpoint].capability)
    ]
    assert len(rules) >= 10
    return [re.sub(r"<int:household_id>", str(household.id), rule) for rule in rules]


def _shows_alert(html: str) -> bool:
    return all(
        words in html
        for words in ("Ne pas communiquer l’adresse", "Interprète nécessaire",
                      "Appeler la veille de toute visite")
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_the_alert_shows_on_every_tab_above_the_tab_content(login_as, make, role):
    household = _alerted(make)
    browser = login_as(role)
    for url in _tab_urls(household, browser.user):
        html = browser.get(url).get_data(as_text=True)
        assert len(BANNER.findall(html)) == 1, url
        banner = html.index('id="safety-alert"')
        # Above the tabs and any address they show, outside the part htmx swaps.
        assert banner < html.index('id="tab-content"'), url
        assert household.address not in html[:banner], url
        section = html[banner : html.index("</section>", banner)]
        assert _shows_alert(section), url
        if role != "officer":
            assert "Violences" not in html, url  # the reason stays confidential


@pytest.mark.parametrize("role", ROLES)
def test_a_tab_swapped_by_htmx_keeps_the_banner_in_view(login_as, make, role):
    """The htmx partial replaces #tab-content only: the banner, outside it, stays; the
    partial carries no second banner (except the letter form's own, below)."""
    household = _alerted(make)
    browser = login_as(role)
    for url in _tab_urls(household, browser.user):
        response = browser.htmx("GET", url, target="tab-content")
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert 'id="tab-content"' not in html and "<html" not in html, url
        assert not BANNER.search(html), url


@pytest.mark.parametrize("role", ROLES)
def test_the_letter_forms_carry_the_alert(login_as, make, role):
    household = _alerted(make)
    letter = make.letter(household)
    browser = login_as(role)
    url = f"/households/{household.id}/letters"
    full = browser.get(url).get_data(as_text=True)
    partial = browser.htmx("GET", url, target="tab-content").get_data(as_text=True)
    for html in (full, partial):
        if role in ("officer", "assistant"):  # they write letters
            start = html.index('id="letter-add-alert"')
            assert start < html.index(f'action="/households/{household.id}/letters"')
            assert _shows_alert(html[start:])
        else:
            assert 'id="letter-add-alert"' not in html
    if role in ("officer", "assistant"):
        edit = browser.htmx("GET", f"{url[:-8]}/letters/{letter.id}", target="tab-content")
        html = edit.get_data(as_text=True)
        start = html.index('id="letter-edit-alert"')
        assert _shows_alert(html[start:])


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_an_icon_with_its_words_beside_the_name(login_as, make, role):
    _alerted(make, name="KACI Aïcha")
    quiet = make.household(name="MARTIN Hélène")
    browser = login_as(role)
    for response in (
        browser.get("/households/"),
        browser.htmx("GET", "/households/?q=kaci", target="household-results"),
    ):
        html = response.get_data(as_text=True)
        row = html[html.index("KACI Aïcha") :]
        row = row[: row.index("</td>")]
        assert 'src="/static/icons/alert.svg"' in row and 'aria-hidden="true"' in row
        assert '<span class="visually-hidden">Alerte :</span>' in row
        assert "Ne pas communiquer l’adresse · Interprète nécessaire" in row
    html = browser.get("/households/").get_data(as_text=True)
    quiet_row = html[html.index(quiet.name) :]
    assert "alert.svg" not in quiet_row[: quiet_row.index("</td>")]


def test_no_banner_without_an_alert(login_as, make):
    household = make.household()
    html = login_as("assistant").get(f"/households/{household.id}").get_data(as_text=True)
    assert "safety-alert" not in html


# --- who writes it ------------------------------------------------------------------------


def _edit_page(browser, household) -> str:
    return browser.get(f"/households/{household.id}/edit").get_data(as_text=True)


def _post_edit(browser, household, **data):
    base = {"name": household.name, "operation_id": household.operation_id,
            "version": household.version, "rehousing_right": "a_instruire"}  # fmt: skip
    return browser.post(f"/households/{household.id}/edit", {**base, **data})


def test_an_officer_writes_the_alert_with_checkboxes(login_as, make):
    household = make.household()
    browser = login_as("officer")
    page = _edit_page(browser, household)
    assert len(re.findall(r'<input[^>]*name="alert_codes" type="checkbox"', page)) == 4
    assert "Le motif reste dans les champs confidentiels" in page
    response = _post_edit(
        browser, household, alert_codes=["two_staff", "no_mail_home"], alert_note="  Sonner 2x "
    )
    assert response.status_code in (302, 303)
    db.session.expire_all()
    saved = db.session.get(Household, household.id)
    assert saved.alert_codes == ["no_mail_home", "two_staff"]  # the list's order
    assert saved.alert_note == "Sonner 2x"
    assert saved.alerts == ["Ne pas écrire au domicile", "Venir à deux", "Sonner 2x"]


def test_an_unknown_code_is_refused_in_french(login_as, make):
    household = make.household()
    response = _post_edit(login_as("officer"), household, alert_codes=["nope"])
    assert response.status_code == 422
    assert "Choix inconnu : cochez parmi les cases proposées." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Household, household.id).alert_codes == []


@pytest.mark.parametrize("role", ["assistant"])
def test_an_assistant_neither_sees_the_fields_nor_sets_the_alert(login_as, make, role):
    household = _alerted(make)
    browser = login_as(role)
    page = _edit_page(browser, household)
    assert 'name="alert_codes"' not in page and 'name="alert_note"' not in page
    response = _post_edit(browser, household, alert_codes=["two_staff"], alert_note="Rien")
    assert response.status_code in (302, 303)
    db.session.expire_all()
    saved = db.session.get(Household, household.id)
    assert saved.alert_codes == ["no_address", "interpreter"]
    assert saved.alert_note == "Appeler la veille de toute visite"


def test_a_manager_cannot_post_the_alert(login_as, make):
    household = make.household()
    response = _post_edit(login_as("manager"), household, alert_codes=["two_staff"])
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Household, household.id).alert_codes == []


@pytest.mark.parametrize("role", ["assistant", "manager", "admin"])
def test_the_service_ignores_the_alert_from_anyone_but_an_officer(app_ctx, make, role):
    household = make.household()
    update_household(household, {"alert_codes": ["no_address"], "alert_note": "x"},
                     make.user(role))  # fmt: skip
    assert household.alert_codes == [] and household.alert_note == ""
    update_household(household, {"alert_codes": ["no_address"]}, make.user("officer"))
    assert household.alert_codes == ["no_address"]


def test_the_alert_is_audited_with_its_labels(browser_for, make):
    household = make.household()
    browser = browser_for("officer")
    _post_edit(browser, household, alert_codes=["no_address"], alert_note="Au bureau")
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "household", AuditEvent.entity_id == household.id)
        .where(AuditEvent.action == "update")
    ).one()
    rows = {label: (old, new) for label, old, new, _shown in present_changes(event)}
    assert rows["Alerte"] == ("∅", "Ne pas communiquer l’adresse")
    assert rows["Alerte (texte libre)"][1] == "Au bureau"
    history = browser_for("assistant").get(f"/households/{household.id}/history")
    assert "Ne pas communiquer l’adresse" in history.get_data(as_text=True)
