"""The household file's « Occupation » tab (declared in feature.py): the unit the
household lives in now and its past periods, each with its building and unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from werkzeug.routing import BuildError

from capintra.buildings.models import CostsOnHold, Occupancy, Unit
from capintra.confidentiality import may_read_field
from capintra.extensions import db
from capintra.households.models import Household
from capintra.web.pages import TabState


@dataclass(frozen=True)
class Row:
    period: Occupancy
    building_url: str | None
    unit_url: str | None


def periods_of(household: Household) -> list[Occupancy]:
    """The household's live periods with their unit and building, the open one first,
    then the latest first: one statement."""
    query = (
        select(Occupancy)
        .join(Occupancy.unit)
        .join(Unit.building)
        .where(Occupancy.household_id == household.id, Occupancy.deleted_at.is_(None))
        .options(contains_eager(Occupancy.unit).contains_eager(Unit.building))
        .order_by(
            Occupancy.end_date.is_not(None),
            Occupancy.end_date.desc(),
            Occupancy.start_date.desc(),
            Occupancy.id.desc(),
        )
    )
    return list(db.session.scalars(query))


def _record_url(prefix: str, record_id: int) -> str | None:
    """The URL of /<prefix>/<id> (a building's or a unit's page) whatever its endpoint is
    called; None while no such route exists (the link is then plain text)."""
    found = current_app.extensions.setdefault("capintra_record_urls", {})
    if prefix not in found:
        pattern = re.compile(rf"^/{prefix}/<(?:int:)?(\w+)>$")
        found[prefix] = next(
            (
                (rule.endpoint, match[1])
                for rule in current_app.url_map.iter_rules()
                if (match := pattern.match(rule.rule)) and "GET" in (rule.methods or ())
            ),
            None,
        )
    if found[prefix] is None:
        return None
    endpoint, variable = found[prefix]
    try:
        return url_for(endpoint, **{variable: record_id})
    except BuildError:
        return None


def context(household: Household, state: TabState) -> dict:
    periods = periods_of(household)
    rows = [
        Row(p, _record_url("buildings", p.unit.building_id), _record_url("units", p.unit_id))
        for p in periods
    ]
    current = rows[0] if rows and rows[0].period.end_date is None else None
    held = None
    if may_read_field(CostsOnHold, "rent_cents"):
        held = db.session.scalar(
            select(CostsOnHold).where(CostsOnHold.household_id == household.id)
        )
    return {"current": current, "past": rows[1:] if current else rows, "held": held}
