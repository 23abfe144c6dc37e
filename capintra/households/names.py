"""How the audit trail names a household file: by its reference, never its name."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household


def household_names(ids: set[int]) -> dict[int, tuple[str, str | None]]:
    rows = db.session.execute(
        select(Household.id, Household.reference).where(Household.id.in_(ids))
    )
    return {
        row.id: (row.reference, url_for("households.detail", household_id=row.id)) for row in rows
    }
