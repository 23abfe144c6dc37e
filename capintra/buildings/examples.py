"""Example rows for the generated route tests (`Feature.route_params`): each maker
creates a minimal valid row, flushed, and returns its id."""

from __future__ import annotations

import itertools
from datetime import date

from capintra.admin.demo import example_operation
from capintra.buildings.models import (
    Arrete,
    ArreteKind,
    Building,
    BuildingIncident,
    IncidentKind,
    Occupancy,
    OccupantStatus,
    Unit,
    UnitType,
)
from capintra.extensions import db
from capintra.households.demo import example_household
from capintra.organisations.models import Organisation, OrganisationKind

_examples = itertools.count(1)


def _flushed(row):
    db.session.add(row)
    db.session.flush()
    return row


def example_building() -> Building:
    """A building owned by an organisation of the directory, with one unit: its forms'
    selects (owner or syndic, the unit an arrêté is on) offer a record to choose."""
    n = next(_examples)
    owner = _flushed(Organisation(name=f"Bailleur {n}", kind=OrganisationKind.BAILLEUR))
    building = _flushed(
        Building(
            operation_id=example_operation().id,
            address=f"{n} rue Gambetta",
            commune="Saint-Chamond",
            owner_or_syndic_id=owner.id,
        )
    )
    _flushed(Unit(building_id=building.id, lot_number=f"E{n}", floor=0, unit_type=UnitType.T2))
    return building


def example_building_id() -> int:
    return example_building().id


def example_unit(building_id: int | None = None) -> Unit:
    n = next(_examples)
    return _flushed(
        Unit(
            building_id=building_id or example_building().id,
            lot_number=f"L{n}",
            floor=1,
            unit_type=UnitType.T3,
        )
    )


def example_unit_id(values) -> int:
    return example_unit(values.get("building_id")).id


def example_period_id() -> int:
    """An open principal period of a household (the tenant of a new unit)."""
    household = example_household()
    period = _flushed(
        Occupancy(
            unit_id=example_unit().id,
            household_id=household.id,
            status=OccupantStatus.LOCATAIRE,
            start_date=date(2020, 1, 1),
        )
    )
    return period.id


def example_arrete_id(values) -> int:
    """An arrêté on the building of the URL."""
    arrete = _flushed(
        Arrete(
            building_id=values.get("building_id") or example_building().id,
            kind=ArreteKind.MISE_EN_SECURITE,
            arrete_date=date(2025, 6, 2),
        )
    )
    return arrete.id


def example_incident_id(values) -> int:
    """An incident of the building of the URL."""
    incident = _flushed(
        BuildingIncident(
            building_id=values.get("building_id") or example_building().id,
            kind=IncidentKind.VISITE,
            incident_date=date(2025, 9, 15),
        )
    )
    return incident.id
