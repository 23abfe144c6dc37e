"""Overdue answers (`flask notify-due`): an offer whose deadline passed while the
household's answer is still « en attente » is notified once to the file's officer, by
reference only; an answered offer, a deleted one or a file without officer is not."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from capintra.extensions import db
from capintra.features import declared
from capintra.notifications.due import run_due_notices
from capintra.notifications.models import Notification
from capintra.relocation.models import Answer, Channel, Offer
from capintra.relocation.notices import overdue_answer_notices

DAY = date(2026, 11, 25)


def _offer(household, **kw) -> Offer:
    values = {"household_id": household.id, "formal": True, "sent_on": date(2026, 10, 1),
              "channel": Channel.RECOMMANDE, "address": "9 rue Secrète",
              "answer_deadline": DAY - timedelta(days=2)}  # fmt: skip
    values.update(kw)
    offer = Offer(**values)
    db.session.add(offer)
    db.session.commit()
    return offer


def _notifications(kind="offer_answer_overdue"):
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def test_the_producer_is_declared(app_ctx):
    assert overdue_answer_notices in declared("due_notices")


def test_an_overdue_pending_offer_is_notified_once_to_the_officer(app_ctx, make):
    officer = make.user("officer")
    household = make.household(officer_id=officer.id, name="SECRET Famille")
    late = _offer(household)
    _offer(household, answer=Answer.REFUSEE, answered_on=DAY)  # answered: nothing
    _offer(household, answer_deadline=DAY)  # due today, not yet late
    _offer(household, answer_deadline=None)  # no deadline
    deleted = _offer(household)
    deleted.soft_delete()
    _offer(make.household(name="SANS Référent"))  # no officer
    db.session.commit()

    assert overdue_answer_notices(DAY) == 1
    (notice,) = _notifications()
    assert notice.user_id == officer.id
    assert household.reference in notice.message and "25/11/2026" not in notice.message
    assert "23/11/2026" in notice.message  # the deadline
    assert "SECRET" not in notice.message and "rue Secrète" not in notice.message
    assert notice.url == f"/households/{household.id}/offers"
    assert notice.dedup_key == f"offer_answer:{late.id}:2026-11-23"

    # a second run the same day adds nothing (dedup), through the daily job too
    assert overdue_answer_notices(DAY) == 0
    assert run_due_notices(DAY) == 0
    assert len(_notifications()) == 1
    # the next day: only the offer due on DAY, now late, is new
    assert overdue_answer_notices(DAY + timedelta(days=1)) == 1
    assert len(_notifications()) == 2


def test_an_answered_offer_is_not_notified(app_ctx, make):
    officer = make.user("officer")
    household = make.household(officer_id=officer.id)
    _offer(household, answer=Answer.ACCEPTEE, answered_on=DAY - timedelta(days=1))
    assert overdue_answer_notices(DAY) == 0
    assert _notifications() == []
