"""Reads of the relocation tab, with their eager loading."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra.extensions import db
from capintra.households.models import Household
from capintra.relocation.models import Offer, Wishes


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
