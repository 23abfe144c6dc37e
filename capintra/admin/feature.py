"""Administration: accounts, operations."""

from capintra.admin.classification import ACTIONS, AUDITED
from capintra.admin.models import Operation
from capintra.admin.views import bp
from capintra.features import Feature

FEATURE = Feature(
    name="admin",
    blueprints=((bp, "/admin"),),
    models=(Operation,),
    audited=AUDITED,
    actions=ACTIONS,
)
