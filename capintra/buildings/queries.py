"""Reads on buildings and occupancy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased, contains_eager

from capintra.buildings.models import (
    Building,
    Occupancy,
    OccupancyKind,
    Unit,
    UnitCondition,
)
from capintra.extensions import db


def covering(on: date):
    """The live periods that cover `on` (half-open [start, end))."""
    return and_(
        Occupancy.deleted_at.is_(None),
        Occupancy.start_date <= on,
        (Occupancy.end_date.is_(None)) | (Occupancy.end_date > on),
    )


@dataclass(frozen=True)
class BuildingCounts:
    building_id: int
    units: int
    occupied: int
    vacant: int
    walled_up: int


def building_counts(on: date, building_ids: Iterable[int] | None = None) -> list[BuildingCounts]:
    """Per building (live ones, or those given): its units, and how many are occupied,
    vacant, walled up (vacant and muré) on `on` — one SQL statement, whatever the number
    of buildings. A unit is occupied when any period (principal or hosted) covers the day:
    a departure and an arrival on the same day count it once, occupied."""
    occupied = exists().where(Occupancy.unit_id == Unit.id, covering(on))
    is_occupied = case((occupied, 1), else_=0)
    is_vacant = case((Unit.id.is_not(None) & ~occupied, 1), else_=0)
    is_walled = case(
        (Unit.id.is_not(None) & ~occupied & (Unit.condition == UnitCondition.MURE), 1), else_=0
    )
    query = (
        select(
            Building.id,
            func.count(Unit.id),
            func.coalesce(func.sum(is_occupied), 0),
            func.coalesce(func.sum(is_vacant), 0),
            func.coalesce(func.sum(is_walled), 0),
        )
        .select_from(Building)
        .outerjoin(Unit, (Unit.building_id == Building.id) & Unit.deleted_at.is_(None))
        .where(Building.deleted_at.is_(None))
        .group_by(Building.id)
        .order_by(Building.id)
    )
    if building_ids is not None:
        query = query.where(Building.id.in_(list(building_ids)))
    return [BuildingCounts(*map(int, row)) for row in db.session.execute(query)]


def hosted_without_host(on: date, unit_ids: Iterable[int] | None = None) -> list[Occupancy]:
    """« Hébergé, hôte parti »: hosted periods still running on `on` whose host's period
    has ended by then (their host loaded)."""
    host = aliased(Occupancy)
    query = (
        select(Occupancy)
        .join(host, host.id == Occupancy.host_id)
        .where(
            Occupancy.kind == OccupancyKind.HOSTED,
            covering(on),
            host.end_date.is_not(None),
            host.end_date <= on,
        )
        .options(contains_eager(Occupancy.host.of_type(host)))
        .order_by(Occupancy.id)
    )
    if unit_ids is not None:
        query = query.where(Occupancy.unit_id.in_(list(unit_ids)))
    return list(db.session.scalars(query))
