"""Household sections of the dashboard, one per role (DESIGN §3)."""

from __future__ import annotations

from flask_login import current_user

from capintra.households import queries
from capintra.households.models import Phase
from capintra.households.services import today
from capintra.security import can
from capintra.web import dashboard_section


@dashboard_section("household.social", "households/_dashboard_officer.html")
def officer_section() -> dict:
    user = current_user._get_current_object()
    return {
        "by_phase": queries.files_by_phase(user),
        "tasks": queries.tasks_due(user, today()),
        "committee": queries.committee_files(user),
        "today": today(),
    }


@dashboard_section("household.edit", "households/_dashboard_paperwork.html")
def paperwork_section() -> dict:
    user = current_user._get_current_object()
    return {
        "letters": queries.letters_awaiting_acknowledgement(today()),
        # Officers see their tasks in their own section.
        "tasks": None if can("household.social") else queries.tasks_due(user, today()),
        "to_delete": queries.supporting_documents_to_delete(limit=20),
        "today": today(),
    }


@dashboard_section("report.view", "households/_dashboard_progress.html")
def progress_section() -> dict:
    return {"progress": queries.progress_by_operation(), "phases": list(Phase)}
