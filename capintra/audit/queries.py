from __future__ import annotations

from sqlalchemy import Select, select

from capintra.audit.models import AuditEvent
from capintra.security import can


def visible_events() -> Select:
    """Audit events the current user may read: confidential ones for admins only."""
    query = select(AuditEvent)
    if not can("audit.confidential"):
        query = query.where(AuditEvent.confidential.is_(False))
    return query


def recent_events(*, before_id: int | None = None, limit: int = 100) -> list[AuditEvent]:
    query = visible_events().order_by(AuditEvent.id.desc()).limit(limit)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    from capintra.extensions import db

    return list(db.session.scalars(query))
