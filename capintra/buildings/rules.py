"""The occupancy rules of one unit, as pure functions over plain periods.

A period here is anything with `start_date`, `end_date` (None: still open) and `kind`
(an `Occupancy`, or the spreadsheet import's planned period): `buildings.services`
applies these to the periods it read under the unit's lock, the import to the periods
it read once for the whole file plus those its earlier rows add. One implementation of
each rule, one wording of each refusal.

- A unit's principal periods never overlap: periods are half-open [start, end), so the
  next occupant may come in on the day the keys came back.
- A hosted period starts inside a principal period of the same unit (its host).
- A unit is occupied on a day when a live period (principal or hosted) covers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar

from flask_babel import gettext as _

from capintra.buildings.models import OccupancyKind


class Period(Protocol):
    start_date: date
    end_date: date | None
    kind: OccupancyKind


P = TypeVar("P", bound=Period)


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def overlaps(period: Period, start: date, end: date | None) -> bool:
    """`period` overlaps [start, end) (touching ends do not overlap)."""
    return (period.end_date is None or period.end_date > start) and (
        end is None or period.start_date < end
    )


def covers(period: Period, on: date) -> bool:
    return period.start_date <= on and (period.end_date is None or period.end_date > on)


def principal_clash(periods: Iterable[P], start: date, end: date | None) -> P | None:
    """The earliest principal period overlapping [start, end), if any."""
    clashes = [p for p in periods if p.kind is OccupancyKind.PRINCIPAL and overlaps(p, start, end)]
    return min(clashes, key=lambda p: p.start_date) if clashes else None


def host_of(periods: Iterable[P], start: date) -> P | None:
    """The principal period a hosted period starting on `start` lives in, if any."""
    return next(
        (p for p in periods if p.kind is OccupancyKind.PRINCIPAL and covers(p, start)), None
    )


def occupied(periods: Iterable[Period], on: date) -> bool:
    return any(covers(p, on) for p in periods)


def overlap_message(clash: Period) -> str:
    if clash.end_date is None:
        return _(
            "Ce logement a déjà un occupant principal depuis le %(start)s, sans date de "
            "remise des clés : terminez cette occupation d’abord (la nouvelle peut "
            "commencer le jour de la remise des clés).",
            start=day(clash.start_date),
        )
    return _(
        "Ce logement a déjà un occupant principal du %(start)s au %(end)s (remise des "
        "clés) : les deux périodes se chevauchent. La nouvelle peut commencer au plus tôt "
        "le jour de la remise des clés.",
        start=day(clash.start_date),
        end=day(clash.end_date),
    )


def no_host_message(start: date) -> str:
    return _(
        "Un hébergement commence pendant l’occupation d’un occupant principal "
        "du même logement : aucun occupant principal n’y est le %(day)s.",
        day=day(start),
    )


def days_left(target: date | None, on: date) -> int | None:
    """Days from `on` to a building's target vacancy date (None: no target; negative:
    the date has passed)."""
    return None if target is None else (target - on).days


def late(days: int | None, to_rehouse: int) -> bool:
    """A building is late when its target date has passed and households are still to
    rehouse (the list, the building's page)."""
    return days is not None and days < 0 and to_rehouse > 0
