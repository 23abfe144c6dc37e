"""How the audit trail names buildings, units, arrêtés, incidents and occupancy periods:
by the building's address and the unit's lot (one query per table)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from capintra.buildings.models import Arrete, Building, BuildingIncident, Occupancy, Unit
from capintra.extensions import db

Names = dict[int, tuple[str, str | None]]


def _address(address: str, commune: str) -> str:
    return f"{address}, {commune}" if commune else address


def building_names(ids: set[int]) -> Names:
    rows = db.session.execute(
        select(Building.id, Building.address, Building.commune).where(Building.id.in_(ids))
    )
    return {
        row.id: (
            _address(row.address, row.commune),
            url_for("buildings.detail", building_id=row.id),
        )
        for row in rows
    }


def _unit_name(row) -> str:
    return _(
        "Lot %(lot)s, %(address)s", lot=row.lot_number, address=_address(row.address, row.commune)
    )


def unit_names(ids: set[int]) -> Names:
    rows = db.session.execute(
        select(Unit.id, Unit.lot_number, Building.address, Building.commune)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.id.in_(ids))
    )
    return {row.id: (_unit_name(row), url_for("buildings.unit", unit_id=row.id)) for row in rows}


def occupancy_names(ids: set[int]) -> Names:
    rows = db.session.execute(
        select(Occupancy.id, Unit.id.label("unit_id"), Unit.lot_number, Building.address,
               Building.commune)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(Occupancy.id.in_(ids))
    )  # fmt: skip
    return {
        row.id: (_unit_name(row), url_for("buildings.unit", unit_id=row.unit_id)) for row in rows
    }


def incident_names(ids: set[int]) -> Names:
    rows = db.session.execute(
        select(BuildingIncident.id, Building.id.label("building_id"), Building.address,
               Building.commune)
        .join(Building, Building.id == BuildingIncident.building_id)
        .where(BuildingIncident.id.in_(ids))
    )  # fmt: skip
    return {
        row.id: (
            _address(row.address, row.commune),
            url_for("buildings.tab_incidents", building_id=row.building_id),
        )
        for row in rows
    }


def arrete_names(ids: set[int]) -> Names:
    """An arrêté is on a building or on one of its units."""
    rows = db.session.execute(
        select(Arrete.id, Arrete.unit_id, Unit.lot_number, Building.id.label("building_id"),
               Building.address, Building.commune)
        .outerjoin(Unit, Unit.id == Arrete.unit_id)
        .join(Building, Building.id == db.func.coalesce(Arrete.building_id, Unit.building_id))
        .where(Arrete.id.in_(ids))
    )  # fmt: skip
    found: Names = {}
    for row in rows:
        name = _unit_name(row) if row.unit_id else _address(row.address, row.commune)
        found[row.id] = (name, url_for("buildings.tab_arretes", building_id=row.building_id))
    return found


NAMERS = {
    "building": building_names,
    "unit": unit_names,
    "occupancy": occupancy_names,
    "building_incident": incident_names,
    "arrete": arrete_names,
}
