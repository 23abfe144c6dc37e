"""Reads of one person's notifications: the list, newest first, a page at a time, and
one notification of theirs (anyone else's does not exist: 404)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from capintra.extensions import db
from capintra.keyset import Keyset
from capintra.notifications.models import Notification

#: Notifications a page shows; older ones are a link away (`before`: keyset, no OFFSET).
PAGE = 100

#: Newest first: ids grow with time.
NOTIFICATION_ORDER = Keyset(Notification.id, descending=True)


def notifications_of(
    user_id: int, *, before: int | None = None, limit: int = PAGE
) -> tuple[list[Notification], int | None]:
    """The person's notifications, newest first (ids grow with time), older than the
    notification `before` when given; and the `before` of the next page, None at the end."""
    query = select(Notification).where(Notification.user_id == user_id)
    after = str(before) if before is not None else None
    page = NOTIFICATION_ORDER.page(query, after=after, size=limit)
    return page.rows, (page.rows[-1].id if page.next else None)


def get_own_or_404(user_id: int, notification_id: int) -> Notification:
    """One of the person's notifications; someone else's, or none: 404."""
    notification = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
    )
    if notification is None:
        abort(404)
    return notification
