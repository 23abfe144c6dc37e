"""Reads of the relocation tabs, with their eager loading."""

from __future__ import annotations

from datetime import date

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from capintra.buildings.models import Building, Occupancy, Unit, UnitCondition
from capintra.extensions import db
from capintra.households.models import Household
from capintra.relocation.models import Answer, Offer, Relocation, Wishes
from capintra.web.formatting import date_fr, floor_label


def wishes_of(household: Household) -> Wishes | None:
    return db.session.scalar(
        select(Wishes)
        .where(Wishes.household_id == household.id)
        .options(joinedload(Wishes.preferred_landlord))
    )


def offers_of(household: Household) -> list[Offer]:
    """The household's live offers, the latest sent first: one statement."""
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.household_id == household.id, Offer.deleted_at.is_(None))
            .options(joinedload(Offer.landlord), joinedload(Offer.reservation_holder))
            .order_by(Offer.sent_on.desc(), Offer.id.desc())
        )
    )


def get_offer_or_404(household: Household, offer_id: int) -> Offer:
    """A live offer of that household, or 404 (an offer of another file is not found)."""
    offer = db.session.scalar(
        select(Offer)
        .where(
            Offer.id == offer_id,
            Offer.household_id == household.id,
            Offer.deleted_at.is_(None),
        )
        .options(joinedload(Offer.landlord), joinedload(Offer.reservation_holder))
    )
    if offer is None:
        abort(404)
    return offer


def relocations_of(household: Household) -> list[Relocation]:
    """The household's live relocations, the latest first: one statement."""
    return list(
        db.session.scalars(
            select(Relocation)
            .where(Relocation.household_id == household.id, Relocation.deleted_at.is_(None))
            .options(joinedload(Relocation.landlord), joinedload(Relocation.reservation_holder))
            .order_by(Relocation.relocated_on.desc(), Relocation.id.desc())
        )
    )


def get_relocation_or_404(household: Household, relocation_id: int) -> Relocation:
    """A live relocation of that household, or 404."""
    relocation = db.session.scalar(
        select(Relocation)
        .where(
            Relocation.id == relocation_id,
            Relocation.household_id == household.id,
            Relocation.deleted_at.is_(None),
        )
        .options(joinedload(Relocation.landlord), joinedload(Relocation.reservation_holder))
    )
    if relocation is None:
        abort(404)
    return relocation


def accepted_offer_choices(household: Household) -> list[tuple[int, str]]:
    """The offers the household accepted, as (id, « 12 rue Michelet, Firminy — 02/11/2026 »)."""
    offers = db.session.scalars(
        select(Offer)
        .where(
            Offer.household_id == household.id,
            Offer.deleted_at.is_(None),
            Offer.answer == Answer.ACCEPTEE,
        )
        .order_by(Offer.sent_on.desc(), Offer.id.desc())
    )
    return [
        (
            o.id,
            " — ".join(
                p
                for p in (", ".join(x for x in (o.address, o.commune) if x), date_fr(o.sent_on))
                if p
            ),
        )  # fmt: skip
        for o in offers
    ]


def vacant_unit_choices(household: Household, on: date) -> list[tuple[int, str]]:
    """Units of the household's operation in normal condition that no period covers on
    `on` (a temporary home), as (id, « 12 rue Gambetta — lot 3 (2e) »): one statement."""
    covering = select(Occupancy.id).where(
        Occupancy.unit_id == Unit.id,
        Occupancy.deleted_at.is_(None),
        Occupancy.start_date <= on,
        or_(Occupancy.end_date.is_(None), Occupancy.end_date > on),
    )
    rows = db.session.execute(
        select(Unit.id, Unit.lot_number, Unit.floor, Building.address, Building.commune)
        .join(Building, Building.id == Unit.building_id)
        .where(
            Building.operation_id == household.operation_id,
            Building.deleted_at.is_(None),
            Unit.deleted_at.is_(None),
            Unit.condition == UnitCondition.NORMAL,
            ~covering.exists(),
        )
        .order_by(Building.address, Unit.floor, Unit.lot_number)
    )
    return [
        (
            uid,
            _(
                "%(address)s — lot %(lot)s (%(floor)s)",
                address=address,
                lot=lot,
                floor=floor_label(floor),
            ),
        )  # fmt: skip
        for uid, lot, floor, address, _commune in rows
    ]
