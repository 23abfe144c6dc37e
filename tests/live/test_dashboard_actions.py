"""Two colleagues click « AR reçu » (or « Faite ») on the same line of their dashboards at
the same moment, on the real server: one goes through (303), the other is refused (409)
with the list as it is now; never a 5xx."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from capintra.households.models import Letter, LetterChannel, Task
from tests import factories
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

ROUNDS = 4


@pytest.fixture(scope="module")
def items(live):
    """A file with letters awaiting their acknowledgement and open tasks, one per round."""

    def make():
        household = factories.household(name="SIMULTANÉ Famille")
        sent = date.today() - timedelta(days=20)
        letters = [
            factories.letter(household, channel=LetterChannel.LRAR, letter_date=sent).id
            for _ in range(ROUNDS)
        ]
        tasks = [factories.task(household, due_date=date.today()).id for _ in range(ROUNDS)]
        return household.id, letters, tasks

    return live.run(make)


@pytest.mark.parametrize(("kind", "model", "action"),
                         [("letters", Letter, "acknowledge"), ("tasks", Task, "done")])  # fmt: skip
def test_two_same_version_clicks_give_one_303_and_one_409(live, items, kind, model, action):
    household_id, letters, tasks = items
    first, second = live.signed_in("assistant"), live.signed_in("officer")
    mark = live.mark()
    results = []
    for item_id in letters if kind == "letters" else tasks:
        (version,) = live.scalars(select(model.version).where(model.id == item_id))
        path = f"/households/{household_id}/{kind}/{item_id}/{action}"
        responses = together(
            [lambda c=c: c.post(path, {"version": version}) for c in (first, second)]
        )
        (saved,) = live.scalars(select(model).where(model.id == item_id))
        done = saved.acknowledged_on is not None if kind == "letters" else saved.done
        results.append((sorted(r.status for r in responses), done, saved.version - version))
    why = f"{results}\n{live.explain(mark)}"
    assert all(codes == [303, 409] and done and bump == 1 for codes, done, bump in results), why
