"""Buildings and occupancy: organisations, buildings, arrêtés, incidents, units and
occupancy periods. Models and rules only so far: no pages yet."""

from flask_babel import lazy_gettext as _l

from capintra.buildings import demo, household_tab
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
from capintra.web.pages import Tab

FEATURE = Feature(
    name="buildings",
    models=(Organisation, Building, Unit, Arrete, BuildingIncident, Occupancy),
    audited=AUDITED,
    actions=ACTIONS,
    tabs=(
        Tab(
            "household",
            "occupancy",
            _l("Occupation"),
            20,
            "buildings/_household_occupancy.html",
            household_tab.context,
        ),
    ),  # fmt: skip
    demo=demo.load,
)
