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
    "seed_demo": _l("Données de démonstration chargées"),
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

#: Columns never worth showing in a history (bookkeeping).
HIDDEN_FIELDS = frozenset(
    {"id", "version", "created_at", "updated_at", "household_id", "ref_year", "ref_number",
     "sort_name", "storage_name", "checksum"}
)  # fmt: skip

FIELD_LABELS = {
    "reference": _l("Référence"),
    "name": _l("Nom"),
    "address": _l("Adresse"),
    "commune": _l("Commune"),
    "phone": _l("Téléphone"),
    "email": _l("Courriel"),
    "operation_id": _l("Opération"),
    "officer_id": _l("Référent(e)"),
    "phase": _l("Étape"),
    "outcome": _l("Issue"),
    "closed_at": _l("Clos le"),
    "rehousing_right": _l("Droit au relogement"),
    "rehousing_basis": _l("Fondement du droit"),
    "committee_flag": _l("Comité de suivi"),
    "committee_decision": _l("Décision du comité"),
    "health_details": _l("Santé"),
    "vulnerability_details": _l("Vulnérabilités"),
    "last_name": _l("Nom"),
    "first_name": _l("Prénom"),
    "birth_date": _l("Date de naissance"),
    "relation": _l("Lien"),
    "lease_holder": _l("Titulaire du bail"),
    "left_at": _l("Parti le"),
    "kind": _l("Type"),
    "note_date": _l("Date"),
    "body": _l("Texte"),
    "confidential": _l("Confidentiel"),
    "letter_date": _l("Date"),
    "direction": _l("Sens"),
    "channel": _l("Mode d'envoi"),
    "acknowledged_on": _l("Accusé de réception"),
    "subject": _l("Objet"),
    "title": _l("Intitulé"),
    "due_date": _l("Échéance"),
    "assignee_id": _l("Attribuée à"),
    "done": _l("Faite"),
    "deleted_at": _l("Supprimé le"),
    "role": _l("Rôle"),
    "active": _l("Actif"),
    "is_admin": _l("Administrateur"),
    "password_hash": _l("Mot de passe"),
}


def _display_value(table, field: str, value):
    """A stored value as users read it: enum labels, French dates, oui/non."""
    import datetime as dt

    from capintra.web.formatting import date_fr, datetime_fr

    if value is None:
        return "∅"
    if isinstance(value, bool):
        return str(_l("oui") if value else _l("non"))
    column = table.columns.get(field) if table is not None else None
    enum_class = getattr(getattr(column, "type", None), "enum_class", None)
    if enum_class is not None:
        try:
            return getattr(enum_class(value), "label", value)
        except ValueError:
            return value
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                return date_fr(dt.date.fromisoformat(value))
            return datetime_fr(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def present_changes(event, changes: dict | None = None) -> list[tuple[str, object, object, bool]]:
    """(label, old, new, has_values) rows for an event (or the given subset of its changes)."""
    from capintra.extensions import db

    changes = event.changes if changes is None else changes
    if not changes:
        return []
    table = db.metadata.tables.get(event.entity_type or "")
    rows = []
    for field, values in changes.items():
        if field in HIDDEN_FIELDS:
            continue
        label = str(FIELD_LABELS.get(field, field))
        if values is None or event.action == "create":
            rows.append((label, None, None, False))
        else:
            old, new = values
            rows.append(
                (label, _display_value(table, field, old), _display_value(table, field, new), True)
            )
    return rows
