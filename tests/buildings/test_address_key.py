"""The building's address key: what an import matches buildings on."""

from __future__ import annotations

from tests.buildings import make as bmake


def test_the_building_keeps_its_address_key(app_ctx):
    building = bmake.building(address="12, Rue de l’Égalité", commune="Saint-Étienne")
    assert building.address_key == "12 rue de l egalite saint etienne"
    building.commune = "Firminy"
    assert building.address_key == "12 rue de l egalite firminy"
