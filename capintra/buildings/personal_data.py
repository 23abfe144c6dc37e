"""What the buildings feature holds on a household, for its right-of-access export
(capintra.personal_data; declared in feature.py): its occupancy periods with the unit and
building each was in (named by lot, floor and address only), and the housing costs typed
before its home was recorded. Another household's period (the host of a hosted period)
appears only as the id the row stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra.buildings.models import CostsOnHold, Occupancy, Unit
from capintra.extensions import db
from capintra.personal_data import PersonalDataSection, picked, stored
from capintra.text import lazy_gettext as _l


def sections(household: Any) -> list[PersonalDataSection]:
    periods = db.session.scalars(
        select(Occupancy)
        .where(Occupancy.household_id == household.id)
        .options(joinedload(Occupancy.unit).joinedload(Unit.building))
        .order_by(Occupancy.start_date, Occupancy.id)
    )
    occupancy = tuple(
        stored(
            period,
            unit=picked(
                period.unit,
                ("id", "lot_number", "floor", "unit_type", "surface_dm2"),
                _l("Logement"),
                building=picked(period.unit.building, ("id", "address", "commune"), _l("Immeuble")),
            ),
        )
        for period in periods
    )
    costs = db.session.scalar(select(CostsOnHold).where(CostsOnHold.household_id == household.id))
    return [
        PersonalDataSection("occupancy", _l("Périodes d’occupation"), occupancy),
        PersonalDataSection(
            "costs_on_hold",
            _l("Loyer et charges saisis avant l’occupation"),
            (stored(costs),) if costs is not None else (),
        ),
    ]
