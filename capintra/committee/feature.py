"""The follow-up committee (issue 11, item 4): /committee/, its print version, and the
decision per file. The decision is the household's own column: the household's audit
classification covers it."""

from capintra.committee.views import bp
from capintra.features import Feature, NavItem
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="committee",
    blueprints=((bp, "/committee"),),
    navigation=(NavItem("committee.index", _l("Comité de suivi"), "report.view", 45),),
)
