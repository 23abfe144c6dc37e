"""French labels of audit actions and audited tables, for history views."""

import datetime as dt

from flask_babel import lazy_gettext as _l

from capintra.extensions import db
from capintra.web.formatting import date_fr, datetime_fr

ACTION_LABELS = {
    "create": _l("Création"),
    "update": _l("Modification"),
    "delete": _l("Suppression"),
    "restore": _l("Restauration"),
    "note_shared": _l("Note partagée"),
    "document_shared": _l("Pièce jointe partagée"),
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
    "split_from_id": _l("Issu de la décohabitation de"),
    "preferred_language": _l("Langue préférée"),
    "years_in_home": _l("Années dans le logement"),
    "privacy_notice_date": _l("Notice d'information remise le"),
    "rehousing_bearer": _l("Qui porte l'obligation de relogement"),
    "monthly_resources_cents": _l("Ressources mensuelles"),
    "tax_reference_income_cents": _l("Revenu fiscal de référence"),
    "rent_cents": _l("Loyer"),
    "charges_cents": _l("Charges"),
    "apl_cents": _l("APL"),
    "caf_number": _l("Numéro d'allocataire CAF"),
    "other_benefits": _l("Autres prestations"),
    "arrears_cents": _l("Dette locative"),
    "repayment_plan": _l("Plan d'apurement"),
    "fsl": _l("FSL"),
    "ccapex_referral": _l("Saisine de la CCAPEX"),
    "numero_unique": _l("Numéro unique"),
    "numero_unique_renewal": _l("Renouvellement du numéro unique"),
    "partners": _l("Partenaires"),
    "needs_ground_floor": _l("Besoin : rez-de-chaussée"),
    "needs_lift": _l("Besoin : ascenseur"),
    "needs_adapted": _l("Besoin : logement adapté"),
    "committee_blocking_point": _l("Point de blocage"),
    "in_home_since": _l("Dans le logement depuis"),
    "employment": _l("Situation professionnelle"),
    "disability_need": _l("Besoin lié au handicap"),
    "split_to_id": _l("Dossier issu de la décohabitation"),
    "new_household_id": _l("Nouveau dossier"),
    "author_id": _l("Auteur"),
    "document_id": _l("Pièce jointe"),
    "done_at": _l("Faite le"),
    "original_name": _l("Nom du fichier"),
    "content_type": _l("Type de fichier"),
    "size": _l("Taille"),
    "delete_after_use": _l("À supprimer après instruction"),
    "uploaded_by_id": _l("Déposée par"),
    "purged_at": _l("Contenu détruit le"),
    "full_name": _l("Nom complet"),
    "username": _l("Identifiant"),
    "must_change_password": _l("Mot de passe à changer"),
    "communes": _l("Communes"),
    "procedures": _l("Procédures"),
    "concession_ref": _l("Référence de la concession"),
    "funders": _l("Financeurs"),
    "priority_area": _l("Quartier prioritaire"),
    "start_date": _l("Début"),
    "end_date": _l("Fin"),
    "at": _l("Date"),
    "by_id": _l("Par"),
    "from_phase": _l("Étape de départ"),
    "to_phase": _l("Nouvelle étape"),
    "reason": _l("Motif"),
    "failed_logins": _l("Échecs de connexion"),
    "last_login_at": _l("Dernière connexion"),
    "locked_until": _l("Verrouillé jusqu'au"),
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
