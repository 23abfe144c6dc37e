"""How the audit trail names buildings, units, arrêtés, incidents and occupancy periods:
by the building's address and the unit's lot (RecordNamer: the trail puts the queries of
a page of events into one statement)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from capintra.buildings.models import Arrete, Building, BuildingIncident, Occupancy, Unit
from capintra.features import NamedRow, RecordNamer


def _address(address: str, commune: str | None) -> str:
    return f"{address}, {commune}" if commune else address


def _unit_name(lot: str, address: str, commune: str | None) -> str:
    return _("Lot %(lot)s, %(address)s", lot=lot, address=_address(address, commune))


def _building(row: NamedRow) -> tuple[str, str]:
    return _address(row.a, row.b), url_for("buildings.detail", building_id=row.link)


def _unit(row: NamedRow) -> tuple[str, str]:
    return _unit_name(row.a, row.b, row.c), url_for("buildings.unit", unit_id=row.link)


def _incident(row: NamedRow) -> tuple[str, str]:
    return _address(row.a, row.b), url_for("buildings.tab_incidents", building_id=row.link)


def _arrete(row: NamedRow) -> tuple[str, str]:
    """An arrêté is on a building (no lot) or on one of its units."""
    name = _unit_name(row.c, row.a, row.b) if row.c is not None else _address(row.a, row.b)
    return name, url_for("buildings.tab_arretes", building_id=row.link)


NAMERS = {
    "building": RecordNamer(
        lambda ids: select(Building.id, Building.id, Building.address, Building.commune)
        .where(Building.id.in_(ids)),
        _building,
    ),
    "unit": RecordNamer(
        lambda ids: select(Unit.id, Unit.id, Unit.lot_number, Building.address, Building.commune)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.id.in_(ids)),
        _unit,
    ),
    "occupancy": RecordNamer(
        lambda ids: select(Occupancy.id, Unit.id, Unit.lot_number, Building.address,
                           Building.commune)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(Occupancy.id.in_(ids)),
        _unit,
    ),
    "building_incident": RecordNamer(
        lambda ids: select(BuildingIncident.id, Building.id, Building.address, Building.commune)
        .join(Building, Building.id == BuildingIncident.building_id)
        .where(BuildingIncident.id.in_(ids)),
        _incident,
    ),
    "arrete": RecordNamer(
        lambda ids: select(Arrete.id, Building.id, Building.address, Building.commune,
                           Unit.lot_number)
        .outerjoin(Unit, Unit.id == Arrete.unit_id)
        .join(Building, Building.id == func.coalesce(Arrete.building_id, Unit.building_id))
        .where(Arrete.id.in_(ids)),
        _arrete,
    ),
}  # fmt: skip
