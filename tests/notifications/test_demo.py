"""Demo notifications: the first morning's notices for the demo officer's tasks, and a
welcome for the demo officer (read) and manager (unread)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import func, select

from capintra.auth.models import User
from capintra.demo import DemoContext, seed_demo
from capintra.extensions import db
from capintra.features import features
from capintra.households.models import Household, Task
from capintra.notifications.due import run_due_notices
from capintra.notifications.models import Notification
from capintra.notifications.services import unread_count

TODAY = date(2026, 11, 25)


def test_demo_notifications(app_ctx):
    counter = itertools.count(1)
    context = DemoContext(
        households=30, echo=lambda _line: None,
        make_password=lambda: f"Demo seed passphrase {next(counter)} for tests", today=TODAY,
    )  # fmt: skip
    seed_demo(features(), context)
    users = {u.username: u for u in db.session.scalars(select(User))}
    officer, manager = users["claire.morel"], users["jerome.faure"]

    due = db.session.scalars(
        select(Task)
        .join(Household, Household.id == Task.household_id)
        .where(
            Task.done.is_(False),
            Task.deleted_at.is_(None),
            Task.assignee_id.is_not(None),
            Task.due_date <= TODAY + timedelta(days=2),
            Household.deleted_at.is_(None),
        )
    ).all()
    assert due, "the demo day has tasks due"
    notified = db.session.scalars(select(Notification).where(Notification.kind == "task_due"))
    assert {(n.user_id, n.dedup_key) for n in notified} == {
        (t.assignee_id, f"task:{t.id}:{t.due_date.isoformat()}") for t in due
    }

    welcome = {
        n.user_id: n
        for n in db.session.scalars(select(Notification).where(Notification.kind == "welcome"))
    }
    assert set(welcome) == {officer.id, manager.id}
    assert welcome[officer.id].read_at is not None and welcome[manager.id].read_at is None
    # the welcome, and the demo order awaiting his approval (capintra/orders/demo.py)
    assert unread_count(manager.id) == 2
    # …and the orders' notice of the demo invoice past due (capintra/orders/notices.py)
    invoices = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "invoice_due")
    )
    assert invoices > 0
    # …and the relocation's notices of offers whose answer is overdue
    # (capintra/relocation/notices.py)
    offers = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.kind == "offer_answer_overdue")
    )
    assert context.created["notifications"] == len(due) + invoices + offers + 2
    assert run_due_notices(TODAY) == 0
