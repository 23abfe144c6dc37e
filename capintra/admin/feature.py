"""Administration: accounts, operations."""

from flask_babel import lazy_gettext as _l

from capintra.admin.classification import ACTIONS, AUDITED
from capintra.admin.models import Operation
from capintra.admin.views import bp
from capintra.features import Feature, NavItem

FEATURE = Feature(
    name="admin",
    blueprints=((bp, "/admin"),),
    models=(Operation,),
    navigation=(NavItem("admin.users", _l("Administration"), "admin.manage", 60),),
    audited=AUDITED,
    actions=ACTIONS,
)
