"""Officers work on one household's relocation at once, on the real server: offers added
in parallel are all kept; final relocations posted in parallel give exactly one (303),
the others refused (409), with one follow-up task and the home ended once; two saves of
the same relocation from the same page: one 303, one 409; never a 5xx."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from capintra.buildings.models import EndReason, Occupancy
from capintra.households.models import Household, Phase, Task, TaskKind
from capintra.relocation.models import Offer, Relocation, RelocationKind
from tests import factories
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

OFFERS = 8
FINALS = 4
ROUNDS = 3


@pytest.fixture(scope="module")
def files(live):
    """Households in search, each in its home since 2019."""

    def make():
        from capintra.buildings import services
        from capintra.buildings.models import OccupantStatus
        from capintra.extensions import db
        from tests.buildings import make as bmake

        operation = factories.operation()
        building = bmake.building(operation.id, address="3 rue des Relogements")
        ids = []
        for _ in range(1 + ROUNDS):
            household = factories.household(operation.id, phase=Phase.RECHERCHE,
                                            monthly_resources_cents=140_000)  # fmt: skip
            services.add_period(
                bmake.unit(building), household=household, status=OccupantStatus.LOCATAIRE,
                start=date(2019, 1, 1), rent_cents=41_000, charges_cents=5_000,
            )  # fmt: skip
            ids.append(household.id)
        db.session.commit()
        return ids

    return live.run(make)


def _offer(n: int) -> dict:
    return {"formal": "y", "sent_on": "2026-10-01", "channel": "recommande",
            "address": f"{n} rue Michelet", "commune": "Firminy", "rent_cents": "420",
            "answer": "en_attente"}  # fmt: skip


def _final(n: int) -> dict:
    day = (date.today() - timedelta(days=2)).isoformat()
    return {"kind": "definitif", "relocated_on": day, "keys_on": day, "sector": "social",
            "address": f"{n} cours Fauriel", "commune": "Saint-Étienne", "rent_cents": "450",
            "charges_cents": "50", "apl_cents": "180"}  # fmt: skip


def test_parallel_offers_are_all_kept_and_one_final_relocation_wins(live, files):
    household_id = files[0]
    officers = [live.signed_in("officer") for _ in range(3)]
    mark = live.mark()

    path = f"/households/{household_id}/offers"
    responses = together(
        [lambda c=officers[n % 3], n=n: c.post(path, _offer(n)) for n in range(OFFERS)]
    )
    offers = live.scalars(select(Offer).where(Offer.household_id == household_id))
    why = f"{[r.status for r in responses]}\n{live.explain(mark)}"
    assert [r.status for r in responses] == [303] * OFFERS, why
    assert sorted(o.address for o in offers) == sorted(f"{n} rue Michelet" for n in range(OFFERS))

    path = f"/households/{household_id}/relocations"
    responses = together(
        [lambda c=officers[n % 3], n=n: c.post(path, _final(n)) for n in range(FINALS)]
    )
    codes = sorted(r.status for r in responses)
    why = f"{codes}\n{live.explain(mark)}"
    assert codes == [303] + [409] * (FINALS - 1), why
    relocations = live.scalars(select(Relocation).where(Relocation.household_id == household_id))
    assert [r.kind for r in relocations] == [RelocationKind.DEFINITIF], why
    (winner,) = relocations
    assert winner.address == f"{[r.status for r in responses].index(303)} cours Fauriel"
    follow_ups = live.scalars(
        select(Task).where(Task.household_id == household_id, Task.kind == TaskKind.FOLLOW_UP)
    )
    assert len(follow_ups) == 1
    (home,) = live.scalars(select(Occupancy).where(Occupancy.household_id == household_id))
    assert home.end_reason is EndReason.RELOGE
    (household,) = live.scalars(select(Household).where(Household.id == household_id))
    assert household.phase is Phase.RELOGE
    assert live.errors_since(mark) == {}, why


def test_two_same_version_relocation_saves_give_one_303_and_one_409(live, files):
    first, second = live.signed_in("officer"), live.signed_in("officer")
    mark = live.mark()
    results = []
    for household_id in files[1:]:
        response = first.post(f"/households/{household_id}/relocations", _final(0))
        assert response.status == 303, live.explain(mark)
        (relocation,) = live.scalars(
            select(Relocation).where(Relocation.household_id == household_id)
        )
        path = f"/households/{household_id}/relocations/{relocation.id}"
        forms = [
            {"version": relocation.version, "sector": "social", "commune": commune,
             "rent_cents": "450", "satisfaction": "satisfait", "survey_on": "2026-11-20"}
            for commune in ("Firminy", "Unieux")
        ]  # fmt: skip
        responses = together(
            [lambda c=c, f=f: c.post(path, f) for c, f in zip((first, second), forms, strict=True)]
        )
        (saved,) = live.scalars(select(Relocation).where(Relocation.id == relocation.id))
        results.append((sorted(r.status for r in responses), saved.version - relocation.version))
    why = f"{results}\n{live.explain(mark)}"
    assert all(codes == [303, 409] and bump == 1 for codes, bump in results), why
    assert live.errors_since(mark) == {}, why
