"""Notifications marked read from two browsers of one person at once, beside pages that
read the header's count, on the real server: every answer as expected, never a 5xx."""

from __future__ import annotations

from sqlalchemy import select

from capintra.auth.models import User
from capintra.extensions import db
from capintra.notifications.models import Notification
from capintra.notifications.services import Notice, notify_many
from tests.live.client import summary, together
from tests.live.conftest import LIVE

pytestmark = LIVE

UNREAD = 12


def test_marking_read_from_two_browsers_at_once(live):
    username = live.user("officer")

    def make():
        user = db.session.scalar(select(User).where(User.username == username))
        notify_many(
            Notice(user.id, "task_due", f"Tâche {n} — dossier MEN-2026-{n:04d}.", "/")
            for n in range(UNREAD)
        )
        return user.id

    user_id = live.run(make)
    ids = live.scalars(select(Notification.id).where(Notification.user_id == user_id))
    first, second = live.client().login(username), live.client().login(username)
    mark = live.mark()
    writes = [
        lambda c=(first, second)[n % 2], i=i: c.post("/notifications/", {"id": str(i)})
        for n, i in enumerate(ids)
    ]
    writes += [lambda: first.post("/notifications/", {"all": "1"}),
               lambda: second.post("/notifications/", {"all": "1"})]  # fmt: skip
    reads = [lambda c=c: c.get("/notifications/") for c in (first, second) for _ in range(3)]
    responses = together([*writes, *reads])
    why = f"{summary(responses)}\n{live.explain(mark)}"
    assert all(r.status == 303 for r in responses[: len(writes)]), why
    assert all(r.status == 200 for r in responses[len(writes) :]), why
    unread = Notification.user_id == user_id, Notification.read_at.is_(None)
    assert live.count(Notification, *unread) == 0
    assert "non lue" not in first.get("/").text
