"""Spreadsheet import: upload → preview → commit, the template, the recent imports."""

from capintra.features import DashboardSection, Feature, NavItem
from capintra.imports import dashboard, demo, examples
from capintra.imports.classification import ACTIONS, AUDITED
from capintra.imports.models import ImportBatch
from capintra.imports.views import bp
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="imports",
    blueprints=((bp, "/import"),),
    models=(ImportBatch,),
    navigation=(NavItem("imports.index", _l("Importer"), "building.edit", 25),),
    dashboard_sections=(
        DashboardSection("building.edit", "imports/_dashboard.html", dashboard.recent_section),
    ),
    audited=AUDITED,
    actions=ACTIONS,
    route_params={"batch_id": examples.example_batch_id},
    demo=demo.load,
)
