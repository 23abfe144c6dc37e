"""The household's history, for its right-of-access export (capintra.personal_data;
declared in feature.py): every audit event of its file (`AuditEvent.household_id`), its
values as stored but the staff's IP address, and in French words for the PDF. The
export's reader is an officer: every event and field name is shown, as in the file's
history for officers."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra.audit.labels import action_labels, change_in_words, entity_labels, present_changes
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.personal_data import PersonalDataSection, Record, jsonable, staff
from capintra.text import lazy_gettext as _l
from capintra.web.formatting import datetime_fr


def _changes_in_words(event: AuditEvent) -> str:
    parts = []
    for label, old, new, has_values in present_changes(event):
        parts.append(change_in_words(label, old, new, has_values))
    return " ; ".join(parts)


def sections(household: Any) -> PersonalDataSection:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.household_id == household.id)
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    actions, tables = action_labels(), entity_labels()
    records = []
    for event in events:
        values = {
            "id": event.id,
            "at": jsonable(event.at),
            "user_id": event.user_id,
            "action": event.action,
            "entity_type": event.entity_type,
            "entity_id": event.entity_id,
            "changes": event.changes,
            "confidential": event.confidential,
        }
        table = tables.get(event.entity_type or "", event.entity_type or "")
        shown = (
            (_l("Date"), datetime_fr(event.at)),
            (_l("Par"), event.user.full_name if event.user else _("le système")),
            (_l("Action"), str(actions.get(event.action, event.action))),
            (_l("Élément"), f"{table} n° {event.entity_id}" if event.entity_id else str(table)),
            (_l("Champs"), _changes_in_words(event)),
        )
        records.append(
            Record(
                "audit_event",
                values,
                {"user": staff(event.user, _l("Par"))} if event.user else {},
                shown=tuple((label, text) for label, text in shown if text),
            )
        )
    return PersonalDataSection("history", _l("Historique du dossier"), tuple(records), order=1000)
