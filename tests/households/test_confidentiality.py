"""Confidentiality (DESIGN §1): for assistants and managers a confidential note does not
exist — not its body, its date line, its author, its id, its audit trail — and health and
vulnerability details are officers' only. Officers see them, and each read is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household, Note
from tests.households.helpers import audit_events, text_of

SECRET_BODY = "Signalement ASE en cours, ne pas diffuser"
SECRET_DATE = "03/02/2021"
SHARED_BODY = "Point sur la situation, partagé avec le bailleur"
HEALTH = "Insuffisance respiratoire sévère"
VULNERABILITY = "Violences conjugales signalées"
DISABILITY = "Fauteuil roulant électrique"
TABS = (
    "members",
    "occupancy",
    "letters",
    "journal",
    "documents",
    "offers",
    "relocation",
    "tasks",
    "history",
)
#: Names and labels of sensitive fields, as the history tab or a form would write them.
SENSITIVE_FIELD_NAMES = (
    "health_details",
    "vulnerability_details",
    "disability_need",
    "Santé",
    "Vulnérabilités",
    'd-block">Texte',
)


@pytest.fixture
def case_file(make, browser_for):
    """A file an officer has worked on: a confidential and a shared note, health details,
    a member's disability need; the officer has read the journal and edited the health
    details, so the trail holds confidential reads and sensitive field names."""
    author = make.user("officer", full_name="Nadia Auteure-Secrète")
    referent = make.user("officer", full_name="Paul Référent")
    household = make.household(
        name="KACI Aïcha",
        officer_id=referent.id,
        health_details=HEALTH,
        vulnerability_details=VULNERABILITY,
        needs_ground_floor=True,
    )
    make.member(household, last_name="KACI", first_name="Aïcha", disability_need=DISABILITY)
    secret = make.note(
        household, confidential=True, author=author, body=SECRET_BODY, note_date=date(2021, 2, 3)
    )
    shared = make.note(household, confidential=False, author=referent, body=SHARED_BODY)
    officer = browser_for(author)
    assert SECRET_BODY in text_of(officer.get(f"/households/{household.id}/journal"))
    response = officer.post(
        f"/households/{household.id}/edit",
        data={
            "name": household.name,
            "operation_id": household.operation_id,
            "officer_id": referent.id,
            "rehousing_right": "a_instruire",
            "health_details": HEALTH + " (mise à jour)",
            "vulnerability_details": VULNERABILITY,
            "needs_ground_floor": "y",
            "version": household.version,
        },
    )
    assert response.status_code == 303, text_of(response)
    return household, secret, shared


def every_page(browser, household) -> dict[str, str]:
    """Every page and partial a user can get about the file, by name."""
    base = f"/households/{household.id}"
    pages = {
        "dashboard": browser.get("/"),
        "list": browser.get("/households/"),
        "search by name": browser.get("/households/?q=kaci"),
        "search by note words": browser.get("/households/?q=signalement"),
        "search fragment": browser.htmx("GET", "/households/?q=kaci", "household-results"),
        "detail": browser.get(base),
        "detail partial": browser.htmx("GET", base, "tab-content"),
        "edit form": browser.get(f"{base}/edit"),
    }
    for tab in TABS:
        pages[tab] = browser.get(f"{base}/{tab}")
        pages[f"{tab} partial"] = browser.htmx("GET", f"{base}/{tab}", "tab-content")
    texts = {}
    for name, response in pages.items():
        assert response.status_code in (200, 403), (name, response.status_code)
        texts[name] = text_of(response)
    return texts


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_a_confidential_note_does_not_exist_for_non_officers(case_file, browser_for, role):
    household, secret, shared = case_file
    browser = browser_for(role)
    pages = every_page(browser, household)
    assert SHARED_BODY in pages["journal"], "the shared note is the control: it must show"
    assert SHARED_BODY in pages["journal partial"]
    for name, html in pages.items():
        assert SECRET_BODY not in html, name
        assert SECRET_DATE not in html, name
        # Other pages list officers; the history names who made each (visible) change.
        if name.startswith(("journal", "detail")):
            assert "Nadia Auteure-Secrète" not in html, name
        assert f"/notes/{secret.id}" not in html, name
        assert f"note-{secret.id}" not in html, name
        assert "Confidentiel · chargé(e) de missions sociales" not in html, name
        assert "élément confidentiel" not in html, name  # read_confidential events
        for field_name in SENSITIVE_FIELD_NAMES:
            assert field_name not in html, (name, field_name)
        for detail in (HEALTH, VULNERABILITY, DISABILITY):
            assert detail not in html, (name, detail)
    # The journal holds exactly one entry for them; the history one note event (the shared).
    assert pages["journal"].count('class="border-bottom py-2"') == 1
    assert pages["journal partial"].count('class="border-bottom py-2"') == 1
    assert pages["history"].count("<td>Note</td>") == 1
    assert "<html" not in pages["journal partial"]


def test_officers_see_the_confidential_note_and_every_read_is_audited(case_file, browser_for):
    household, secret, _shared = case_file
    officer = browser_for("officer")
    before = len(audit_events(action="read_confidential", entity_id=secret.id))
    page = text_of(officer.get(f"/households/{household.id}/journal"))
    assert SECRET_BODY in page and SECRET_DATE in page
    assert "Confidentiel · chargé(e) de missions sociales" in page
    partial = text_of(officer.htmx("GET", f"/households/{household.id}/journal", "tab-content"))
    assert SECRET_BODY in partial
    reads = audit_events(action="read_confidential", entity_id=secret.id)
    assert len(reads) == before + 2
    assert all(e.entity_type == "note" and e.confidential for e in reads)
    assert reads[-1].user_id == officer.user.id
    assert reads[-1].household_id == household.id
    # The journal shown around a note's edit form is a read too.
    edit = officer.get(f"/households/{household.id}/notes/{secret.id}")
    assert edit.status_code == 200 and SECRET_BODY in text_of(edit)
    assert len(audit_events(action="read_confidential", entity_id=secret.id)) == before + 3
    # Shared notes are not confidential reads.
    assert not audit_events(action="read_confidential", entity_id=_shared.id)
    summary = text_of(officer.get(f"/households/{household.id}"))
    assert HEALTH in summary and VULNERABILITY in summary
    # The history shows officers that the health details changed (the name, not the value).
    history = text_of(officer.get(f"/households/{household.id}/history"))
    assert 'd-block">Santé' in history and HEALTH not in history
    # Reads are consultations: in the audit trail (above), not in the file's history.
    assert "Lecture d'un élément confidentiel" not in history


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_a_confidential_note_url_answers_like_a_missing_note(case_file, browser_for, role):
    household, secret, shared = case_file
    browser = browser_for(role)
    base = f"/households/{household.id}/notes"
    missing = secret.id + shared.id + 1000
    expected = 404 if role == "assistant" else 403  # a manager may not edit notes at all
    for note_id in (secret.id, missing):
        data = {"body": "écrasé", "note_date": "2026-11-25", "kind": "appel", "version": 1}
        responses = [
            browser.get(f"{base}/{note_id}"),
            browser.htmx("GET", f"{base}/{note_id}", "tab-content"),
            browser.post(f"{base}/{note_id}", data=data),
            browser.htmx("POST", f"{base}/{note_id}", "tab-content", data=data),
            browser.post(f"{base}/{note_id}/delete", data={"version": secret.version}),
        ]
        for response in responses:
            assert response.status_code == expected, (note_id, response.request.path)
            assert SECRET_BODY not in text_of(response)
    assert browser.get(f"{base}/{shared.id}").status_code == (200 if role == "assistant" else 403)
    db.session.expire_all()
    note = db.session.get(Note, secret.id)
    assert note.body == SECRET_BODY and note.deleted_at is None


def test_health_details_are_hidden_from_the_assistant_and_kept_by_her_edit(case_file, browser_for):
    household, _secret, _shared = case_file
    assistant = browser_for("assistant")
    form = text_of(assistant.get(f"/households/{household.id}/edit"))
    assert 'name="health_details"' not in form and 'name="vulnerability_details"' not in form
    assert HEALTH not in form
    response = assistant.post(
        f"/households/{household.id}/edit",
        data={
            "name": "KACI Aïcha",
            "operation_id": household.operation_id,
            "address": "12 rue Neuve",
            "needs_lift": "y",
            # Fields she may not write, posted anyway, are ignored:
            "health_details": "",
            "vulnerability_details": "",
            "committee_flag": "y",
            "version": db_household(household.id).version,
        },
    )
    assert response.status_code == 303, text_of(response)[:2000]
    saved = db_household(household.id)
    assert saved.address == "12 rue Neuve" and saved.needs_lift
    assert saved.health_details.startswith(HEALTH) and saved.vulnerability_details == VULNERABILITY
    assert saved.committee_flag is False
    # The assistant sees the housing need, not the health data behind it.
    summary = text_of(assistant.get(f"/households/{household.id}"))
    assert "ascenseur" in summary and HEALTH not in summary


def db_household(household_id: int) -> Household:
    db.session.expire_all()
    return db.session.get(Household, household_id)


def test_an_officers_note_is_confidential_unless_shared(make, browser_for):
    household = make.household()
    officer = browser_for("officer")
    url = f"/households/{household.id}/notes"
    data = {"kind": "entretien", "note_date": "2026-11-25", "body": "Note par défaut"}
    assert officer.post(url, data=data).status_code == 303
    shared = dict(data, body="Note partagée", shared="y")
    assert officer.post(url, data=shared).status_code == 303
    notes = {n.body: n for n in notes_of(household)}
    assert notes["Note par défaut"].confidential is True
    assert notes["Note partagée"].confidential is False
    assert notes["Note par défaut"].author_id == officer.user.id
    page = text_of(officer.get(f"/households/{household.id}/journal"))
    assert 'name="shared"' in page and "Partagée avec l’équipe projet" in page


def test_an_assistants_notes_are_always_shared(make, browser_for):
    household = make.household()
    assistant = browser_for("assistant")
    page = text_of(assistant.get(f"/households/{household.id}/journal"))
    assert 'name="shared"' not in page
    url = f"/households/{household.id}/notes"
    data = {"kind": "appel", "note_date": "2026-11-25", "body": "Appel de la CAF"}
    assert assistant.post(url, data=data).status_code == 303  # `shared` absent
    hacked = dict(data, body="Tentative confidentielle", confidential="y", shared="")
    assert assistant.post(url, data=hacked).status_code == 303
    notes = notes_of(household)
    assert {n.body for n in notes} == {"Appel de la CAF", "Tentative confidentielle"}
    assert all(n.confidential is False for n in notes)
    # Editing her note keeps it shared.
    note = notes[0]
    edited = dict(data, body="Appel de la CAF (rappel)", version=note.version)
    assert assistant.post(f"{url}/{note.id}", data=edited).status_code == 303
    assert all(n.confidential is False for n in notes_of(household))


def notes_of(household) -> list[Note]:
    db.session.expire_all()
    return list(db.session.scalars(select(Note).where(Note.household_id == household.id)))


def test_a_shared_note_made_confidential_vanishes_from_the_history(make, browser_for):
    household = make.household()
    officer = browser_for("officer")
    url = f"/households/{household.id}/notes"
    data = {"kind": "appel", "note_date": "2026-11-25", "body": "D'abord partagée", "shared": "y"}
    assert officer.post(url, data=data).status_code == 303
    (note,) = notes_of(household)
    manager = browser_for("manager")
    assert text_of(manager.get(f"/households/{household.id}/history")).count("<td>Note</td>") == 1
    private = {k: v for k, v in data.items() if k != "shared"}  # the box unticked
    response = officer.post(f"{url}/{note.id}", data=dict(private, version=note.version))
    assert response.status_code == 303
    assert notes_of(household)[0].confidential is True
    history = text_of(manager.get(f"/households/{household.id}/history"))
    assert "<td>Note</td>" not in history
    assert "D&#39;abord partagée" not in text_of(manager.get(f"/households/{household.id}/journal"))


def test_reads_of_a_note_once_confidential_stay_hidden_after_it_is_shared(make, browser_for):
    household = make.household()
    officer = browser_for("officer")
    note = make.note(household, confidential=True, author=officer.user, body="Bientôt partagée")
    officer.get(f"/households/{household.id}/journal")  # a confidential read
    data = {"kind": "appel", "note_date": "2026-11-25", "body": "Bientôt partagée"}
    response = officer.post(
        f"/households/{household.id}/notes/{note.id}", data=dict(data, shared="y", version=1)
    )
    assert response.status_code == 303
    manager = browser_for("manager")
    assert "Bientôt partagée" in text_of(manager.get(f"/households/{household.id}/journal"))
    history = text_of(manager.get(f"/households/{household.id}/history"))
    assert "élément confidentiel" not in history
    assert audit_events(action="read_confidential", entity_id=note.id)  # they exist


def test_a_members_disability_need_is_hidden_from_the_assistant_and_kept_by_her_edit(
    make, browser_for
):
    household = make.household()
    member = make.member(household, first_name="Awa", disability_need=DISABILITY)
    assistant = browser_for("assistant")
    url = f"/households/{household.id}/members/{member.id}"
    form = text_of(assistant.get(url))
    assert 'name="disability_need"' not in form and DISABILITY not in form
    data = {"last_name": "DUPONT", "first_name": "Awa-Marie", "relation": "enfant"}
    response = assistant.post(url, data=dict(data, disability_need="", version=1))
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(type(member), member.id)
    assert saved.first_name == "Awa-Marie" and saved.disability_need == DISABILITY
    officer_page = text_of(browser_for("officer").get(f"/households/{household.id}/members"))
    assert DISABILITY in officer_page


def test_writing_a_note_is_not_logged_as_reading_the_journal(make, browser_for):
    from tests.households.helpers import audit_events

    household = make.household()
    officer = browser_for("officer")
    response = officer.htmx(
        "POST", f"/households/{household.id}/notes", "tab-content",
        data={"kind": "entretien", "note_date": "2026-11-20", "body": "Nouvelle note"},
    )  # fmt: skip
    assert response.status_code == 200
    assert audit_events(action="read_confidential", household_id=household.id) == []
    officer.get(f"/households/{household.id}/journal")
    assert len(audit_events(action="read_confidential", household_id=household.id)) == 1
