"""The organisations directory: SIRET checked by Luhn."""

from __future__ import annotations

import pytest

from capintra.errors import DomainError
from capintra.organisations import services
from capintra.organisations.models import Organisation, OrganisationKind


@pytest.mark.parametrize(
    "siret",
    ["73282932000074", "35600000000048", "35600000049837", "44306184100047"],
)
def test_valid_sirets(siret):
    assert services.siret_is_valid(siret)


@pytest.mark.parametrize(
    "siret",
    ["73282932000075", "7328293200007", "732829320000744", "7328293200007A", "", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",
     "35600000049838"],
)  # fmt: skip
def test_invalid_sirets(siret):
    assert not services.siret_is_valid(siret)


def test_save_organisation_cleans_or_refuses_the_siret(app_ctx):
    org = Organisation(name="Loire Habitat", kind=OrganisationKind.BAILLEUR)
    services.save_organisation(org, {"siret": "732 829 320 00074"})
    assert org.siret == "73282932000074"
    with pytest.raises(DomainError, match="SIRET n’est pas valide") as refused:
        services.save_organisation(org, {"siret": "732 829 320 00075"})
    assert refused.value.status == 409
    services.save_organisation(org, {"siret": "  "})
    assert org.siret == ""
