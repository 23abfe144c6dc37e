"""The household files' daily notices (`flask notify-due`, Feature.due_notices): a task
due within two days, or overdue, and not done, notified once to its assignee.

The message names the file by its reference and the task by its kind, never by its
title: a title is free text (personal, audited as such) and the notification list and
header are no place for it. The link opens the file's tasks tab.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household, Task, TaskKind
from capintra.notifications.services import Notice, internal_path, notify_many
from capintra.web.formatting import date_fr

#: A task is notified from this many days before its due date (and when overdue).
NOTICE_DAYS = 2
KIND = "task_due"


def task_notices(day: date) -> int:
    """Notify the assignee of every open task due by `day` + NOTICE_DAYS (overdue
    included), once per task and due date (`task:<id>:<due date>`: a task moved to a new
    date is notified again). Tasks without an assignee, of a deleted file or deleted
    themselves are left out; notify skips deactivated accounts."""
    rows = db.session.execute(
        select(Task.id, Task.kind, Task.due_date, Task.assignee_id, Household.id,
               Household.reference)
        .join(Household, Household.id == Task.household_id)
        .where(
            Task.done.is_(False),
            Task.deleted_at.is_(None),
            Task.assignee_id.is_not(None),
            Task.due_date <= day + timedelta(days=NOTICE_DAYS),
            Household.deleted_at.is_(None),
        )
        .order_by(Task.due_date, Task.id)
    )  # fmt: skip
    return notify_many(
        Notice(
            user_id=assignee_id,
            kind=KIND,
            message=task_message(kind, due, day, reference),
            url=internal_path("households.tab_tasks", household_id=household_id),
            dedup_key=f"task:{task_id}:{due.isoformat()}",
        )
        for task_id, kind, due, assignee_id, household_id, reference in rows
    )


def task_message(kind: TaskKind, due: date, day: date, reference: str) -> str:
    """« Tâche en retard (échéance le 20/11/2026) : Suivi à 6 mois — dossier MEN-… »."""
    if due < day:
        when = _("Tâche en retard (échéance le %(date)s)", date=date_fr(due))
    elif due == day:
        when = _("Tâche à faire aujourd’hui")
    else:
        when = _("Tâche à faire d’ici le %(date)s", date=date_fr(due))
    what = "" if kind == TaskKind.GENERAL else _(" : %(kind)s", kind=kind.label)
    return _("%(when)s%(what)s — dossier %(ref)s.", when=when, what=what, ref=reference)
