"""What the household file holds on a household, for its right-of-access export
(capintra.personal_data; declared in feature.py): the household itself, its partners,
members, letters, notes, tasks, phase changes and documents (their list, not the files).

Rows deleted from the interface are still held (soft-deleted, kept): they are exported
with their deletion date. Confidential notes and documents follow the one policy
(`visible`): an officer, the only reader of the export, sees every officer's confidential
notes, as on the file's journal (DESIGN §1: the confidential content belongs to the
officers as a team, not to its author).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra.confidentiality import visible
from capintra.documents.models import Document
from capintra.extensions import db
from capintra.households.models import (
    Household,
    HouseholdPartner,
    Letter,
    Member,
    Note,
    PhaseChange,
    Task,
)
from capintra.personal_data import PersonalDataSection, Record, staff, stored
from capintra.text import lazy_gettext as _l

AUTHOR = _l("Auteur")


def _rows(model, household: Household, *order, options=()):
    query = select(model).where(model.household_id == household.id, visible(model))
    return list(db.session.scalars(query.options(*options).order_by(*order, model.id)))


def sections(household: Household) -> list[PersonalDataSection]:
    identity = stored(
        household,
        exclude={"sort_name"},  # a search key computed from the name
        operation=Record(
            "operation",
            {"id": household.operation.id, "name": household.operation.name},
            label=_l("Opération"),
        ),
        officer=staff(household.officer, _l("Chargé(e) de missions sociales")),
    )
    partners = [
        stored(p, organisation=Record(
            "organisation",
            {"id": p.organisation.id, "name": p.organisation.name},
            label=_l("Organisme"),
        ))
        for p in _rows(
            HouseholdPartner, household, options=(joinedload(HouseholdPartner.organisation),)
        )
    ]  # fmt: skip
    notes = [
        stored(n, author=staff(n.author, AUTHOR))
        for n in _rows(Note, household, Note.note_date, options=(joinedload(Note.author),))
    ]
    tasks = [
        stored(t, assignee=staff(t.assignee, _l("Confiée à")))
        for t in _rows(Task, household, Task.due_date, options=(joinedload(Task.assignee),))
    ]
    phase_changes = [
        stored(c, by=staff(c.by, _l("Par")))
        for c in _rows(
            PhaseChange, household, PhaseChange.at, options=(joinedload(PhaseChange.by),)
        )
    ]
    documents = [
        # The file's name on our disk says nothing about the household.
        stored(d, exclude={"storage_name"}, uploaded_by=staff(d.uploaded_by, _l("Déposé par")))
        for d in db.session.scalars(
            select(Document)
            .where(
                Document.owner_type == Household.__tablename__,
                Document.owner_id == household.id,
                visible(Document),
            )
            .options(joinedload(Document.uploaded_by))
            .order_by(Document.created_at, Document.id)
        )
    ]
    return [
        PersonalDataSection("household", _l("Identité et dossier"), (identity,), single=True),
        PersonalDataSection("partners", _l("Partenaires intervenant"), tuple(partners)),
        PersonalDataSection(
            "members",
            _l("Composition familiale"),
            tuple(stored(m) for m in _rows(Member, household, Member.birth_date)),
        ),
        PersonalDataSection(
            "letters",
            _l("Courriers"),
            tuple(stored(x) for x in _rows(Letter, household, Letter.letter_date)),
        ),
        PersonalDataSection("notes", _l("Notes de suivi"), tuple(notes)),
        PersonalDataSection("tasks", _l("Tâches"), tuple(tasks)),
        PersonalDataSection("phase_changes", _l("Changements d’étape"), tuple(phase_changes)),
        PersonalDataSection("documents", _l("Pièces jointes (liste)"), tuple(documents)),
    ]
