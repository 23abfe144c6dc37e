"""How the audit trail treats wishes and offers (capintra.features.Audited). The rent and
charges of an offer, and the maximum rent wished for, are individual finances: read like
the household's (DESIGN §1, managers see no individual finances)."""

from capintra.features import HIDDEN, ORD, PER, Audited
from capintra.households.classification import FINANCES
from capintra.relocation.models import Offer, Relocation, Wishes
from capintra.text import lazy_gettext as _l

OFFER_FINANCES = frozenset({"rent_cents", "charges_cents"})
WISHES_FINANCES = frozenset({"max_rent_cents"})
RELOCATION_FINANCES = frozenset(
    {
        "rent_cents",
        "charges_cents",
        "apl_cents",
        "before_rent_cents",
        "before_charges_cents",
        "before_apl_cents",
        "resources_cents",
    }
)

AUDITED = (
    Audited(
        Wishes,
        _l("Souhaits de relogement"),
        {
            "household_id": (ORD, HIDDEN),
            "communes": (ORD, _l("Communes souhaitées")),
            "unit_type": (ORD, _l("Type de logement")),
            "max_rent_cents": (PER, _l("Loyer maximum")),
            "max_floor": (ORD, _l("Étage maximum")),
            "lift_required": (ORD, _l("Ascenseur nécessaire")),
            "preferred_landlord_id": (ORD, _l("Bailleur souhaité")),
            "note": (PER, _l("Précisions")),
        },
        restricted={FINANCES: WISHES_FINANCES},
    ),
    Audited(
        Offer,
        _l("Proposition de logement"),
        {
            "household_id": (ORD, HIDDEN),
            "formal": (ORD, _l("Proposition formelle")),
            "sent_on": (ORD, _l("Envoyée le")),
            "channel": (ORD, _l("Mode d’envoi")),
            "acknowledged_on": (ORD, _l("Accusé de réception le")),
            "answer_deadline": (ORD, _l("Réponse attendue avant le")),
            "landlord_id": (ORD, _l("Bailleur")),
            "reservation_holder_id": (ORD, _l("Réservataire")),
            # the household's future home address, like Household.address
            "address": (PER, _l("Adresse du logement proposé")),
            "commune": (ORD, _l("Commune")),
            "priority_neighbourhood": (ORD, _l("Quartier prioritaire")),
            "unit_type": (ORD, _l("Type de logement")),
            "surface_dm2": (ORD, _l("Surface")),
            "financing": (ORD, _l("Financement")),
            "year_built": (ORD, _l("Année de construction ou de conventionnement")),
            "rent_cents": (PER, _l("Loyer")),
            "charges_cents": (PER, _l("Charges")),
            "visit_on": (ORD, _l("Visite le")),
            "caleol_on": (ORD, _l("CALEOL le")),
            "caleol_decision": (ORD, _l("Décision de la CALEOL")),
            "answer": (ORD, _l("Réponse du ménage")),
            "answered_on": (ORD, _l("Réponse le")),
            "refusal_reason": (ORD, _l("Motif du refus")),
            "refusal_note": (PER, _l("Précisions sur le refus")),
        },
        restricted={FINANCES: OFFER_FINANCES},
    ),
    Audited(
        Relocation,
        _l("Relogement"),
        {
            "household_id": (ORD, HIDDEN),
            "kind": (ORD, _l("Type de relogement")),
            "offer_id": (ORD, _l("Proposition")),
            "relocated_on": (ORD, _l("Relogé le")),
            "keys_on": (ORD, _l("Remise des clés le")),
            "address": (PER, _l("Adresse du nouveau logement")),
            "commune": (ORD, _l("Commune")),
            "landlord_id": (ORD, _l("Bailleur")),
            "reservation_holder_id": (ORD, _l("Réservataire")),
            "sector": (ORD, _l("Secteur")),
            "unit_type": (ORD, _l("Type de logement")),
            "surface_dm2": (ORD, _l("Surface")),
            "rent_cents": (PER, _l("Loyer")),
            "charges_cents": (PER, _l("Charges")),
            "apl_cents": (PER, _l("APL")),
            "new_social_housing": (ORD, _l("Logement social neuf ou de moins de 5 ans")),
            "priority_neighbourhood": (ORD, _l("Quartier prioritaire")),
            "on_site": (ORD, _l("Relogé sur site")),
            "rent_reduction_grant": (ORD, _l("Éligible à la minoration de loyer")),
            "right_to_return": (ORD, _l("Droit au retour")),
            "ended_on": (ORD, _l("Fin du relogement temporaire")),
            "unit_id": (ORD, _l("Logement de l’opération")),
            "before_rent_cents": (PER, _l("Loyer avant")),
            "before_charges_cents": (PER, _l("Charges avant")),
            "before_apl_cents": (PER, _l("APL avant")),
            "before_surface_dm2": (ORD, _l("Surface avant")),
            "resources_cents": (PER, _l("Ressources mensuelles")),
            "satisfaction": (PER, _l("Satisfaction")),
            "survey_on": (ORD, _l("Enquête de satisfaction le")),
            "survey_note": (PER, _l("Commentaire de l’enquête")),
        },
        restricted={FINANCES: RELOCATION_FINANCES},
        derived={
            "remaining_before_cents": (
                _l("Reste à charge avant"),
                ("before_rent_cents", "before_charges_cents", "before_apl_cents"),
            ),
            "remaining_after_cents": (
                _l("Reste à charge après"),
                ("rent_cents", "charges_cents", "apl_cents"),
            ),
            "effort_before": (
                _l("Taux d’effort avant"),
                (
                    "before_rent_cents",
                    "before_charges_cents",
                    "before_apl_cents",
                    "resources_cents",
                ),
            ),
            "effort_after": (
                _l("Taux d’effort après"),
                ("rent_cents", "charges_cents", "apl_cents", "resources_cents"),
            ),
        },
    ),
)

ACTIONS: dict = {}
