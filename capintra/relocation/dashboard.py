"""The officer's relocation lists on the dashboard (DESIGN §3; declared in feature.py),
in the household files' dashboard pattern (households/dashboard.py): the first rows, most
urgent first, "et n autres" with a link to them all (`/?all=offers`), each row naming
its file and linking to the tab it is about. An officer sees their own files only
(household.officer_id), and a list costs the same statements for any number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra import clock
from capintra.households import queries as households
from capintra.households.models import Household, Task, TaskKind
from capintra.relocation.models import Answer, Offer

#: A 6-month follow-up shows from this many days before its due date (and when late).
FOLLOW_UP_NOTICE = timedelta(days=30)


def _size(name: str) -> int:
    """How many rows a list shows: the first ones, or all of them when asked."""
    if request.args.get("all") == name:
        return households.DASHBOARD_CAP
    return households.DASHBOARD_ROWS


@dataclass(frozen=True)
class OfferRow:
    offer: Offer
    household: Household
    today: date

    @property
    def days_left(self) -> int | None:
        """Days to the answer deadline (negative: days late), None without a deadline."""
        deadline = self.offer.answer_deadline
        return None if deadline is None else (deadline - self.today).days

    @property
    def caleol_in(self) -> int | None:
        caleol = self.offer.caleol_on
        return None if caleol is None else (caleol - self.today).days


def _my_offers(officer_id: int):
    return (
        select(Offer)
        .join(Household, Household.id == Offer.household_id)
        .where(
            Offer.deleted_at.is_(None),
            Household.deleted_at.is_(None),
            Household.officer_id == officer_id,
        )
    )


def pending_offers(officer_id: int, today: date, size: int):
    """Offers still « en attente » of an answer, the nearest (or most overdue) deadline
    first, those without a deadline last."""
    query = _my_offers(officer_id).where(Offer.answer == Answer.EN_ATTENTE)
    order = (Offer.answer_deadline.is_(None), Offer.answer_deadline, Offer.sent_on, Offer.id)
    return households.shortlist(query, order, size)


def upcoming_caleol(officer_id: int, today: date, size: int):
    """Offers whose landlord's allocation committee (CALEOL) sits today or later and has
    not decided yet (an offer the household refused is left out), soonest first."""
    query = _my_offers(officer_id).where(
        Offer.caleol_on >= today,
        Offer.caleol_decision.is_(None),
        Offer.answer != Answer.REFUSEE,
    )
    return households.shortlist(query, (Offer.caleol_on, Offer.id), size)


def follow_ups_due(officer_id: int, today: date, size: int):
    """My 6-month follow-ups not done, due within FOLLOW_UP_NOTICE or late, the oldest
    first, their files loaded with them."""
    query = (
        select(Task)
        .join(Household, Household.id == Task.household_id)
        .where(
            Task.kind == TaskKind.FOLLOW_UP,
            Task.done.is_(False),
            Task.deleted_at.is_(None),
            Task.assignee_id == officer_id,
            Task.due_date <= today + FOLLOW_UP_NOTICE,
            Household.deleted_at.is_(None),
        )
    )
    return households.shortlist(query, (Task.due_date, Task.id), size, joinedload(Task.household))


def officer_section() -> dict:
    me = current_user.id
    today = clock.today()
    pending = pending_offers(me, today, _size("offers"))
    caleol = upcoming_caleol(me, today, _size("caleol"))
    files = households.households_by_id(
        offer.household_id for offer in [*pending.rows, *caleol.rows]
    )  # fmt: skip

    def rows(shortlist):
        return [OfferRow(offer, files[offer.household_id], today)
                for offer in shortlist.rows if offer.household_id in files]  # fmt: skip

    return {
        "today": today,
        "pending": pending,
        "pending_rows": rows(pending),
        "caleol": caleol,
        "caleol_rows": rows(caleol),
        "follow_ups": follow_ups_due(me, today, _size("follow_ups")),
    }
