"""A split household keeps living where it lived: when a member leaves a household to
form their own (a split, DESIGN §2 Member), and the original household has an open
principal period, the new household gets a hosted period (hébergé) in the same unit from
the split's day, until it is rehoused. Answers `capintra.signals.household_split`."""

from __future__ import annotations

from datetime import date

from flask import Flask

from capintra.buildings import queries, services
from capintra.buildings.models import OccupancyKind, OccupantStatus, Unit
from capintra.extensions import db
from capintra.households.models import Household
from capintra.signals import household_split


def give_hosted_period(sender, *, original: Household, new: Household, day: date, **_extra):
    """The new household's hosted period, inside the original household's principal one
    (nothing when the original household lives in none of our units)."""
    home = queries.open_principal_period(original.id, day)
    if home is None:
        return
    services.add_period(
        db.session.get(Unit, home.unit_id),
        household=new,
        kind=OccupancyKind.HOSTED,
        status=OccupantStatus.HEBERGE,
        start=day,
    )


def install(app: Flask) -> None:
    household_split.connect(give_hosted_period, sender=app)
