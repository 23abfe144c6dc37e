"""The demo's recent departures carry their after-departure chores, so the assistant's
dashboard has them to show (seed-demo, capintra/buildings/demo.py)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from capintra.buildings.demo import CHORES_SINCE
from capintra.buildings.models import Occupancy
from capintra.extensions import db
from capintra.households import queries
from capintra.households.models import Task, TaskKind
from capintra.security import Role
from tests.test_seed import TODAY, demo, demo_user  # noqa: F401 (the demo fixture)


def test_recent_departures_have_their_chores_on_the_assistant_s_dashboard(demo):  # noqa: F811
    chores = list(db.session.scalars(select(Task).filter_by(kind=TaskKind.AFTER_DEPARTURE)))
    ended = {
        p.household_id: p.end_date
        for p in db.session.scalars(
            select(Occupancy).where(
                Occupancy.household_id.is_not(None),
                Occupancy.end_date > TODAY - CHORES_SINCE,
                Occupancy.end_date <= TODAY,
            )
        )
    }
    assert ended, "the demo has no recent departure to show"
    assert Counter(t.household_id for t in chores) == {h: 3 for h in ended}
    assistant = demo_user(Role.ASSISTANT)
    shown = queries.tasks_due_list(assistant, TODAY, 50, after_departures=True).rows
    assert {t.household_id for t in shown if t.kind is TaskKind.AFTER_DEPARTURE}
