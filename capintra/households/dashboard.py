"""Household sections of the dashboard, one per role (DESIGN §3); declared in feature.py."""

from __future__ import annotations

from flask_login import current_user

from capintra.households import queries
from capintra.households.models import Phase
from capintra.households.services import today
from capintra.security import can


def officer_section() -> dict:
    user = current_user._get_current_object()
    return {
        "by_phase": queries.files_by_phase(user),
        "tasks": queries.tasks_due(user, today()),
        "committee": queries.committee_files(user),
        "today": today(),
    }


def paperwork_section() -> dict:
    user = current_user._get_current_object()
    return {
        "letters": queries.letters_awaiting_acknowledgement(today()),
        # Officers see their tasks in their own section.
        "tasks": None if can("household.social") else queries.tasks_due(user, today()),
        "to_delete": queries.supporting_documents_to_delete(limit=20),
        "today": today(),
    }


def progress_section() -> dict:
    return {"progress": queries.progress_by_operation(), "phases": list(Phase)}
