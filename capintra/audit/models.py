"""The append-only audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from capintra.extensions import db
from capintra.models import utcnow


class AuditEvent(db.Model):
    """One thing that happened: who, when, from where, to what.

    `changes` maps a changed column to [old, new] for ordinary columns and to null for
    personal and sensitive ones (only the field name is kept).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id"),
        # The last change of each kind in one index seek (capintra.audit.changes).
        Index("ix_audit_event_action_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    #: The household file an event belongs to, so a file's history is one indexed query.
    household_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict | None] = mapped_column(JSON)
    user = relationship("User", lazy="raise")

    #: About confidential content: hidden from everyone but admins.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The action as the reader is shown it, when the query says otherwise (see
    #: audit.queries.without_confidential); not a column.
    seen_as: Mapped[str | None] = query_expression()

    @property
    def shown_action(self) -> str:
        return self.seen_as or self.action


class AuditMaintenance(db.Model):
    """SQLite's switch for `audit.maintenance.audit_maintenance()`: while a transaction
    holds a row here (inserted and deleted inside that one transaction, so no other
    connection ever sees it), the triggers on `audit_event` let its UPDATE and DELETE
    through. Always empty outside such a transaction. PostgreSQL uses a transaction-local
    setting instead and leaves this table empty."""

    __tablename__ = "audit_maintenance"

    id: Mapped[int] = mapped_column(primary_key=True)
