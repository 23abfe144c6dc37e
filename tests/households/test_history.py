import re

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Note
from tests.households.helpers import text_of


def test_history_lists_changes_with_their_author_not_consultations(login_as, make):
    assistant = make.user("assistant", full_name="Annie Saisie")
    household = make.household()
    browser = login_as(assistant)
    browser.get(f"/households/{household.id}")  # an opening: audit trail only
    response = browser.post(
        f"/households/{household.id}/letters",
        data={"letter_date": "2026-11-20", "direction": "sent", "channel": "lrar",
              "subject": "Convocation"},
    )  # fmt: skip
    assert response.status_code == 303
    history = text_of(browser.get(f"/households/{household.id}/history"))
    assert "<td>Annie Saisie</td>" in history
    assert "<td>Courrier</td>" in history
    assert "Ouverture du dossier" not in history


# --- a shared note has no confidential past for those who could not see it ---------------


def _changes_part(html: str) -> str:
    """The page without what is not a change: the file's consultations (officers and
    admins), the trail's filters (their lists name every action)."""
    html = re.sub(r'<table class="table table-sm" id="consultations">.*?</table>', "", html,
                  flags=re.S)  # fmt: skip
    if '<tbody id="audit-rows">' in html:
        html = html.partition('<tbody id="audit-rows">')[2]
    return html


def _rows_about(html: str, entity_label: str, reference: str | None = None) -> list[str]:
    """The rows of changes (tags stripped) about that kind of item (on /audit/: of that
    file, named by its reference)."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", _changes_part(html), re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    wanted = f"{entity_label} · {reference}" if reference else f" {entity_label} "
    return [row for row in text if wanted in f" {row} "]


@pytest.fixture
def shared_later(make, browser_for):
    """An officer writes a confidential note, edits it, reads it, shares it (changing its
    date as she does), then edits it once more, shared."""
    officer_user = make.user("officer", full_name="Claire Référente")
    household = make.household(officer_id=officer_user.id)
    officer = browser_for(officer_user)
    url = f"/households/{household.id}/notes"
    note_data = {"kind": "entretien", "body": "Confidences sur la santé"}
    assert officer.post(url, data={**note_data, "note_date": "2026-01-02"}).status_code == 303
    note = db.session.scalars(select(Note).where(Note.household_id == household.id)).one()

    def save(**changes):
        db.session.expire_all()
        version = db.session.get(Note, note.id).version
        data = {**note_data, "note_date": "2026-01-03", "version": version, **changes}
        assert officer.post(f"{url}/{note.id}", data=data).status_code == 303

    save()  # still confidential: 02/01 → 03/01
    officer.get(f"/households/{household.id}/journal")  # a confidential read
    save(note_date="2026-01-04", body="Compte rendu pour l'équipe", shared="y")
    save(note_date="2026-01-05", body="Compte rendu pour l'équipe", shared="y")
    return household, note, officer


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_a_note_shared_later_begins_for_others_when_it_was_shared(shared_later, browser_for, role):
    household, note, _officer = shared_later
    history = text_of(browser_for(role).get(f"/households/{household.id}/history"))
    rows = _rows_about(history, "Note")
    assert len(rows) == 2, rows
    edited, shared = rows  # newest first
    assert "Note partagée" in shared and "Claire Référente" in shared
    assert "Modification" in edited and "Date : 04/01/2026 → 05/01/2026" in edited
    for trace in ("Confidentiel", "Création Note", "02/01/2026", "03/01/2026", "Lecture"):
        assert trace not in history, trace


def test_the_manager_audit_trail_shows_the_same_story(shared_later, browser_for):
    household, _note, _officer = shared_later
    trail = _changes_part(text_of(browser_for("manager").get("/audit/")))
    rows = _rows_about(trail, "Note", household.reference)
    assert len(rows) == 2, rows
    edited, shared = rows  # newest first
    assert "Note partagée" in shared
    assert "Modification" in edited and "Date : 04/01/2026 → 05/01/2026" in edited
    for trace in ("Confidentiel", "02/01/2026", "03/01/2026", "élément confidentiel"):
        assert trace not in trail, trace


def test_the_officer_still_sees_the_whole_story(shared_later):
    household, _note, officer = shared_later
    history = text_of(officer.get(f"/households/{household.id}/history"))
    rows = _rows_about(history, "Note")
    assert len(rows) == 4, rows
    assert "Création" in rows[-1]
    assert "Date : 02/01/2026 → 03/01/2026" in rows[-2]
    assert "Confidentiel : oui → non" in rows[-3] and "Date : 03/01/2026 → 04/01/2026" in rows[-3]
    assert "Note partagée" not in history


def test_the_admin_trail_keeps_the_whole_story(shared_later, browser_for):
    household, _note, _officer = shared_later
    trail = _changes_part(text_of(browser_for("admin").get("/audit/")))
    assert "Confidentiel : oui → non" in trail and "Lecture d’un élément confidentiel" in trail
    assert "Note partagée" not in trail
    assert len(_rows_about(trail, "Note", household.reference)) >= 5  # creation, 3 edits, read


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_a_document_shared_later_has_no_confidential_past_either(make, browser_for, role):
    """No route shares a document yet; the rule holds the day one does."""
    from capintra.documents.models import Document
    from tests.documents.samples import stored_document

    officer = make.user("officer")
    household = make.household(officer_id=officer.id)
    document = stored_document(household, uploader=officer, confidential=True, title="Bilan")
    db.session.get(Document, document.id).confidential = False
    db.session.commit()
    for page in (f"/households/{household.id}/history", "/audit/"):
        if page == "/audit/" and role != "manager":
            continue
        html = _changes_part(text_of(browser_for(role).get(page)))
        rows = _rows_about(html, "Pièce jointe")
        assert len(rows) == 1 and "Pièce jointe partagée" in rows[0], (page, rows)
        assert "Confidentiel" not in html and "Création Pièce jointe" not in html, page
