"""What belongs to no feature: the dashboard (which shows the features' sections) and
the health check."""

from capintra.features import Feature, NavItem
from capintra.text import lazy_gettext as _l
from capintra.web import bp

FEATURE = Feature(
    name="web",
    blueprints=((bp, None),),
    navigation=(NavItem("web.dashboard", _l("Tableau de bord"), "dashboard.view", 0),),
)
