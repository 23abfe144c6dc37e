"""The audit trail: an event for every change (flush listener) and every consultation."""

from flask_babel import lazy_gettext as _l

from capintra.audit.models import AuditEvent
from capintra.audit.service import install_listeners
from capintra.audit.views import bp
from capintra.features import Feature, NavItem

FEATURE = Feature(
    name="audit",
    blueprints=((bp, "/audit"),),
    models=(AuditEvent,),
    setup=(lambda app: install_listeners(),),
    navigation=(NavItem("audit.index", _l("Journal d'audit"), "audit.view", 50),),
)
