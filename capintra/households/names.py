"""How the audit trail names a household file: by its reference, never its name."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from capintra.features import RecordNamer
from capintra.households.models import Household

HOUSEHOLD_NAMER = RecordNamer(
    lambda ids: select(Household.id, Household.id, Household.reference).where(
        Household.id.in_(ids)
    ),
    lambda row: (row.a, url_for("households.detail", household_id=row.link)),
)
