"""Household files: list and search, the file and its tabs, dashboards."""

from capintra.confidentiality import Confidential
from capintra.documents.owners import DocumentOwner
from capintra.features import DashboardSection, Feature, NavItem
from capintra.households import dashboard, demo, names, notices, pages, personal_data, queries
from capintra.households.classification import ACTIONS, AUDITED, FINANCES
from capintra.households.models import (
    Household,
    HouseholdPartner,
    HouseholdSearchTerm,
    Letter,
    Member,
    Note,
    PhaseChange,
    Task,
)
from capintra.households.search import install_search_listeners
from capintra.households.views import bp
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="households",
    blueprints=((bp, "/households"),),
    models=(
        Household,
        HouseholdSearchTerm,
        Member,
        Note,
        Letter,
        Task,
        PhaseChange,
        HouseholdPartner,
    ),
    setup=(lambda app: install_search_listeners(),),
    navigation=(NavItem("households.index", _l("Ménages"), "household.view", 10),),
    confidential=(
        Confidential(Note, shared_action="note_shared"),
        # The partners involved are a social detail: not for managers (DESIGN §1).
        Confidential(HouseholdPartner, column=None, capability=FINANCES),
    ),
    pages=(pages.PAGE,),
    tabs=pages.TABS,
    document_owners=(DocumentOwner(Household, queries.get_household_or_404, "household_id"),),
    audited=AUDITED,
    not_audited=(HouseholdSearchTerm,),  # an index of Household, rebuilt from it
    actions=ACTIONS,
    record_names={"household": names.HOUSEHOLD_NAMER},
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
    due_notices=(notices.task_notices,),
    personal_data=(personal_data.sections,),
    route_params={"household_id": demo.example_household_id, "item_id": demo.example_item_id},
)
