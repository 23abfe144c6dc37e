"""What relocation holds on a household, for its right-of-access export
(capintra.personal_data; declared in feature.py): its wishes, the offers made to it and
its relocations, with the landlords and reservation holders named (the directory)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra.extensions import db
from capintra.personal_data import PersonalDataSection, picked, stored
from capintra.relocation.models import Offer, Relocation, Wishes
from capintra.text import lazy_gettext as _l


def _organisation(organisation: Any, label) -> Any:
    if organisation is None:
        return None
    return picked(organisation, ("id", "name"), label)


def _with_landlords(row: Any):
    return stored(
        row,
        landlord=_organisation(row.landlord, _l("Bailleur")),
        reservation_holder=_organisation(row.reservation_holder, _l("Réservataire")),
    )


def sections(household: Any) -> list[PersonalDataSection]:
    wishes = db.session.scalar(
        select(Wishes)
        .where(Wishes.household_id == household.id)
        .options(joinedload(Wishes.preferred_landlord))
    )
    landlords = (joinedload(Offer.landlord), joinedload(Offer.reservation_holder))
    offers = db.session.scalars(
        select(Offer)
        .where(Offer.household_id == household.id)
        .options(*landlords)
        .order_by(Offer.sent_on, Offer.id)
    )
    relocations = db.session.scalars(
        select(Relocation)
        .where(Relocation.household_id == household.id)
        .options(joinedload(Relocation.landlord), joinedload(Relocation.reservation_holder))
        .order_by(Relocation.relocated_on, Relocation.id)
    )
    return [
        PersonalDataSection(
            "wishes",
            _l("Souhaits de relogement"),
            (
                stored(
                    wishes,
                    preferred_landlord=_organisation(
                        wishes.preferred_landlord, _l("Bailleur souhaité")
                    ),
                ),
            )
            if wishes is not None
            else (),
            single=True,
        ),
        PersonalDataSection(
            "offers", _l("Propositions de logement"), tuple(map(_with_landlords, offers))
        ),
        PersonalDataSection(
            "relocations", _l("Relogements"), tuple(map(_with_landlords, relocations))
        ),
    ]
