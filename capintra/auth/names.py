"""How the audit trail names an account: its identifier."""

from __future__ import annotations

from sqlalchemy import select

from capintra.auth.models import User
from capintra.extensions import db


def user_names(ids: set[int]) -> dict[int, tuple[str, str | None]]:
    rows = db.session.execute(select(User.id, User.username).where(User.id.in_(ids)))
    return {row.id: (row.username, None) for row in rows}
