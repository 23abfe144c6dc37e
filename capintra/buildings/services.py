"""Building and occupancy rules: occupancy periods (overlaps, hosting, one open
period per household, who may write `relogé`), the tasks after a departure, a unit's
state on a day.

Plain functions that take objects, flush, and raise a DomainError when a rule refuses;
the view commits. The database holds what it can itself (occupancy.ends_after_start,
occupancy.has_occupant, uq_occupancy_open_household).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capintra.buildings import rules
from capintra.buildings.models import (
    Arrete,
    Building,
    BuildingIncident,
    CostsOnHold,
    EndReason,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
    Unit,
    UnitCondition,
    UnitState,
)
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households.models import Household, Task, TaskKind
from capintra.organisations.models import Organisation
from capintra.text import lazy_gettext as _l

#: The chores after a departure (DESIGN §2), due this long after the keys came back.
AFTER_DEPARTURE_DELAY = timedelta(days=7)
AFTER_DEPARTURE_TASKS = (
    _l("Sécuriser le logement"),
    _l("Fermer les compteurs"),
    _l("Solder le dépôt de garantie"),
)

# --- buildings, units, arrêtés, incidents -------------------------------------------------


def _copy(record, data: dict) -> None:
    for name, value in data.items():
        setattr(record, name, value)


def save_building(building: Building, data: dict) -> Building:
    """A new or edited building; its owner or syndic is a live organisation of the
    directory."""
    owner_id = data.get("owner_or_syndic_id")
    if owner_id is not None:
        owner = db.session.get(Organisation, owner_id)
        if owner is None or owner.is_deleted:
            raise DomainError(
                _("Cet organisme n’est plus dans l’annuaire : choisissez-en un autre."), building
            )
    _copy(building, data)
    db.session.add(building)
    db.session.flush()
    return building


def _lock_building(building_id: int) -> None:
    """Serialise the writers of one building's units (PostgreSQL: its row lock; SQLite:
    the write request already holds the database's write lock)."""
    db.session.execute(select(Building.id).where(Building.id == building_id).with_for_update())


def save_unit(unit: Unit, data: dict) -> Unit:
    """A new or edited unit of a building: its lot number is unique among the building's
    live units (the database says so too: uq_unit_building_lot_live)."""
    lot = (data.get("lot_number") or "").strip()
    _lock_building(unit.building_id)
    same_lot = select(Unit.id).where(
        Unit.building_id == unit.building_id, Unit.lot_number == lot, Unit.deleted_at.is_(None)
    )
    if unit.id is not None:
        same_lot = same_lot.where(Unit.id != unit.id)
    taken = db.session.scalar(same_lot.limit(1))
    if taken is not None:
        raise DomainError(_lot_taken_message(lot), unit)
    _copy(unit, {**data, "lot_number": lot})
    try:
        with db.session.begin_nested():
            db.session.add(unit)
            db.session.flush()
    except IntegrityError:  # another request took the number meanwhile
        raise DomainError(_lot_taken_message(lot), unit) from None
    return unit


def _lot_taken_message(lot: str) -> str:
    return _(
        "Le lot %(lot)s existe déjà dans cet immeuble : chaque logement a son propre "
        "numéro de lot. Vérifiez le numéro, ou modifiez le logement existant.",
        lot=lot,
    )


def save_arrete(arrete: Arrete, building: Building, data: dict) -> Arrete:
    """An arrêté on the building, or on one of its live units (`unit_id`)."""
    unit_id = data.pop("unit_id", None)
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.is_deleted or unit.building_id != building.id:
            raise DomainError(
                _("Ce logement n’appartient pas à l’immeuble : choisissez-en un de la liste."),
                building,
            )
        arrete.unit_id, arrete.building_id = unit.id, None
    else:
        arrete.unit_id, arrete.building_id = None, building.id
    _copy(arrete, data)
    db.session.add(arrete)
    db.session.flush()
    return arrete


def save_incident(incident: BuildingIncident, data: dict, author) -> BuildingIncident:
    """An incident of the building's log; who recorded it is kept on creation."""
    if incident.id is None:
        incident.recorded_by_id = author.id
    _copy(incident, data)
    db.session.add(incident)
    db.session.flush()
    return incident


# --- occupancy periods -------------------------------------------------------------------


def _lock_unit(unit: Unit) -> None:
    """Serialise the writers of one unit's periods: the unit's row lock on PostgreSQL
    (SQLite: the write request already holds the database's write lock)."""
    db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())


def _live_periods(unit_id: int):
    return select(Occupancy).where(Occupancy.unit_id == unit_id, Occupancy.deleted_at.is_(None))


def _check_dates(start: date, end: date | None) -> None:
    if end is not None and end <= start:
        raise DomainError(_("La remise des clés doit être postérieure au début de l’occupation."))


def add_period(
    unit: Unit,
    *,
    start: date,
    status: OccupantStatus,
    kind: OccupancyKind = OccupancyKind.PRINCIPAL,
    household: Household | None = None,
    occupant_label: str = "",
    end: date | None = None,
    rent_cents: int | None = None,
    charges_cents: int | None = None,
    apl_cents: int | None = None,
) -> Occupancy:
    """A new occupancy period on `unit`, checked against the unit's other periods."""
    occupant_label = (occupant_label or "").strip()
    if household is None and not occupant_label:
        raise DomainError(_("Indiquez l’occupant : un ménage ou, pour un commerce, son nom."))
    _check_dates(start, end)
    _lock_unit(unit)

    # The unit's live periods, read under its lock; the rules are `buildings.rules`'
    # (the spreadsheet import applies the same functions to the periods it planned).
    periods = db.session.scalars(_live_periods(unit.id)).all()
    host_id = None
    if kind is OccupancyKind.PRINCIPAL:
        clash = rules.principal_clash(periods, start, end)
        if clash is not None:
            raise DomainError(rules.overlap_message(clash), unit)
    else:
        host = rules.host_of(periods, start)
        if host is None:
            raise DomainError(rules.no_host_message(start), unit)
        host_id = host.id

    if household is not None and end is None:
        _check_no_open_period(household)

    period = Occupancy(
        unit_id=unit.id,
        household_id=household.id if household is not None else None,
        occupant_label=occupant_label,
        kind=kind,
        host_id=host_id,
        status=status,
        start_date=start,
        end_date=end,
        rent_cents=rent_cents,
        charges_cents=charges_cents,
        apl_cents=apl_cents,
    )
    try:
        with db.session.begin_nested():
            db.session.add(period)
            db.session.flush()
    except IntegrityError:
        # Another request gave the household an open period meanwhile (the partial
        # unique index), or a constraint the checks above did not foresee.
        raise DomainError(_open_period_message(), household) from None
    if household is not None and kind is OccupancyKind.PRINCIPAL and end is None:
        _take_costs_on_hold(period)
    return period


def _take_costs_on_hold(period: Occupancy) -> None:
    """The household's open principal period takes the amounts held on its file (those
    it was not given), and the file holds them no more."""
    held = db.session.scalar(
        select(CostsOnHold).where(CostsOnHold.household_id == period.household_id)
    )
    if held is None:
        return
    for name in ("rent_cents", "charges_cents", "apl_cents"):
        if getattr(period, name) is None:
            setattr(period, name, getattr(held, name))
    db.session.delete(held)
    db.session.flush()


def set_period_costs(
    period: Occupancy, *, rent_cents: int | None, charges_cents: int | None, apl_cents: int | None
) -> None:
    """« Loyer et charges »: the monthly rent, charges and APL of a period (the caller
    checked the version and the reader's right to finances)."""
    if period.is_deleted:
        raise DomainError(_("Cette occupation a été supprimée."), period)
    if any(v is not None and v < 0 for v in (rent_cents, charges_cents, apl_cents)):
        raise DomainError(_("Un montant ne peut pas être négatif."), period)
    if rent_cents is None and (charges_cents or apl_cents):
        raise DomainError(
            _("Indiquez le loyer : les charges et l’APL s’ajoutent à un loyer."), period
        )
    period.rent_cents = rent_cents
    period.charges_cents = charges_cents
    period.apl_cents = apl_cents
    db.session.flush()


def _open_period_message() -> str:
    return _(
        "Ce ménage occupe déjà un logement sans date de remise des clés : terminez cette "
        "occupation avant d’en ouvrir une autre."
    )


def _check_no_open_period(household: Household) -> None:
    open_period = db.session.scalar(
        select(Occupancy.id).where(
            Occupancy.household_id == household.id,
            Occupancy.end_date.is_(None),
            Occupancy.deleted_at.is_(None),
        )
    )
    if open_period is not None:
        raise DomainError(_open_period_message(), household)


def end_period(
    period: Occupancy,
    end: date,
    reason: EndReason,
    *,
    by_relocation: bool = False,
) -> list[Task]:
    """The keys came back on `end`: the period ends, and the household's after-departure
    tasks are created (returned). Only the relocation flow ends a period as `relogé`.
    A hosted period goes on when its host leaves."""
    if reason is EndReason.RELOGE and not by_relocation:
        raise DomainError(
            _(
                "Le motif « Relogé » est posé par le relogement lui-même : enregistrez le "
                "relogement du ménage, ou choisissez un autre motif."
            ),
            period,
        )
    if period.end_date is not None or period.is_deleted:
        raise DomainError(_("Cette occupation est déjà terminée."), period)
    _check_dates(period.start_date, end)
    unit = db.session.get(Unit, period.unit_id)
    _lock_unit(unit)
    if period.kind is OccupancyKind.PRINCIPAL:
        others = [p for p in db.session.scalars(_live_periods(period.unit_id)) if p.id != period.id]
        later = rules.principal_clash(others, period.start_date, end)
        if later is not None:
            raise DomainError(rules.overlap_message(later), period)
    period.end_date = end
    period.end_reason = reason
    db.session.flush()
    return _after_departure_tasks(period, end)


def _after_departure_tasks(period: Occupancy, end: date) -> list[Task]:
    if period.household_id is None:
        return []  # a shop: no household file to hold the chores
    household = db.session.get(Household, period.household_id)
    tasks = [
        Task(
            household_id=household.id,
            kind=TaskKind.AFTER_DEPARTURE,
            title=str(title),
            due_date=end + AFTER_DEPARTURE_DELAY,
            assignee_id=household.officer_id,
        )
        for title in AFTER_DEPARTURE_TASKS
    ]
    db.session.add_all(tasks)
    db.session.flush()
    return tasks


# --- a unit's state ----------------------------------------------------------------------


def is_occupied(unit: Unit, on: date) -> bool:
    """Some live period (principal or hosted) covers `on` (`rules.covers`, in SQL)."""
    found = db.session.scalar(
        select(Occupancy.id)
        .where(
            Occupancy.unit_id == unit.id,
            Occupancy.deleted_at.is_(None),
            Occupancy.start_date <= on,
            (Occupancy.end_date.is_(None)) | (Occupancy.end_date > on),
        )
        .limit(1)
    )
    return found is not None


def unit_state(unit: Unit, on: date) -> UnitState:
    """Occupied when a period covers the day; otherwise walled up (muré), unsafe
    (insalubre, sinistré) or vacant, by the unit's condition."""
    if is_occupied(unit, on):
        return UnitState.OCCUPIED
    if unit.condition is UnitCondition.MURE:
        return UnitState.WALLED_UP
    if unit.condition in (UnitCondition.INSALUBRE, UnitCondition.SINISTRE):
        return UnitState.UNSAFE
    return UnitState.VACANT
