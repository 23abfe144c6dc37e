"""Two officers record the committee's decision on the same file from the same version at
the same moment, on the real server (htmx and plain posts): never a 5xx; one goes through
(200 row / 303), the other is refused (409) with the decision as it is now."""

from __future__ import annotations

from sqlalchemy import select

from capintra.households.models import Household, Phase
from tests import factories
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

ROUNDS = 6


def test_parallel_decisions_on_one_file_give_one_success_and_one_409(live):
    household_id = live.run(
        lambda: factories.household(
            name="CONCURRENT Comité", phase=Phase.RECHERCHE, committee_flag=True,
            committee_blocking_point="Refus répétés",
        ).id
    )  # fmt: skip
    first, second = live.signed_in("officer"), live.signed_in("officer")
    path = f"/committee/{household_id}/decision"
    mark = live.mark()
    outcomes = []
    for n in range(ROUNDS):
        htmx = n % 2 == 0
        headers = {"HX-Request": "true", "HX-Target": f"committee-row-{household_id}"}
        (version,) = live.scalars(select(Household.version).where(Household.id == household_id))
        texts = [f"Tour {n} : décision de la première", f"Tour {n} : décision de la seconde"]
        posts = [
            lambda client=client, text=text: client.post(
                path,
                {"committee_decision": text, "version": version},
                headers=headers if htmx else None,
            )
            for client, text in zip((first, second), texts, strict=True)
        ]
        responses = together(posts)
        codes = sorted(r.status for r in responses)
        (saved,) = live.scalars(select(Household).where(Household.id == household_id))
        success = 200 if htmx else 303
        problem = None
        if codes != sorted([success, 409]):
            problem = f"round {n}: {codes}"
        else:
            winner = texts[[r.status for r in responses].index(success)]
            loser = [r for r in responses if r.status == 409][0]
            if saved.committee_decision != winner or saved.version != version + 1:
                problem = f"round {n}: saved {saved.committee_decision!r} v{saved.version}"
            elif winner not in loser.text:
                problem = f"round {n}: the 409 does not show the current decision"
        outcomes.append((codes, problem))

    assert all(code < 500 for codes, _ in outcomes for code in codes), live.explain(mark)
    wrong = [problem for _, problem in outcomes if problem]
    assert not wrong, "\n".join(wrong) + "\n" + live.explain(mark)
