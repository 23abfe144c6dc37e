"""The officer's relocation lists on the dashboard: offers awaiting an answer with the
days left or late, the coming CALEOL dates, the 6-month follow-ups due — the officer's own
files only; flat in statements as files grow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from capintra import clock
from capintra.audit.changes import kept_values
from capintra.extensions import db
from capintra.households.models import Task, TaskKind
from capintra.relocation.models import Answer, CaleolDecision, Channel, Offer
from tests.conftest import login
from tests.households.helpers import count_statements, text_of


@pytest.fixture
def today():
    return clock.today()


def _offer(household, **kw) -> Offer:
    values = {"household_id": household.id, "formal": True, "sent_on": date(2026, 9, 1),
              "channel": Channel.RECOMMANDE, "commune": "Firminy"}  # fmt: skip
    values.update(kw)
    offer = Offer(**values)
    db.session.add(offer)
    db.session.commit()
    return offer


def _follow_up(household, assignee, due, **kw) -> Task:
    task = Task(household_id=household.id, kind=TaskKind.FOLLOW_UP, title="Suivi à 6 mois",
                due_date=due, assignee_id=assignee.id, **kw)  # fmt: skip
    db.session.add(task)
    db.session.commit()
    return task


def _section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_the_officer_sees_pending_offers_caleol_and_follow_ups(app_ctx, make, today):
    me = make.user("officer")
    colleague = make.user("officer")
    mine = make.household(officer_id=me.id, name="MARTIN Famille")
    theirs = make.household(officer_id=colleague.id, name="AUTRE Famille")
    soon = _offer(mine, answer_deadline=today + timedelta(days=5))
    late = _offer(mine, answer_deadline=today - timedelta(days=3))
    answered = _offer(mine, answer=Answer.ACCEPTEE, answered_on=today,
                      answer_deadline=today + timedelta(days=9))  # fmt: skip
    other = _offer(theirs, answer_deadline=today + timedelta(days=2))
    caleol = _offer(mine, answer=Answer.ACCEPTEE, answered_on=today,
                    caleol_on=today + timedelta(days=12))  # fmt: skip
    decided = _offer(mine, answer=Answer.ACCEPTEE, caleol_on=today + timedelta(days=4),
                     caleol_decision=CaleolDecision.FAVORABLE)  # fmt: skip
    due = _follow_up(mine, me, today + timedelta(days=20))
    overdue = _follow_up(mine, me, today - timedelta(days=1))
    far = _follow_up(mine, me, today + timedelta(days=45))
    done = _follow_up(mine, me, today, done=True)
    not_mine = _follow_up(theirs, colleague, today)

    html = text_of(login(app_ctx.test_client(), me).get("/"))
    pending = _section(html, "dash-pending-offers")
    assert f'id="dash-offer-{soon.id}"' in pending and "5 jours restants" in pending
    assert f'id="dash-offer-{late.id}"' in pending and "en retard de 3 jours" in pending
    assert pending.index(f"dash-offer-{late.id}") < pending.index(f"dash-offer-{soon.id}")
    assert f"dash-offer-{answered.id}" not in pending and f"dash-offer-{other.id}" not in pending
    assert "MARTIN Famille" in pending and "AUTRE Famille" not in pending
    assert f"/households/{mine.id}/offers" in pending

    upcoming = _section(html, "dash-caleol")
    assert f"dash-caleol-{caleol.id}" in upcoming and "dans 12 jours" in upcoming
    assert f"dash-caleol-{decided.id}" not in upcoming

    follow = _section(html, "dash-follow-ups")
    assert f"dash-follow-up-{due.id}" in follow and f"dash-follow-up-{overdue.id}" in follow
    assert "en retard" in follow
    for task in (far, done, not_mine):
        assert f"dash-follow-up-{task.id}" not in follow
    assert 'href="/committee/"' in follow


def test_only_officers_get_the_section(app_ctx, make):
    for role in ("assistant", "manager"):
        html = text_of(login(app_ctx.test_client(), make.user(role)).get("/"))
        assert 'id="dash-pending-offers"' not in html


def test_the_lists_say_how_many_more_and_stay_flat(app_ctx, make, today):
    me = make.user("officer")
    browser = login(app_ctx.test_client(), me)
    household = make.household(officer_id=me.id)
    _offer(household, answer_deadline=today + timedelta(days=1))
    browser.get("/")
    kept_values().clear()  # the sections computed, not kept since
    with count_statements() as few:
        browser.get("/")
    for n in range(12):
        other = make.household(officer_id=me.id)
        _offer(
            other, answer_deadline=today + timedelta(days=n), caleol_on=today + timedelta(days=n)
        )
        _follow_up(other, me, today + timedelta(days=n))
    with count_statements() as many:
        html = text_of(browser.get("/"))
    assert len(many) == len(few)
    assert "et 3 autres" in _section(html, "dash-pending-offers")  # 13 pending, 10 shown
    full = text_of(browser.get("/?all=offers"))
    assert _section(full, "dash-pending-offers").count('id="dash-offer-') == 13
