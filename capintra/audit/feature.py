"""The audit trail: an event for every change (flush listener) and every consultation."""

from capintra.audit import changes, personal_data, purge
from capintra.audit.models import AuditEvent, AuditMaintenance
from capintra.audit.service import install_listeners
from capintra.audit.views import bp
from capintra.features import Feature, NavItem
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="audit",
    blueprints=((bp, "/audit"),),
    models=(AuditEvent, AuditMaintenance),
    setup=(
        lambda app: install_listeners(),
        lambda app: changes.install_listeners(),
        purge.install_command,
    ),
    navigation=(NavItem("audit.index", _l("Journal d’audit"), "audit.view", 50),),
    # The trail itself, and SQLite's switch that opens it (always empty, maintenance.py).
    not_audited=(AuditEvent, AuditMaintenance),
    # The household's history: its section asks to come last in the export.
    personal_data=(personal_data.sections,),
    actions={
        # Written by the flush listener for every audited model.
        "create": _l("Création"),
        "update": _l("Modification"),
        "delete": _l("Suppression"),
        "restore": _l("Restauration"),
        "purge": _l("Destruction"),
        # Recorded by several features (exports, each demo loader may record seed_demo).
        "export": _l("Export"),
        "seed_demo": _l("Données de démonstration chargées"),
        # flask purge-access-log (purge.py): the run itself, with its count.
        purge.ACTION: purge.ACTION_LABEL,
    },
)
