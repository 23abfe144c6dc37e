"""Administration: accounts, operations."""

from capintra.admin import demo
from capintra.admin.classification import ACTIONS, AUDITED
from capintra.admin.models import Operation
from capintra.admin.views import bp
from capintra.features import Feature, NavItem
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="admin",
    blueprints=((bp, "/admin"),),
    models=(Operation,),
    navigation=(NavItem("admin.users", _l("Administration"), "admin.manage", 60),),
    audited=AUDITED,
    actions=ACTIONS,
    demo=demo.load,
    route_params={"op_id": demo.example_operation_id, "user_id": demo.example_user_id},
)
