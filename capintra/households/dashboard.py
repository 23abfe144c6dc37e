"""Household sections of the dashboard, one per role (DESIGN §3); declared in feature.py.

Every row names its file (name, reference, alert) and links to the tab it is about; a list
shows its first rows, most urgent first, and says how many more there are, with a link to
them all (`/?all=letters`: the dashboard with that list in full, or the household list
filtered).
"""

from __future__ import annotations

from datetime import date

from flask import request
from flask_login import current_user

from capintra.households import queries
from capintra.households.models import Phase, Task
from capintra.households.services import today
from capintra.security import can
from capintra.text import lazy_gettext as _l

#: Lists read whole by a function of their own (the letters, the documents) are read up
#: to this many rows.
READ_CAP = 200


def _size(name: str) -> int:
    """How many rows a list shows: the first ones, or all of them when asked."""
    return queries.DASHBOARD_CAP if request.args.get("all") == name else queries.DASHBOARD_ROWS


def task_groups(tasks: list[Task], day: date) -> list[tuple[str, str, list[Task]]]:
    """Tasks by urgency: overdue, due today, later this week (code, label, tasks)."""
    groups = [
        ("overdue", _l("En retard"), [t for t in tasks if t.due_date < day]),
        ("today", _l("Aujourd’hui"), [t for t in tasks if t.due_date == day]),
        ("week", _l("Cette semaine"), [t for t in tasks if t.due_date > day]),
    ]
    return [group for group in groups if group[2]]


def tasks_box() -> dict:
    """The user's tasks due, grouped by urgency. The assistant's list also holds the
    chores after a departure (DESIGN §3), whoever they are assigned to: paperwork."""
    user = current_user._get_current_object()
    day = today()
    after_departures = not can("household.social")
    tasks = queries.tasks_due_list(user, day, _size("tasks"), after_departures=after_departures)
    return {
        "tasks": tasks,
        "task_groups": task_groups(tasks.rows, day),
        "today": day,
        "after_departures": after_departures,
    }


def letters_box() -> dict:
    """Registered letters without their acknowledgement, oldest first."""
    day = today()
    read = queries.letters_awaiting_acknowledgement(day, limit=READ_CAP + 1)
    letters = queries.sliced(read, _size("letters"), READ_CAP)
    households = queries.households_by_id(letter.household_id for letter in letters.rows)
    rows = [(letter, households[letter.household_id]) for letter in letters.rows
            if letter.household_id in households]  # fmt: skip
    return {"letters": letters, "letter_rows": rows, "today": day}


def officer_section() -> dict:
    user = current_user._get_current_object()
    return {
        "by_phase": queries.files_by_phase(user),
        **tasks_box(),
        "committee": queries.committee_list(user, queries.DASHBOARD_ROWS),
        "unassigned": queries.unassigned_list(queries.DASHBOARD_ROWS),
    }


def paperwork_section() -> dict:
    documents = queries.sliced(
        queries.supporting_documents_to_delete(limit=READ_CAP + 1), _size("documents"), READ_CAP
    )
    households = queries.households_by_id(d.owner_id for d in documents.rows)
    return {
        **letters_box(),
        # Officers see their tasks in their own section.
        "own_tasks": not can("household.social"),
        **({} if can("household.social") else tasks_box()),
        "to_delete": documents,
        "document_rows": [
            (d, households[d.owner_id]) for d in documents.rows if d.owner_id in households
        ],  # fmt: skip
    }


def progress_section() -> dict:
    return {"progress": queries.progress_by_operation(), "phases": list(Phase)}
