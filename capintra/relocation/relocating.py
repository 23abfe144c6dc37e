"""The rules of a household's relocations (DESIGN §2, Relocation; issue 11, item 3).

A temporary relocation ends the household's open occupancy (« relogement temporaire »),
opens a period in the temporary unit when it is one of ours, keeps the right to return
open and moves the file to « relogement temporaire ». The final relocation, in the
request's one transaction: the costs before kept as a snapshot, the open occupancy ended
as « relogé » (the only place that reason is written), any open temporary relocation
ended, the file moved to « relogé », the 6-month follow-up scheduled. Plain functions
that flush and raise a DomainError; the view commits once, or rolls everything back.
"""

from __future__ import annotations

import calendar
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from capintra.buildings import services as occupancy
from capintra.buildings.models import Building, EndReason, Occupancy, OccupantStatus, Unit
from capintra.errors import DomainError, InvalidInput
from capintra.extensions import db
from capintra.households.models import Household, Phase, Task, TaskKind
from capintra.households.services import change_phase
from capintra.housing import housing_costs_of
from capintra.relocation.models import Answer, Offer, Relocation, RelocationKind

#: The follow-up after a final relocation is due this many months after the move.
FOLLOW_UP_MONTHS = 6

#: What the edit form may change: never the kind, the dates or the unit, which moved
#: occupancy periods, tasks and the file's phase when the relocation was recorded.
DESCRIPTIVE = frozenset(
    {
        "address",
        "commune",
        "landlord_id",
        "reservation_holder_id",
        "sector",
        "unit_type",
        "surface_dm2",
        "rent_cents",
        "charges_cents",
        "apl_cents",
        "new_social_housing",
        "priority_neighbourhood",
        "on_site",
        "rent_reduction_grant",
        "right_to_return",
        "satisfaction",
        "survey_on",
        "survey_note",
    }
)

#: What recording a relocation reads from the form, besides the descriptive fields.
RECORDED = DESCRIPTIVE - {"satisfaction", "survey_on", "survey_note"} | {
    "relocated_on",
    "keys_on",
    "offer_id",
    "unit_id",
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6 → 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- reads the rules need ----------------------------------------------------------------


def _lock_household(household: Household) -> None:
    """Serialise the relocations of one file: its row lock on PostgreSQL (SQLite: the
    write request already holds the database's write lock)."""
    db.session.execute(select(Household.id).where(Household.id == household.id).with_for_update())


def live_relocations(household: Household) -> list[Relocation]:
    return list(
        db.session.scalars(
            select(Relocation)
            .where(Relocation.household_id == household.id, Relocation.deleted_at.is_(None))
            .order_by(Relocation.relocated_on, Relocation.id)
        )
    )


def final_relocation(household: Household) -> Relocation | None:
    return next((r for r in live_relocations(household) if r.is_final), None)


def open_temporary(household: Household) -> Relocation | None:
    """The temporary relocation the household is living through (not ended yet)."""
    return next(
        (r for r in live_relocations(household) if not r.is_final and r.ended_on is None), None
    )


def open_period(household: Household) -> Occupancy | None:
    """The household's open occupancy period (the rules allow one at most)."""
    return db.session.scalar(
        select(Occupancy).where(
            Occupancy.household_id == household.id,
            Occupancy.end_date.is_(None),
            Occupancy.deleted_at.is_(None),
        )
    )


def _accepted_offer(household: Household, offer_id: int | None) -> Offer | None:
    if offer_id is None:
        return None
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.household_id != household.id or offer.is_deleted:
        raise InvalidInput(_("Cette proposition n’est pas celle de ce ménage."), field="offer_id")
    if offer.answer is not Answer.ACCEPTEE:
        raise InvalidInput(
            _("Seule une proposition acceptée par le ménage peut mener au relogement."),
            field="offer_id",
        )
    return offer


#: What the accepted offer already says of the new home, copied where the form was left blank.
FROM_OFFER = (
    "address", "commune", "landlord_id", "reservation_holder_id", "unit_type", "surface_dm2",
    "rent_cents", "charges_cents",
)  # fmt: skip


def _complete_from_offer(relocation: Relocation, offer: Offer | None) -> None:
    """The officer typed the home once, on the offer: a blank field of the relocation
    takes the offer's value; what was typed on the relocation wins."""
    if offer is None:
        return
    for name in FROM_OFFER:
        if getattr(relocation, name) in (None, "") and hasattr(offer, name):
            setattr(relocation, name, getattr(offer, name))
    if offer.priority_neighbourhood:
        relocation.priority_neighbourhood = True


def _check_dates(data: dict) -> None:
    if data.get("keys_on") is None or data.get("relocated_on") is None:
        raise InvalidInput(_("Indiquez la date du relogement et celle de la remise des clés."))


def _check_keys_after_start(relocation: Relocation, period) -> None:
    if period is not None and relocation.keys_on <= period.start_date:
        raise InvalidInput(
            _("La remise des clés doit suivre le début de l’occupation actuelle (%(d)s).",
              d=period.start_date.strftime("%d/%m/%Y")),
            field="keys_on",
        )  # fmt: skip


def _snapshot_before(relocation: Relocation, household: Household, period) -> None:
    """The household's housing costs, resources and home's surface as they were just
    before the move (the « avant » of the remaining charge and effort rate)."""
    costs = housing_costs_of(household.id, relocation.keys_on)
    if costs is not None:
        relocation.before_rent_cents = costs.rent_cents
        relocation.before_charges_cents = costs.charges_cents
        relocation.before_apl_cents = costs.apl_cents
    relocation.resources_cents = household.monthly_resources_cents
    if period is not None:
        unit = db.session.get(Unit, period.unit_id)
        relocation.before_surface_dm2 = unit.surface_dm2 if unit is not None else None


def _copy_before(relocation: Relocation, temporary: Relocation) -> None:
    """After a temporary stay, « avant » is still the home the household came from."""
    for name in ("before_rent_cents", "before_charges_cents", "before_apl_cents",
                 "before_surface_dm2"):  # fmt: skip
        setattr(relocation, name, getattr(temporary, name))
    if relocation.resources_cents is None:
        relocation.resources_cents = temporary.resources_cents


def _new(household: Household, kind: RelocationKind, data: dict) -> Relocation:
    relocation = Relocation(household_id=household.id, kind=kind)
    for name in RECORDED:
        if name in data:
            setattr(relocation, name, data[name])
    return relocation


def _move_phase_forward(household: Household, to_phase: Phase, author) -> None:
    """Forward only: a file already past `to_phase` keeps its phase."""
    if household.phase.rank < to_phase.rank:
        change_phase(household, to_phase, author)


# --- writes ------------------------------------------------------------------------------


def record_temporary(household: Household, data: dict, author) -> Relocation:
    """A temporary relocation (logement tiroir): the open occupancy ends on the key
    handover as « relogement temporaire »; in a unit of ours a period (occupation
    temporaire) opens there the same day, so the household keeps one open period."""
    _check_dates(data)
    _lock_household(household)
    if final_relocation(household) is not None:
        raise DomainError(_("Ce ménage est déjà relogé définitivement."), household)
    if open_temporary(household) is not None:
        raise DomainError(
            _(
                "Ce ménage est déjà en relogement temporaire : enregistrez son relogement "
                "définitif (ou son retour)."
            ),
            household,
        )
    relocation = _new(household, RelocationKind.TEMPORAIRE, data)
    period = open_period(household)
    _check_keys_after_start(relocation, period)
    _snapshot_before(relocation, household, period)
    if period is not None:
        occupancy.end_period(period, relocation.keys_on, EndReason.RELOGEMENT_TEMPORAIRE)
    if relocation.unit_id is not None:
        unit = db.session.get(Unit, relocation.unit_id)
        if unit is None or unit.is_deleted:
            raise InvalidInput(_("Ce logement n’existe plus."), field="unit_id")
        if not relocation.address:  # the file then says where the household stays
            building = db.session.get(Building, unit.building_id)
            relocation.address = _(
                "%(address)s, lot %(lot)s", address=building.address, lot=unit.lot_number
            )
            relocation.commune = relocation.commune or building.commune
        occupancy.add_period(
            unit, start=relocation.keys_on, status=OccupantStatus.TEMPORAIRE, household=household
        )
    db.session.add(relocation)
    _move_phase_forward(household, Phase.RELOGEMENT_TEMPORAIRE, author)
    db.session.flush()
    return relocation


def schedule_follow_up(household: Household, relocation: Relocation) -> Task:
    """The 6-month follow-up after the final relocation, for the file's officer."""
    task = Task(
        household_id=household.id,
        kind=TaskKind.FOLLOW_UP,
        title=_("Suivi à 6 mois du relogement"),
        due_date=add_months(relocation.relocated_on, FOLLOW_UP_MONTHS),
        assignee_id=household.officer_id,
    )
    db.session.add(task)
    db.session.flush()
    return task


def record_final(household: Household, data: dict, author) -> Relocation:
    """The final relocation, all or nothing (the caller rolls back on any error): the
    costs before kept, the open occupancy (the home, or our temporary unit) ended as
    « relogé » on the key handover, an open temporary relocation ended, the file at
    « relogé », the 6-month follow-up scheduled."""
    _check_dates(data)
    _lock_household(household)
    if final_relocation(household) is not None:
        raise DomainError(_("Ce ménage est déjà relogé définitivement."), household)
    offer = _accepted_offer(household, data.get("offer_id"))
    relocation = _new(household, RelocationKind.DEFINITIF, data)
    _complete_from_offer(relocation, offer)
    relocation.unit_id = None  # a final home is never one of the operation's units
    relocation.right_to_return = False
    temporary = open_temporary(household)
    period = open_period(household)
    _check_keys_after_start(relocation, period)
    _snapshot_before(relocation, household, period)
    if temporary is not None:
        _copy_before(relocation, temporary)
        if relocation.relocated_on < temporary.relocated_on:
            raise InvalidInput(
                _("Le relogement définitif ne peut pas précéder le relogement temporaire."),
                field="relocated_on",
            )
        temporary.ended_on = relocation.relocated_on
    if period is not None:
        occupancy.end_period(period, relocation.keys_on, EndReason.RELOGE, by_relocation=True)
    db.session.add(relocation)
    db.session.flush()
    _move_phase_forward(household, Phase.RELOGE, author)
    if relocation.address:  # the file now says where the household lives
        household.address = relocation.address
        household.commune = relocation.commune or household.commune
    schedule_follow_up(household, relocation)
    db.session.flush()
    return relocation


def save_relocation(relocation: Relocation, data: dict) -> Relocation:
    """The descriptive fields and the survey; the right to return is a temporary
    relocation's only."""
    if relocation.is_deleted:
        raise DomainError(_("Ce relogement a été supprimé."), relocation)
    for name, value in data.items():
        if name in DESCRIPTIVE:
            setattr(relocation, name, value)
    if relocation.is_final:
        relocation.right_to_return = False
    db.session.flush()
    return relocation
