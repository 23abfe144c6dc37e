"""Household files: list and search, the file and its tabs, dashboards."""

from capintra.features import DashboardSection, Feature
from capintra.households import dashboard, demo
from capintra.households.models import (
    Household,
    HouseholdSearchTerm,
    Letter,
    Member,
    Note,
    PhaseChange,
    Task,
)
from capintra.households.search import install_search_listeners
from capintra.households.views import bp

FEATURE = Feature(
    name="households",
    blueprints=((bp, "/households"),),
    models=(Household, HouseholdSearchTerm, Member, Note, Letter, Task, PhaseChange),
    setup=(lambda app: install_search_listeners(),),
    dashboard_sections=(
        DashboardSection(
            "household.social", "households/_dashboard_officer.html", dashboard.officer_section
        ),
        DashboardSection(
            "household.edit", "households/_dashboard_paperwork.html", dashboard.paperwork_section
        ),
        DashboardSection(
            "report.view", "households/_dashboard_progress.html", dashboard.progress_section
        ),
    ),
    demo=demo.load,
    route_params={"household_id": demo.example_household_id, "item_id": demo.example_item_id},
)
