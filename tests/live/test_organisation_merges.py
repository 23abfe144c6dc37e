"""Two admins merge the same duplicate at the same moment, on the real server: one merge
goes through (303), the other is refused (409, or 404: the duplicate is gone); never a
5xx, and each household keeps one link to the organisation kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from capintra.households.models import HouseholdPartner
from capintra.organisations.models import Organisation
from tests import factories
from tests.live.client import together
from tests.live.conftest import LIVE
from tests.organisations import make as orgs

pytestmark = LIVE

ROUNDS = 3


@pytest.fixture(scope="module")
def duplicates(live):
    """Per round: a kept organisation, its duplicate, and a household linked to both."""

    def make():
        rounds = []
        for n in range(ROUNDS):
            kept, duplicate = (
                orgs.organisation(name=f"CCAS {n}"),
                orgs.organisation(name=f"C.C.A.S. {n} bis"),
            )
            household = factories.household()
            orgs.partner(household, kept)
            orgs.partner(household, duplicate)
            rounds.append((kept.id, duplicate.id, household.id))
        return rounds

    return live.run(make)


def test_two_merges_of_the_same_duplicate_give_one_303(live, duplicates):
    first, second = live.signed_in("admin"), live.signed_in("admin")
    mark = live.mark()
    results = []
    for kept_id, duplicate_id, household_id in duplicates:
        (version,) = live.scalars(
            select(Organisation.version).where(Organisation.id == duplicate_id)
        )
        path = f"/admin/organisations/{duplicate_id}/merge"
        form = {"kept_id": kept_id, "version": version, "confirmed": "1"}
        responses = together([lambda c=c: c.post(path, form) for c in (first, second)])
        links = live.scalars(
            select(HouseholdPartner.organisation_id).where(
                HouseholdPartner.household_id == household_id,
                HouseholdPartner.deleted_at.is_(None),
            )
        )
        results.append((sorted(r.status for r in responses), links))
    why = f"{results}\n{live.explain(mark)}"
    assert all(
        codes[0] == 303 and codes[1] in (404, 409) and links == [kept_id]
        for (codes, links), (kept_id, _d, _h) in zip(results, duplicates, strict=True)
    ), why
    assert live.errors_since(mark) == {}, why
