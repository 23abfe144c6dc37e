"""A sample of each building model, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from datetime import date

from capintra.buildings.models import (
    Ban,
    BuildingState,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
    UnitCondition,
)
from capintra.extensions import db
from tests import factories
from tests.buildings import make
from tests.model_samples import Sample, _set


def _occupancy():
    period = Occupancy(
        unit_id=make.unit().id,
        household_id=factories.household().id,
        kind=OccupancyKind.PRINCIPAL,
        status=OccupantStatus.LOCATAIRE,
        start_date=date(2019, 4, 1),
        rent_cents=45_000,
    )
    db.session.add(period)
    db.session.commit()
    return period


SAMPLES: dict[str, Sample] = {
    "building": Sample(make.building, _set(state=BuildingState.EN_LIBERATION, levels=4)),
    "unit": Sample(make.unit, _set(condition=UnitCondition.MURE, floor=2)),
    "arrete": Sample(make.arrete, _set(ban=Ban.DEFINITIVE, lifted_on=date(2026, 9, 1))),
    "building_incident": Sample(make.incident, _set(incident_date=date(2026, 10, 13))),
    "occupancy": Sample(_occupancy, _set(start_date=date(2019, 5, 1))),
    "costs_on_hold": Sample(
        lambda: make.costs_on_hold(rent_cents=41_000, apl_cents=9_000),
        lambda held: setattr(held, "household_id", factories.household().id),
    ),
}
