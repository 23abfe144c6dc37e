"""Twenty people at once on the real server (2 workers): creations, note adds, uploads and
file openings. No answer is an error, and every write is in the database afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.documents.models import Document
from capintra.households.models import Household, Note
from tests import factories
from tests.documents import samples
from tests.live.client import summary, together
from tests.live.conftest import LIVE

pytestmark = LIVE

PEOPLE = 20


@pytest.fixture(scope="module")
def crew(live):
    """Twenty colleagues signed in, each in their own session: officers and assistants
    (both may create files, add notes and upload)."""
    return [live.signed_in("officer" if i % 2 else "assistant") for i in range(PEOPLE)]


@pytest.fixture(scope="module")
def operation_id(live):
    return live.run(lambda: factories.operation()).id


def report(live, mark, responses, expected: int, kept: str) -> str:
    """The answers counted, what the database kept, what the server logged."""
    return f"{summary(responses, expected)}\n{kept}\n{live.explain(mark)}"


def test_twenty_parallel_creations(live, crew, operation_id):
    names = [f"PARALLELE Création{i:02d}" for i in range(PEOPLE)]

    def create(client, name):
        data = {"name": name, "operation_id": operation_id, "rehousing_right": "a_instruire"}
        return lambda: client.post("/households/new", data)

    mark = live.mark()
    responses = together([create(c, n) for c, n in zip(crew, names, strict=True)])

    created = live.scalars(select(Household).where(Household.name.in_(names)))
    why = report(live, mark, responses, 303, f"{len(created)} of {PEOPLE} files created")
    assert [r.status for r in responses] == [303] * PEOPLE, why
    assert sorted(h.name for h in created) == names, why
    assert len({h.reference for h in created}) == PEOPLE
    locations = {r.location for r in responses}
    assert locations == {f"/households/{h.id}" for h in created}


def test_twenty_parallel_note_adds_on_one_file(live, crew):
    household = live.run(lambda: factories.household())
    bodies = [f"Note parallèle n° {i:02d}" for i in range(PEOPLE)]

    def add(client, body):
        data = {"kind": "entretien", "note_date": "2026-11-20", "body": body}
        return lambda: client.post(f"/households/{household.id}/notes", data)

    mark = live.mark()
    responses = together([add(c, b) for c, b in zip(crew, bodies, strict=True)])

    saved = live.scalars(
        select(Note.body).where(Note.household_id == household.id, Note.deleted_at.is_(None))
    )
    why = report(live, mark, responses, 303, f"{len(saved)} of {PEOPLE} notes saved")
    assert [r.status for r in responses] == [303] * PEOPLE, why
    assert sorted(saved) == bodies, why


def test_twenty_parallel_uploads(live, crew):
    household = live.run(lambda: factories.household())
    content = samples.pdf()
    titles = [f"Avis d'imposition {i:02d}" for i in range(PEOPLE)]

    def upload(client, title):
        data = {"kind": "ressources", "title": title}
        files = {"file": (f"{title}.pdf", content, "application/pdf")}
        return lambda: client.post(f"/households/{household.id}/documents", data, files=files)

    mark = live.mark()
    responses = together([upload(c, t) for c, t in zip(crew, titles, strict=True)])

    documents = live.scalars(
        select(Document).where(
            Document.owner_id == household.id, Document.owner_type == "household"
        )
    )
    stored = [p for p in live.upload_dir.rglob("*") if p.is_file()]
    kept = f"{len(documents)} of {PEOPLE} documents saved, {len(stored)} files on disk"
    why = report(live, mark, responses, 303, kept)
    assert [r.status for r in responses] == [303] * PEOPLE, why
    assert sorted(d.title for d in documents) == titles, why
    assert {d.content_type for d in documents} == {"application/pdf"}
    assert len(stored) == PEOPLE, why


def test_twenty_parallel_openings_of_one_file(live, crew):
    """Opening a file writes an audit event: once per session (tab after tab of the same
    file within 10 minutes counts once), so twenty sessions make twenty events."""
    household = live.run(lambda: factories.household())
    path = f"/households/{household.id}"

    mark = live.mark()
    responses = together([(lambda c=c: c.get(path)) for c in crew])

    openings = live.count(
        AuditEvent,
        AuditEvent.action == "open",
        AuditEvent.entity_type == "household",
        AuditEvent.entity_id == household.id,
    )
    why = report(live, mark, responses, 200, f"{openings} of {PEOPLE} openings audited")
    assert [r.status for r in responses] == [200] * PEOPLE, why
    assert openings == PEOPLE, why
