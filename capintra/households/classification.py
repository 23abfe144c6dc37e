"""How the audit trail treats household files (capintra.features.Audited): every
column's class (ordinary, personal, sensitive) and French label; and the actions the
feature records."""

from capintra.features import HIDDEN, ORD, PER, SEN, Audited
from capintra.households.models import (
    Household,
    HouseholdPartner,
    Letter,
    Member,
    Note,
    PhaseChange,
    Task,
)
from capintra.text import lazy_gettext as _l

#: Who reads what on a file (DESIGN §1, "Who sees what, precisely"): the health data
#: behind a housing need is officers' only; individual finances and social details are
#: not for managers. For those without the capability the fields do not exist.
CONFIDENTIAL = "household.confidential"
FINANCES = "household.finances"
HOUSEHOLD_FINANCES = frozenset(
    {"monthly_resources_cents", "tax_reference_income_cents", "caf_number", "other_benefits",
     "arrears_cents", "repayment_plan", "fsl", "ccapex_referral", "partners_note"}
)  # fmt: skip

#: The occupancy period's amounts (another feature's table, named: not imported).
OCCUPANCY_COSTS = ("occupancy.rent_cents", "occupancy.charges_cents", "occupancy.apl_cents")

AUDITED = (
    Audited(
        Household,
        _l("Dossier"),
        {
            "reference": (ORD, _l("Référence")),
            "ref_year": (ORD, HIDDEN),
            "ref_number": (ORD, HIDDEN),
            "operation_id": (ORD, _l("Opération")),
            "officer_id": (ORD, _l("Référent(e)")),
            "split_from_id": (ORD, _l("Issu de la décohabitation de")),
            "name": (PER, _l("Nom")),
            "sort_name": (PER, HIDDEN),
            "address": (PER, _l("Adresse")),
            "commune": (ORD, _l("Commune")),
            "phone": (PER, _l("Téléphone")),
            "email": (PER, _l("Courriel")),
            "preferred_language": (PER, _l("Langue préférée")),
            "years_in_home": (PER, _l("Années dans le logement")),
            "privacy_notice_date": (ORD, _l("Notice d’information remise le")),
            "phase": (ORD, _l("Étape")),
            "outcome": (ORD, _l("Issue")),
            "closed_at": (ORD, _l("Clos le")),
            "rehousing_right": (ORD, _l("Droit au relogement")),
            "rehousing_basis": (ORD, _l("Fondement du droit")),
            "rehousing_bearer": (ORD, _l("Qui porte l’obligation de relogement")),
            "monthly_resources_cents": (PER, _l("Ressources mensuelles")),
            "tax_reference_income_cents": (PER, _l("Revenu fiscal de référence")),
            "caf_number": (PER, _l("Numéro d’allocataire CAF")),
            "other_benefits": (PER, _l("Autres prestations")),
            "arrears_cents": (PER, _l("Dette locative")),
            "repayment_plan": (PER, _l("Plan d’apurement")),
            "fsl": (PER, _l("FSL")),
            "ccapex_referral": (PER, _l("Saisine de la CCAPEX")),
            "numero_unique": (PER, _l("Numéro unique")),
            "numero_unique_renewal": (ORD, _l("Renouvellement du numéro unique")),
            "partners_note": (PER, _l("Intervenants : précisions")),
            "needs_ground_floor": (ORD, _l("Besoin : rez-de-chaussée")),
            "needs_lift": (ORD, _l("Besoin : ascenseur")),
            "needs_adapted": (ORD, _l("Besoin : logement adapté")),
            "health_details": (SEN, _l("Santé")),
            "vulnerability_details": (SEN, _l("Vulnérabilités")),
            "alert_codes": (ORD, _l("Alerte")),
            "alert_note": (ORD, _l("Alerte (texte libre)")),
            "committee_flag": (ORD, _l("Comité de suivi")),
            "committee_blocking_point": (PER, _l("Point de blocage")),
            "committee_decision": (PER, _l("Décision du comité")),
        },
        silent={"sort_name"},  # follows name
        event_fields={"new_household_id": _l("Nouveau dossier")},  # the split event
        restricted={
            CONFIDENTIAL: frozenset({"health_details", "vulnerability_details"}),
            FINANCES: HOUSEHOLD_FINANCES,
        },
        # Computed from the rent, charges and APL of the household's current principal
        # occupancy period (capintra.housing), read like them.
        derived={
            "remaining_charge_cents": (_l("Reste à charge"), OCCUPANCY_COSTS),
            "effort_rate": (_l("Taux d’effort"), (*OCCUPANCY_COSTS, "monthly_resources_cents")),
        },
    ),
    Audited(
        Member,
        _l("Membre"),
        {
            "household_id": (ORD, HIDDEN),
            "last_name": (PER, _l("Nom")),
            "first_name": (PER, _l("Prénom")),
            "birth_date": (PER, _l("Date de naissance")),
            "relation": (ORD, _l("Lien")),
            "lease_holder": (ORD, _l("Titulaire du bail")),
            "in_home_since": (PER, _l("Dans le logement depuis")),
            "employment": (PER, _l("Situation professionnelle")),
            "disability_need": (SEN, _l("Besoin lié au handicap")),
            "left_at": (ORD, _l("Parti le")),
            "split_to_id": (ORD, _l("Dossier issu de la décohabitation")),
        },
        restricted={CONFIDENTIAL: frozenset({"disability_need"})},
    ),
    Audited(
        Note,
        _l("Note"),
        {
            "household_id": (ORD, HIDDEN),
            "kind": (ORD, _l("Type")),
            "note_date": (ORD, _l("Date")),
            "body": (SEN, _l("Texte")),
            "author_id": (ORD, _l("Auteur")),
            "confidential": (ORD, _l("Confidentiel")),
        },
    ),
    Audited(
        Letter,
        _l("Courrier"),
        {
            "household_id": (ORD, HIDDEN),
            "letter_date": (ORD, _l("Date")),
            "direction": (ORD, _l("Sens")),
            "channel": (ORD, _l("Mode d’envoi")),
            "tracking_number": (ORD, _l("Numéro de recommandé")),
            "acknowledged_on": (ORD, _l("Accusé de réception")),
            "delivery_outcome": (ORD, _l("Distribution")),
            "subject": (PER, _l("Objet")),
            "document_id": (ORD, _l("Pièce jointe")),
        },
    ),
    Audited(
        Task,
        _l("Tâche"),
        {
            "household_id": (ORD, HIDDEN),
            "kind": (ORD, _l("Type")),
            "title": (PER, _l("Intitulé")),
            "due_date": (ORD, _l("Échéance")),
            "assignee_id": (ORD, _l("Attribuée à")),
            "done": (ORD, _l("Faite")),
            "done_at": (ORD, _l("Faite le")),
        },
    ),
    # Every row is hidden from whoever may not read the finances (feature.py: a
    # Confidential rule without a column): the organisation it names may be kept.
    Audited(
        HouseholdPartner,
        _l("Intervenant"),
        {
            "household_id": (ORD, HIDDEN),
            "organisation_id": (ORD, _l("Organisme")),
        },
    ),
    Audited(
        PhaseChange,
        _l("Étape"),
        {
            "household_id": (ORD, HIDDEN),
            "from_phase": (ORD, _l("Étape de départ")),
            "to_phase": (ORD, _l("Nouvelle étape")),
            "outcome": (ORD, _l("Issue")),
            "reason": (PER, _l("Motif")),
            "at": (ORD, _l("Date")),
            "by_id": (ORD, _l("Par")),
        },
    ),
)

ACTIONS = {
    "open": _l("Ouverture du dossier"),
    "read_confidential": _l("Lecture d’un élément confidentiel"),
    "note_shared": _l("Note partagée"),
    "split": _l("Décohabitation"),
}
