"""How the audit trail treats operations (capintra.features.Audited), and the actions
administration records."""

from capintra.admin.models import Operation
from capintra.features import ORD, Audited
from capintra.text import lazy_gettext as _l

AUDITED = (
    Audited(
        Operation,
        _l("Opération"),
        {
            "name": (ORD, _l("Nom")),
            "communes": (ORD, _l("Communes")),
            "procedures": (ORD, _l("Procédures")),
            "concession_ref": (ORD, _l("Référence de la concession")),
            "funders": (ORD, _l("Financeurs")),
            "priority_area": (ORD, _l("Quartier prioritaire")),
            "start_date": (ORD, _l("Début")),
            "end_date": (ORD, _l("Fin")),
            "active": (ORD, _l("Actif")),
        },
    ),
)

ACTIONS = {
    "account_unlocked": _l("Compte déverrouillé"),
    "password_reset": _l("Mot de passe réinitialisé"),
}
