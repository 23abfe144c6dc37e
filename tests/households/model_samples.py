"""Samples of the household models not in tests/model_samples.py, for the generated
audit tests (tests/audit/)."""

from __future__ import annotations

from tests import factories
from tests.model_samples import Sample
from tests.organisations import make as orgs


def _move_to_another_organisation(link) -> None:
    link.organisation_id = orgs.organisation(name="Secours catholique").id


SAMPLES: dict[str, Sample] = {
    "household_partner": Sample(
        lambda: orgs.partner(factories.household()), _move_to_another_organisation
    ),
}
