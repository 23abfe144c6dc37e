"""Buildings and occupancy: buildings, arrêtés, incidents, units and
occupancy periods; the buildings' list, the building's page and a unit's page."""

from capintra.buildings import (
    dashboard,
    demo,
    examples,
    household_tab,
    names,
    pages,
    personal_data,
    queries,
    report,
    splits,
)
from capintra.buildings.classification import ACTIONS, AUDITED
from capintra.buildings.models import (
    Arrete,
    Building,
    BuildingIncident,
    CostsOnHold,
    Occupancy,
    Unit,
)
from capintra.buildings.views import bp
from capintra.documents.owners import DocumentOwner
from capintra.features import DashboardSection, Feature, NavItem
from capintra.housing import HOUSING_COSTS
from capintra.text import lazy_gettext as _l
from capintra.web.pages import Tab

FEATURE = Feature(
    name="buildings",
    # the occupancy report: /reports/occupancy (+ .csv)
    blueprints=((bp, ""), (report.bp, "/reports")),
    models=(Building, Unit, Arrete, BuildingIncident, Occupancy, CostsOnHold),
    setup=(splits.install,),  # a split household's hosted period
    navigation=(NavItem("buildings.index", _l("Immeubles"), "building.view", 20),),
    pages=(pages.PAGE, pages.UNIT_PAGE),
    tabs=(
        *pages.TABS,
        *pages.UNIT_TABS,
        # The household file's occupancy tab: where the household lives and lived.
        Tab(
            "household",
            "occupancy",
            _l("Occupation"),
            20,
            "buildings/_household_occupancy.html",
            household_tab.context,
        ),
    ),  # fmt: skip
    document_owners=(DocumentOwner(Building, queries.get_building_or_404, "building_id"),),
    dashboard_sections=(
        DashboardSection("report.view", "buildings/_dashboard_late.html", dashboard.late_section),
    ),
    audited=AUDITED,
    actions=ACTIONS,
    record_names=names.NAMERS,
    route_params={
        "building_id": examples.example_building_id,
        "unit_id": examples.example_unit_id,
        "period_id": examples.example_period_id,
        "arrete_id": examples.example_arrete_id,
        "incident_id": examples.example_incident_id,
    },
    demo=demo.load,
    # The household file's remaining charge and effort rate (capintra.housing).
    provides={HOUSING_COSTS: queries.housing_costs},
    personal_data=(personal_data.sections,),
)
