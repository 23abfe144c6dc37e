"""Factories for the notifications' tests: rows with sensible defaults, committed."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import func, select

from capintra.extensions import db
from capintra.models import utcnow
from capintra.notifications.models import Notification

_seq = itertools.count(1)


def notification(
    user, *, message: str | None = None, url: str = "/", kind: str = "task_due",
    read: bool = False, at: datetime | None = None, dedup_key: str | None = None,
) -> Notification:  # fmt: skip
    n = next(_seq)
    obj = Notification(
        user_id=user.id,
        kind=kind,
        message=message or f"Message de test {n}",
        url=url,
        created_at=at or utcnow(),
        read_at=utcnow() if read else None,
        dedup_key=dedup_key,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def rows_of(user) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    return list(db.session.scalars(query.order_by(Notification.id)))


def count(*criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(*criteria))
