"""The rules of wishes and offers: plain functions that flush; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from capintra.extensions import db
from capintra.households.models import Household
from capintra.relocation.models import Answer, Offer, Wishes

#: The law asks for at least two formal offers before the obligation is met.
FORMAL_OFFERS_REQUIRED = 2


def save_wishes(wishes: Wishes, household: Household, data: dict) -> Wishes:
    if wishes.id is None:
        wishes.household_id = household.id
        db.session.add(wishes)
    for name, value in data.items():
        setattr(wishes, name, value)
    db.session.flush()
    return wishes


def save_offer(offer: Offer, household: Household, data: dict) -> Offer:
    """Copies the form's values; a pending offer keeps no answer date nor refusal, an
    accepted one no refusal."""
    if offer.id is None:
        offer.household_id = household.id
        db.session.add(offer)
    for name, value in data.items():
        setattr(offer, name, value)
    if offer.answer is None:
        offer.answer = Answer.EN_ATTENTE
    if offer.answer is not Answer.REFUSEE:
        offer.refusal_reason = None
    if offer.answer is Answer.EN_ATTENTE:
        offer.answered_on = None
    db.session.flush()
    return offer


@dataclass(frozen=True)
class Waiting:
    """How long an offer waited for the household's answer."""

    #: None: answered on a day nobody recorded.
    days: int | None
    answered: bool
    late: bool


def waiting(offer: Offer, today: date) -> Waiting:
    """Days from sending to the answer (its date, or today while it is pending); late
    when the answer came, or has not come, after the deadline."""
    answered = offer.answer is not Answer.EN_ATTENTE
    if answered and offer.answered_on is None:
        return Waiting(None, True, False)
    end = offer.answered_on if answered else today
    late = offer.answer_deadline is not None and end > offer.answer_deadline
    return Waiting(max((end - offer.sent_on).days, 0), answered, late)


def formal_count(offers: list[Offer]) -> int:
    return sum(1 for offer in offers if offer.formal)
