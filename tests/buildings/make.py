"""Factories for the building tests: objects with sensible defaults, committed."""

from __future__ import annotations

import itertools
from datetime import date

from capintra.buildings.models import (
    Arrete,
    ArreteKind,
    Building,
    BuildingIncident,
    CostsOnHold,
    IncidentKind,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
    Unit,
    UnitCondition,
    UnitType,
)
from capintra.extensions import db
from capintra.organisations.models import Organisation, OrganisationKind
from tests import factories
from tests.organisations import make as orgs

_seq = itertools.count(1)


def _committed(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def organisation(**kw) -> Organisation:
    kw.setdefault("kind", OrganisationKind.BAILLEUR)
    return orgs.organisation(**kw)


def building(operation_id: int | None = None, **kw) -> Building:
    if operation_id is None:
        operation_id = factories.operation().id
    n = next(_seq)
    return _committed(
        Building(
            operation_id=operation_id,
            address=kw.pop("address", f"{n} rue Gambetta"),
            commune=kw.pop("commune", "Saint-Chamond"),
            **kw,
        )
    )


def unit(building_obj: Building | None = None, **kw) -> Unit:
    building_obj = building_obj or building()
    n = next(_seq)
    return _committed(
        Unit(
            building_id=building_obj.id,
            lot_number=kw.pop("lot_number", str(n)),
            unit_type=kw.pop("unit_type", UnitType.T3),
            condition=kw.pop("condition", UnitCondition.NORMAL),
            **kw,
        )
    )


def arrete(**kw) -> Arrete:
    if "building_id" not in kw and "unit_id" not in kw:
        kw["building_id"] = building().id
    return _committed(
        Arrete(
            kind=kw.pop("kind", ArreteKind.INSALUBRITE),
            arrete_date=kw.pop("arrete_date", date(2026, 3, 2)),
            **kw,
        )
    )


def incident(**kw) -> BuildingIncident:
    return _committed(
        BuildingIncident(
            building_id=kw.pop("building_id", None) or building().id,
            incident_date=kw.pop("incident_date", date(2026, 10, 12)),
            kind=kw.pop("kind", IncidentKind.SQUAT),
            description=kw.pop("description", "Porte fracturée au 2e étage."),
            **kw,
        )
    )


def period(unit_obj: Unit | None = None, household_obj=None, **kw) -> Occupancy:
    """An occupancy period (open, principal, tenant, since 2019 unless said otherwise)."""
    unit_obj = unit_obj or unit()
    if household_obj is None and not kw.get("occupant_label"):
        household_obj = factories.household()
    return _committed(
        Occupancy(
            unit_id=unit_obj.id,
            household_id=household_obj.id if household_obj is not None else None,
            kind=kw.pop("kind", OccupancyKind.PRINCIPAL),
            status=kw.pop("status", OccupantStatus.LOCATAIRE),
            start_date=kw.pop("start_date", date(2019, 4, 1)),
            **kw,
        )
    )


def costs_on_hold(household_obj=None, **kw) -> CostsOnHold:
    household_obj = household_obj or factories.household()
    return _committed(CostsOnHold(household_id=household_obj.id, **kw))
