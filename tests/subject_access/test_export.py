"""Right of access (issue 12, item 3): `/households/<id>/export` gives everything held on
one household — identity, members, occupancy with its unit and building, letters, notes
(every officer's confidential ones too), tasks, documents list, wishes, offers,
relocations, history — as JSON and as a French PDF, and nothing about another household:
not the neighbour in the same building, not the household split from it (hosted in its
unit), not their notes or letters. Every download is an `export` audit event."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.documents.models import Document, DocumentKind
from capintra.extensions import db
from capintra.households import services as households
from capintra.households.models import Member, Relation
from capintra.relocation.models import (
    Channel,
    Offer,
    Relocation,
    RelocationKind,
    Sector,
    Typology,
    Wishes,
)
from capintra.subject_access.models import AccessRequest
from tests.buildings import make as bmake
from tests.conftest import login
from tests.orders import drafts
from tests.orders import make as omake

SECTIONS = [
    "household",
    "partners",
    "members",
    "letters",
    "notes",
    "tasks",
    "phase_changes",
    "documents",
    "occupancy",
    "costs_on_hold",
    "orders",
    "wishes",
    "offers",
    "relocations",
    "history",
]

#: Words found only in the other households' rows: none may leave in this export.
OTHERS = [
    "BERNARD",
    "Paul",
    "Courrier au voisin",
    "Note sur le voisin",
    "Note du ménage décohabité",
    "Courrier du ménage décohabité",
    "9 rue du Voisin",
]


@pytest.fixture
def browser_for(app_ctx, make):
    def _browser(who="officer"):
        user = make.user(who) if isinstance(who, str) else who
        return login(app_ctx.test_client(), user)

    return _browser


def _add(row):
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def files(make):
    """MARTIN (ours) and BERNARD live in the same building; Lucas MARTIN left MARTIN in a
    split and is hosted in its unit. Each has notes and letters of its own."""
    officer = make.user("officer", full_name="Alice Référente")
    colleague = make.user("officer", full_name="Bruno Collègue")
    assistant = make.user("assistant", full_name="Chloé Assistante")
    operation = make.operation()
    building = bmake.building(operation.id, address="12 rue Gambetta", commune="Saint-Chamond")
    home = bmake.unit(building, lot_number="A1", floor=1)
    next_door = bmake.unit(building, lot_number="B2", floor=2)

    mine = make.household(
        operation.id, name="MARTIN Famille", officer_id=officer.id,
        health_details="Asthme sévère", monthly_resources_cents=150_000,
    )  # fmt: skip
    make.member(mine, last_name="MARTIN", first_name="Jeanne", relation=Relation.CHEF)
    lucas = make.member(mine, last_name="MARTIN", first_name="Lucas", relation=Relation.ENFANT)
    bmake.period(home, mine, rent_cents=45_000)
    make.note(mine, author=colleague, body="Note confidentielle de Bruno")
    make.note(mine, author=officer, body="Note confidentielle d’Alice")
    make.note(mine, author=assistant, confidential=False, body="Note partagée de Chloé")
    make.letter(mine, subject="Convocation MARTIN")
    make.task(mine, title="Rappeler Mme MARTIN")
    _add(Document(owner_type="household", owner_id=mine.id, kind=DocumentKind.BAIL,
                  title="Bail MARTIN", original_name="bail.pdf", content_type="application/pdf",
                  size=10, checksum="0" * 64, storage_name="stored-bail-martin",
                  confidential=True))  # fmt: skip
    _add(Wishes(household_id=mine.id, communes="Firminy", max_rent_cents=50_000))
    _add(Offer(household_id=mine.id, formal=True, sent_on=date(2026, 10, 1),
               channel=Channel.RECOMMANDE, unit_type=Typology.T3, address="8 rue Michelet",
               commune="Firminy", rent_cents=42_000))  # fmt: skip
    _add(Relocation(household_id=mine.id, kind=RelocationKind.TEMPORAIRE,
                    relocated_on=date(2026, 10, 5), keys_on=date(2026, 10, 5),
                    address="3 rue Provisoire", commune="Saint-Étienne", sector=Sector.SOCIAL,
                    right_to_return=True))  # fmt: skip

    other = make.household(operation.id, name="BERNARD Famille", address="9 rue du Voisin")
    make.member(other, last_name="BERNARD", first_name="Paul", relation=Relation.CHEF)
    bmake.period(next_door, other)
    make.note(other, author=officer, body="Note sur le voisin")
    make.letter(other, subject="Courrier au voisin")

    # One provider order names both MARTIN and BERNARD.
    market = omake.market()
    drafts.draft(market.diag, households=[mine, other], place="Permanence de Saint-Chamond")

    split = households.split_member(mine, db.session.get(Member, lucas.id), officer)
    db.session.commit()
    make.note(split, author=officer, body="Note du ménage décohabité")
    make.letter(split, subject="Courrier du ménage décohabité")
    return {"officer": officer, "colleague": colleague, "mine": mine, "other": other,
            "split": split}  # fmt: skip


def _json(browser, household) -> tuple[dict, str]:
    response = browser.get(f"/households/{household.id}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    return json.loads(text), text


def test_json_holds_every_section_of_the_household(browser_for, files):
    data, _text = _json(browser_for(files["officer"]), files["mine"])
    sections = data["sections"]
    assert list(sections) == SECTIONS
    assert data["household_reference"] == files["mine"].reference

    identity = sections["household"]
    assert identity["name"] == "MARTIN Famille"
    assert identity["health_details"] == "Asthme sévère"  # values as stored: officers read it
    assert identity["monthly_resources_cents"] == 150_000
    assert identity["officer"]["full_name"] == "Alice Référente"
    assert {(m["first_name"], m["relation"]) for m in sections["members"]} == {
        ("Jeanne", "chef"),
        ("Lucas", "enfant"),
    }
    lucas = next(m for m in sections["members"] if m["first_name"] == "Lucas")
    assert lucas["left_at"] is not None  # he left in the split: still held, with the date
    assert [x["subject"] for x in sections["letters"]] == ["Convocation MARTIN"]
    assert [t["title"] for t in sections["tasks"]] == ["Rappeler Mme MARTIN"]
    assert sections["tasks"][0]["due_date"] == "2026-11-30"  # ISO dates
    assert [(d["title"], d["kind"]) for d in sections["documents"]] == [("Bail MARTIN", "bail")]
    assert "storage_name" not in sections["documents"][0]

    [period] = sections["occupancy"]
    assert period["rent_cents"] == 45_000
    assert period["unit"]["lot_number"] == "A1"
    assert period["unit"]["building"]["address"] == "12 rue Gambetta"

    assert sections["wishes"]["communes"] == "Firminy"
    assert [o["address"] for o in sections["offers"]] == ["8 rue Michelet"]
    assert [r["address"] for r in sections["relocations"]] == ["3 rue Provisoire"]
    assert sections["costs_on_hold"] == []
    [order] = sections["orders"]
    assert (order["status"], order["place"]) == ("brouillon", "Permanence de Saint-Chamond")

    history = sections["history"]
    assert history, "the file's audit events"
    assert all(set(e) >= {"at", "action", "entity_type", "changes"} for e in history)
    assert all("ip" not in e for e in history)
    assert {"create", "split"} <= {e["action"] for e in history}


def test_confidential_notes_of_every_officer_are_exported(browser_for, files):
    """The rule chosen: an officer exports every note of the file, the confidential notes
    of the other officers included, as the file's journal shows them to officers."""
    data, _text = _json(browser_for(files["officer"]), files["mine"])
    notes = {n["body"]: n for n in data["sections"]["notes"]}
    assert set(notes) == {
        "Note confidentielle de Bruno",
        "Note confidentielle d’Alice",
        "Note partagée de Chloé",
    }
    assert notes["Note confidentielle de Bruno"]["confidential"] is True
    assert notes["Note confidentielle de Bruno"]["author"]["full_name"] == "Bruno Collègue"


def test_nothing_about_another_household(browser_for, files):
    browser = browser_for(files["officer"])
    _data, text = _json(browser, files["mine"])
    for word in OTHERS:
        assert word not in text, word
    assert files["other"].reference not in text

    # The split household's export: its own rows, none of the file it came from.
    data, text = _json(browser, files["split"])
    origin = ["Jeanne", "Convocation MARTIN", "Note confidentielle", "Bail MARTIN",
              "8 rue Michelet", "Rappeler Mme MARTIN", "BERNARD", "Note sur le voisin"]  # fmt: skip
    for word in origin:
        assert word not in text, word
    assert [n["body"] for n in data["sections"]["notes"]] == ["Note du ménage décohabité"]
    [hosted] = data["sections"]["occupancy"]
    assert hosted["kind"] == "hosted"
    assert data["sections"]["household"]["split_from_id"] == files["mine"].id  # an id, no more


def test_pdf_is_a_french_a4_document_of_that_household_only(browser_for, files):
    response = browser_for(files["officer"]).get(f"/households/{files['mine'].id}/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(body))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(page.extract_text() for page in reader.pages)
    headings = ["Identité et dossier", "Composition familiale", "Périodes d’occupation",
                "Notes de suivi", "Propositions de logement", "Historique du dossier"]  # fmt: skip
    for heading in headings:
        assert heading in text, heading
    assert "Note confidentielle de Bruno" in text
    assert "12 rue Gambetta" in text
    assert "450,00" in text  # the rent, in euros
    assert "30/11/2026" in text  # the task's due date, the French way
    assert "Décohabitation" in text  # the history in words
    for word in OTHERS:
        assert word not in text, word


def test_each_download_is_an_export_event_with_the_request_date(browser_for, files):
    mine = files["mine"]
    _add(AccessRequest(household_id=mine.id, requested_on=date(2026, 11, 2)))
    browser = browser_for(files["officer"])
    assert browser.get(f"/households/{mine.id}/export.json").status_code == 200
    assert browser.get(f"/households/{mine.id}/export.pdf").status_code == 200
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "export", AuditEvent.household_id == mine.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.changes["Format"][1] for e in events] == ["JSON", "PDF"]
    assert all(e.changes["Demande reçue le"][1] == "2026-11-02" for e in events)
    assert all(e.user_id == files["officer"].id for e in events)
    # The confidential notes and document it carried were read, as on the file's pages.
    reads = db.session.scalars(
        select(AuditEvent.entity_type).where(
            AuditEvent.action == "read_confidential", AuditEvent.household_id == mine.id
        )
    ).all()
    assert sorted(reads) == ["document", "document", "note", "note", "note", "note"]


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_only_officers_export(browser_for, files, role, make):
    browser = browser_for(role)
    mine = files["mine"]
    for path in ("export", "export.json", "export.pdf"):
        assert browser.get(f"/households/{mine.id}/{path}").status_code == 403
    admin = browser_for(make.user("manager", admin=True))
    assert admin.get(f"/households/{mine.id}/export.json").status_code == 403
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()


def test_a_deleted_file_is_not_found(browser_for, files):
    mine = files["mine"]
    mine.deleted_at = mine.created_at
    db.session.commit()
    assert (
        browser_for(files["officer"]).get(f"/households/{mine.id}/export.json").status_code == 404
    )


def test_rows_deleted_from_the_interface_are_still_held_and_exported(browser_for, files, make):
    """A soft-deleted letter is kept in the database: the export gives it, with the day
    it was deleted."""
    letter = make.letter(files["mine"], subject="Courrier supprimé par erreur")
    letter.deleted_at = letter.created_at
    db.session.commit()
    data, _text = _json(browser_for(files["officer"]), files["mine"])
    deleted = [x for x in data["sections"]["letters"] if x["deleted_at"]]
    assert [x["subject"] for x in deleted] == ["Courrier supprimé par erreur"]
