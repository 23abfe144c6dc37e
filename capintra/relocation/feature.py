"""Relocation: the household's wishes and the offers made to it, on the household file's
« Souhaits et propositions » tab; its temporary and final relocations on its « Relogement »
tab."""

from capintra.features import DashboardSection, Feature
from capintra.households.archive import evidence_readable
from capintra.relocation import dashboard, demo, notices, personal_data, tab
from capintra.relocation.classification import ACTIONS, AUDITED
from capintra.relocation.models import Offer, Relocation, Wishes
from capintra.relocation.views import bp
from capintra.text import lazy_gettext as _l
from capintra.web.pages import Tab

FEATURE = Feature(
    name="relocation",
    blueprints=((bp, "/households"),),
    models=(Wishes, Offer, Relocation),
    tabs=(
        Tab(
            "household",
            tab.TAB,
            _l("Souhaits et propositions"),
            60,
            "relocation/_household_offers.html",
            tab.context,
            visible=evidence_readable,
        ),
        Tab(
            "household",
            tab.RELOCATION_TAB,
            _l("Relogement"),
            70,
            "relocation/_household_relocation.html",
            tab.relocation_context,
            visible=evidence_readable,
        ),
    ),  # fmt: skip
    audited=AUDITED,
    actions=ACTIONS,
    dashboard_sections=(
        DashboardSection(
            "household.social", "relocation/_dashboard_officer.html", dashboard.officer_section
        ),
    ),
    due_notices=(notices.overdue_answer_notices,),
    personal_data=(personal_data.sections,),
    demo=demo.load,
    route_params={
        "offer_id": demo.example_offer_id,
        "relocation_id": demo.example_relocation_id,
    },
)
