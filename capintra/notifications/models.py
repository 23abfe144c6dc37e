"""A notification: a message already rendered in French, addressed to one person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from capintra.extensions import db
from capintra.models import utcnow

#: Column sizes, checked by services.notify before anything is written.
KIND_LENGTH = 40
MESSAGE_LENGTH = 500
URL_LENGTH = 300
DEDUP_KEY_LENGTH = 200


class Notification(db.Model):
    """Notification: `message` is shown as is (plain text, escaped), `url` is a path of
    the application. A notification is never edited, only marked read.

    `dedup_key` names the thing notified about (`task:12:2026-11-30`): a person gets at
    most one notification per key, so that the daily job run twice, or two requests at
    once, notify once (unique constraint; services.notify inserts with ON CONFLICT DO
    NOTHING). Without a key, every call notifies.
    """

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "dedup_key"),
        # The header's unread count and the list: one person's rows, unread first.
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: A short code of what happened: order_submitted, order_approved, task_due…
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    message: Mapped[str] = mapped_column(String(MESSAGE_LENGTH))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    dedup_key: Mapped[str | None] = mapped_column(String(DEDUP_KEY_LENGTH))

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def __repr__(self) -> str:
        return f"<Notification {self.id}>"
