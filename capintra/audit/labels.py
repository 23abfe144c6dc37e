"""French labels of audit actions and audited tables, for history views."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "create": _l("Création"),
    "update": _l("Modification"),
    "delete": _l("Suppression"),
    "restore": _l("Restauration"),
    "purge": _l("Destruction"),
    "open": _l("Ouverture du dossier"),
    "read_confidential": _l("Lecture d'un élément confidentiel"),
    "download": _l("Téléchargement"),
    "export": _l("Export"),
    "split": _l("Décohabitation"),
    "login": _l("Connexion"),
    "login_failed": _l("Échec de connexion"),
    "logout": _l("Déconnexion"),
    "account_locked": _l("Compte verrouillé"),
    "account_unlocked": _l("Compte déverrouillé"),
    "password_changed": _l("Mot de passe changé"),
    "password_reset": _l("Mot de passe réinitialisé"),
}

ENTITY_LABELS = {
    "household": _l("Dossier"),
    "member": _l("Membre"),
    "note": _l("Note"),
    "letter": _l("Courrier"),
    "document": _l("Pièce jointe"),
    "task": _l("Tâche"),
    "phase_change": _l("Étape"),
    "user_account": _l("Compte"),
    "operation": _l("Opération"),
}
