"""How the audit trail names an account: its identifier (no page to link to)."""

from __future__ import annotations

from sqlalchemy import select

from capintra.auth.models import User
from capintra.features import RecordNamer

USER_NAMER = RecordNamer(
    lambda ids: select(User.id, User.id, User.username).where(User.id.in_(ids)),
    lambda row: (row.a, None),
)
