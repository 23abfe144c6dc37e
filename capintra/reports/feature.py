"""Reports: the relocation report (per operation, building and in total), its diffusion
version, CSV/XLSX exports and SVG charts, and the relocation indicators of the managers'
dashboard."""

from capintra.features import DashboardSection, Feature, NavItem
from capintra.reports import dashboard
from capintra.reports.views import bp
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="reports",
    blueprints=((bp, "/reports"),),
    navigation=(NavItem("reports.relocation", _l("Rapports"), "report.view", 40),),
    dashboard_sections=(
        DashboardSection(
            "report.view", "reports/_dashboard_relocation.html", dashboard.section, order=20
        ),
    ),
    route_params={},  # no URL variable: filters are query arguments
)
