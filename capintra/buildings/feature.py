"""Buildings and occupancy: organisations, buildings, arrêtés, incidents, units and
occupancy periods. Models and rules only so far: no pages yet."""

from capintra.buildings.classification import ACTIONS, AUDITED
from capintra.buildings.models import (
    Arrete,
    Building,
    BuildingIncident,
    Occupancy,
    Organisation,
    Unit,
)
from capintra.features import Feature

FEATURE = Feature(
    name="buildings",
    models=(Organisation, Building, Unit, Arrete, BuildingIncident, Occupancy),
    audited=AUDITED,
    actions=ACTIONS,
)
