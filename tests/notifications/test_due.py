"""The daily notices: `flask notify-due` runs every feature's producers once a day; the
household files' one notifies each open task due within two days, or overdue, to its
assignee, once — by reference and kind, never by the task's free-text title."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from capintra import clock
from capintra.extensions import db
from capintra.features import declared
from capintra.households.models import Task, TaskKind
from capintra.households.notices import task_message, task_notices
from capintra.models import utcnow
from capintra.notifications.due import run_due_notices
from capintra.notifications.models import Notification
from capintra.notifications.services import notify
from tests.conftest import login
from tests.notifications import make as notes

TITLE = "Appeler Mme DURAND au 06 12 34 56 78"


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def today():
    return clock.today()


@pytest.fixture
def officer(make):
    return make.user("officer")


@pytest.fixture
def household(make, officer):
    return make.household(officer_id=officer.id)


def task(household, assignee, due: date, **kw) -> Task:
    from tests import factories

    return factories.task(
        household, assignee_id=assignee.id if assignee else None, due_date=due,
        title=kw.pop("title", TITLE), **kw,
    )  # fmt: skip


def test_the_households_producer_is_declared(app_ctx):
    assert task_notices in declared("due_notices")


def test_tasks_due_within_two_days_or_overdue_notify_their_assignee(
    make, app_ctx, officer, household, today
):
    assistant = make.user("assistant")
    overdue = task(household, officer, today - timedelta(days=5), kind=TaskKind.FOLLOW_UP)
    due_today = task(household, assistant, today)
    in_two_days = task(household, officer, today + timedelta(days=2))
    task(household, officer, today + timedelta(days=3))  # not yet
    task(household, officer, today - timedelta(days=1), done=True, done_at=utcnow())
    gone = task(household, officer, today)
    gone.soft_delete()
    task(household, None, today)  # nobody to tell
    task(household, make.user("officer", active=False), today)  # deactivated
    deleted_file = make.household(officer_id=officer.id)
    task(deleted_file, officer, today)
    deleted_file.soft_delete()
    db.session.commit()

    assert run_due_notices(today) == 3
    db.session.commit()
    rows = {n.dedup_key: n for n in db.session.scalars(select(Notification))}
    assert set(rows) == {
        f"task:{overdue.id}:{overdue.due_date.isoformat()}",
        f"task:{due_today.id}:{today.isoformat()}",
        f"task:{in_two_days.id}:{in_two_days.due_date.isoformat()}",
    }
    late = rows[f"task:{overdue.id}:{overdue.due_date.isoformat()}"]
    assert late.user_id == officer.id and late.kind == "task_due"
    assert late.url == f"/households/{household.id}/tasks"
    assert late.message == (
        f"Tâche en retard (échéance le {overdue.due_date:%d/%m/%Y}) : Suivi à 6 mois "
        f"— dossier {household.reference}."
    )
    assert rows[f"task:{due_today.id}:{today.isoformat()}"].user_id == assistant.id
    for row in rows.values():
        assert TITLE not in row.message and "DURAND" not in row.message
        assert household.name not in row.message

    assert run_due_notices(today) == 0, "a second run the same day notifies nothing"
    assert run_due_notices(today + timedelta(days=1)) == 1  # the one due in three days


def test_a_task_moved_to_a_new_date_is_notified_again(app_ctx, officer, household, today):
    reminder = task(household, officer, today)
    assert run_due_notices(today) == 1
    reminder.due_date = today + timedelta(days=1)
    db.session.commit()
    assert run_due_notices(today) == 1
    assert run_due_notices(today) == 0


def test_the_message_says_when(today):
    ref = "MEN-2026-0007"
    assert task_message(TaskKind.GENERAL, today, today, ref) == (
        f"Tâche à faire aujourd’hui — dossier {ref}."
    )
    soon = today + timedelta(days=2)
    assert task_message(TaskKind.NUMERO_UNIQUE, soon, today, ref) == (
        f"Tâche à faire d’ici le {soon:%d/%m/%Y} : Renouvellement du numéro unique — dossier {ref}."
    )


def test_notify_due_twice_creates_once(app_ctx, make, officer, household, today):
    task(household, officer, today - timedelta(days=1))
    task(household, officer, today + timedelta(days=1))
    task(household, make.user("officer"), today)
    first = run(app_ctx, "notify-due")
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "3 notifications créées."
    second = run(app_ctx, "notify-due")
    assert second.exit_code == 0 and second.output.strip() == "0 notification créée."
    assert notes.count() == 3


def test_the_assignee_sees_them_in_the_header_and_opens_the_tasks_tab(
    client, officer, household, today
):
    task(household, officer, today)
    assert run(client.application, "notify-due").exit_code == 0
    browser = login(client, officer)
    assert "(1 non lue)" in browser.get("/").get_data(as_text=True)
    html = browser.get("/notifications/").get_data(as_text=True)
    assert f'href="/households/{household.id}/tasks"' in html
    assert browser.get(f"/households/{household.id}/tasks").status_code == 200


def test_a_failing_producer_leaves_nothing_and_says_so(app_ctx, monkeypatch, officer):
    from capintra.notifications import due

    def fine(day):
        return notify([officer.id], "task_due", "Tâche.", "/")

    def broken(day):
        raise RuntimeError("boom")

    monkeypatch.setattr(due, "declared", lambda kind: [fine, broken])
    result = run(app_ctx, "notify-due")
    assert result.exit_code == 1
    assert "rien n’a été enregistré" in result.output and "Traceback" not in result.output
    assert notes.count() == 0, "the other producer's notifications are not kept"
