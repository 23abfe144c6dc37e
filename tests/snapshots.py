"""What the database holds, to prove that a refused request wrote nothing."""

from __future__ import annotations

from sqlalchemy import select

from capintra.auth.models import WebSession
from capintra.extensions import db


def snapshot() -> dict[str, list]:
    """Every row of every table, the audit trail included; of the session store, the ids
    only (a refused request may still store the session's own CSRF token)."""
    db.session.expire_all()
    rows = {
        table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
        for table in db.metadata.sorted_tables
        if table.name != WebSession.__tablename__
    }
    rows["web_session ids"] = sorted(db.session.scalars(select(WebSession.id)))
    return rows


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
