"""How the audit trail treats the orders' reference data (capintra.features.Audited)."""

from flask_babel import lazy_gettext as _l

from capintra.features import ORD, PER, Audited
from capintra.orders.models import (
    Amendment,
    Contract,
    DelegationDeputy,
    DelegationOperation,
    Lot,
    OrderIssuer,
    PriceItem,
    PriceVersion,
    SigningDelegation,
)

AUDITED = (
    Audited(
        Contract,
        _l("Accord-cadre"),
        {
            "reference": (ORD, _l("Référence")),
            "title": (ORD, _l("Intitulé")),
            "notified_on": (ORD, _l("Date de notification")),
            "start_date": (ORD, _l("Début")),
            "end_date": (ORD, _l("Fin")),
            "renewals": (ORD, _l("Reconductions")),
            "payment_days": (ORD, _l("Délai de paiement (jours)")),
            "vat_exempt": (ORD, _l("Exonéré de TVA")),
            "vat_rate_bp": (ORD, _l("Taux de TVA (points de base)")),
        },
    ),
    Audited(
        Lot,
        _l("Lot"),
        {
            "contract_id": (ORD, _l("Accord-cadre")),
            "number": (ORD, _l("Numéro")),
            "title": (ORD, _l("Intitulé")),
            "provider_id": (ORD, _l("Titulaire")),
            "minimum_cents": (ORD, _l("Minimum HT (centimes)")),
            "maximum_cents": (ORD, _l("Maximum HT (centimes)")),
        },
    ),
    Audited(
        Amendment,
        _l("Avenant"),
        {
            "lot_id": (ORD, _l("Lot")),
            "reference": (ORD, _l("Référence")),
            "signed_on": (ORD, _l("Date")),
            "new_maximum_cents": (ORD, _l("Nouveau maximum HT (centimes)")),
            "reason": (ORD, _l("Motif")),
        },
    ),
    Audited(
        PriceItem,
        _l("Ligne du bordereau de prix"),
        {
            "lot_id": (ORD, _l("Lot")),
            "code": (ORD, _l("Code")),
            "label": (ORD, _l("Libellé")),
            "unit": (ORD, _l("Unité")),
        },
    ),
    Audited(
        PriceVersion,
        _l("Prix unitaire"),
        {
            "price_item_id": (ORD, _l("Ligne du bordereau")),
            "valid_from": (ORD, _l("En vigueur à partir du")),
            "unit_price_cents": (ORD, _l("Prix unitaire HT (centimes)")),
        },
    ),
    Audited(
        SigningDelegation,
        _l("Délégation de signature"),
        {
            "user_id": (ORD, _l("Délégataire")),
            "all_operations": (ORD, _l("Toutes les opérations")),
            "maximum_cents": (ORD, _l("Montant maximum HT par bon (centimes)")),
            "start_date": (ORD, _l("Début")),
            "end_date": (ORD, _l("Fin")),
            "act_reference": (ORD, _l("Référence de l’acte")),
        },
    ),
    Audited(
        DelegationOperation,
        _l("Opération couverte par une délégation"),
        {
            "delegation_id": (ORD, _l("Délégation")),
            "operation_id": (ORD, _l("Opération")),
        },
    ),
    Audited(
        DelegationDeputy,
        _l("Suppléant d’une délégation"),
        {
            "delegation_id": (ORD, _l("Délégation")),
            "user_id": (ORD, _l("Suppléant")),
            "start_date": (ORD, _l("Début")),
            "end_date": (ORD, _l("Fin")),
        },
    ),
    Audited(
        OrderIssuer,
        _l("Coordonnées imprimées sur les bons"),
        {
            "name": (ORD, _l("Nom")),
            "address": (ORD, _l("Adresse")),
            "siret": (ORD, _l("SIRET")),
            "signatory_name": (PER, _l("Signataire")),
            "signatory_title": (ORD, _l("Qualité du signataire")),
            "signature_document_id": (ORD, _l("Image de la signature")),
        },
    ),
)

ACTIONS: dict = {}
