"""How the audit trail treats accounts (capintra.features.Audited), and the actions auth
records."""

from capintra.auth.models import User
from capintra.features import ORD, PER, SEN, Audited
from capintra.text import lazy_gettext as _l

AUDITED = (
    Audited(
        User,
        _l("Compte"),
        {
            "username": (PER, _l("Identifiant")),
            "full_name": (PER, _l("Nom complet")),
            "email": (PER, _l("Courriel")),
            "role": (ORD, _l("Rôle")),
            "is_admin": (ORD, _l("Administrateur")),
            "active": (ORD, _l("Actif")),
            "password_hash": (SEN, _l("Mot de passe")),
            "must_change_password": (ORD, _l("Mot de passe à changer")),
            "last_login_at": (ORD, _l("Dernière connexion")),
            "failed_logins": (ORD, _l("Échecs de connexion")),
            "locked_until": (ORD, _l("Verrouillé jusqu’au")),
        },
        # Explicit events (login, login_failed, account_locked…) cover them.
        silent={"last_login_at", "failed_logins", "locked_until"},
    ),
)

ACTIONS = {
    "login": _l("Connexion"),
    "login_failed": _l("Échec de connexion"),
    "logout": _l("Déconnexion"),
    "account_locked": _l("Compte verrouillé"),
    "password_changed": _l("Mot de passe changé"),
}
