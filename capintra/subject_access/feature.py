"""Right of access (RGPD art. 15): a household's export (`/households/<id>/export`),
assembled from every feature's `personal_data` sections, the requests received with their
one-month deadline on the officers' dashboard."""

from capintra.features import DashboardSection, Feature
from capintra.subject_access import dashboard, demo, tab
from capintra.subject_access.classification import AUDITED
from capintra.subject_access.models import AccessRequest
from capintra.subject_access.views import EXPORT, bp
from capintra.text import lazy_gettext as _l
from capintra.web.pages import Tab

FEATURE = Feature(
    name="subject_access",
    blueprints=((bp, "/households"),),
    models=(AccessRequest,),
    audited=AUDITED,
    tabs=(
        Tab(
            "household",
            tab.TAB,
            _l("Droit d’accès"),
            95,
            "subject_access/_household_tab.html",
            tab.context,
            capability=EXPORT,
        ),
    ),
    dashboard_sections=(
        DashboardSection(EXPORT, "subject_access/_dashboard.html", dashboard.section, order=15),
    ),
    demo=demo.load,
    route_params={"access_request_id": demo.example_access_request_id},
)
