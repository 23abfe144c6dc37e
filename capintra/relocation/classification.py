"""How the audit trail treats wishes and offers (capintra.features.Audited). The rent and
charges of an offer, and the maximum rent wished for, are individual finances: read like
the household's (DESIGN §1, managers see no individual finances)."""

from flask_babel import lazy_gettext as _l

from capintra.features import HIDDEN, ORD, PER, Audited
from capintra.households.classification import FINANCES
from capintra.relocation.models import Offer, Wishes

OFFER_FINANCES = frozenset({"rent_cents", "charges_cents"})
WISHES_FINANCES = frozenset({"max_rent_cents"})

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
)

ACTIONS: dict = {}
