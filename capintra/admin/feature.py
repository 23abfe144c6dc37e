"""Administration: accounts, operations."""

from capintra.admin import demo
from capintra.admin.models import Operation
from capintra.admin.views import bp
from capintra.features import Feature

FEATURE = Feature(
    name="admin",
    blueprints=((bp, "/admin"),),
    models=(Operation,),
    demo=demo.load,
    route_params={"op_id": demo.example_operation_id, "user_id": demo.example_user_id},
)
