"""Issue 3's "Done when", as a new user would try it: an assistant opens a file, an
officer writes a confidential note and moves the file on, the manager follows it without
ever learning of the note."""

from __future__ import annotations

import re

from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household, Letter, Member, Note, Phase
from tests.households.helpers import text_of

NOTE = "Mme évoque des difficultés avec son fils ; orientation CMP proposée."


def test_assistant_officer_and_manager_on_one_file(make, browser_for):
    operation = make.operation(name="OPAH-RU Saint-Étienne Centre")
    assistant, officer, manager = (browser_for(r) for r in ("assistant", "officer", "manager"))

    # The assistant creates the file, with two members and an LRAR letter.
    response = assistant.post(
        "/households/new",
        data={"name": "MOREAU Hélène", "operation_id": operation.id,
              "address": "8 rue des Martyrs-de-Vingré", "commune": "Saint-Étienne",
              "rehousing_right": "a_instruire"},
    )  # fmt: skip
    assert response.status_code == 303
    household = db.session.scalars(select(Household).where(Household.name == "MOREAU Hélène")).one()
    assert re.fullmatch(r"MEN-\d{4}-\d{4,}", household.reference)
    file_url = f"/households/{household.id}"
    assert response.headers["Location"].endswith(file_url)
    for first_name, relation in (("Hélène", "chef"), ("Jérôme", "conjoint")):
        member = {"last_name": "MOREAU", "first_name": first_name, "relation": relation}
        assert assistant.post(f"{file_url}/members", data=member).status_code == 303
    letter = {"letter_date": "2026-11-02", "direction": "sent", "channel": "lrar",
              "subject": "Convocation à un premier entretien"}  # fmt: skip
    assert assistant.post(f"{file_url}/letters", data=letter).status_code == 303

    # The officer adds a note (confidential: she does not tick "shared") and moves the file.
    note = {"kind": "entretien", "note_date": "2026-11-20", "body": NOTE}
    assert officer.post(f"{file_url}/notes", data=note).status_code == 303
    db.session.expire_all()
    version = db.session.get(Household, household.id).version
    moved = officer.post(f"{file_url}/phase", data={"to_phase": "diagnostic", "version": version})
    assert moved.status_code == 303
    assert NOTE in text_of(officer.get(f"{file_url}/journal"))

    db.session.expire_all()
    assert db.session.get(Household, household.id).phase is Phase.DIAGNOSTIC
    assert db.session.scalars(select(Note)).one().confidential is True
    assert len(db.session.scalars(select(Member)).all()) == 2
    assert db.session.scalars(select(Letter)).one().channel.value == "lrar"

    # The manager sees the file, its phase and the letter…
    summary = text_of(manager.get(file_url))
    assert "MOREAU Hélène" in summary and household.reference in summary
    assert "Étape : Diagnostic" in summary
    assert "Convocation à un premier entretien" in text_of(manager.get(f"{file_url}/letters"))
    assert "Jérôme" in text_of(manager.get(f"{file_url}/members"))
    # …but neither the note nor any trace of it.
    journal = text_of(manager.get(f"{file_url}/journal"))
    assert "Aucune note." in journal
    history = text_of(manager.get(f"{file_url}/history"))
    assert "Diagnostic" in history  # the phase change is there
    pages = [summary, journal, history, text_of(manager.get("/"))]
    pages.append(text_of(manager.get("/households/?q=moreau")))
    for page in pages:
        assert "CMP" not in page and "difficultés" not in page and "20/11/2026" not in page
        assert "<td>Note</td>" not in page and "élément confidentiel" not in page

    # Searching "helene" finds Hélène.
    found = text_of(manager.get("/households/?q=helene"))
    assert household.reference in found
