"""How the audit trail treats the orders' reference data (capintra.features.Audited)."""

from capintra.features import HIDDEN, ORD, PER, Audited
from capintra.orders.models import (
    Amendment,
    Attestation,
    AttestationLine,
    Contract,
    DelegationDeputy,
    DelegationOperation,
    Invoice,
    Lot,
    Order,
    OrderHousehold,
    OrderIssuer,
    OrderLine,
    PriceItem,
    PriceVersion,
    SigningDelegation,
)
from capintra.text import lazy_gettext as _l

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


#: Columns the lifecycle's explicit events (`order_<transition>`) cover, and the totals the
#: server recomputes after every line: a change of these alone makes no update event.
_LIFECYCLE = frozenset({
    "status", "number", "number_year", "number_seq", "ordered_on", "submitted_by_id",
    "submitted_on", "decided_by_id", "on_behalf_of_id", "delegation_id", "rejection_reason",
    "cancel_reason", "cancelled_on", "notified_on", "notified_channel",
    "settled_excl_vat_cents", "settled_on", "total_excl_vat_cents", "vat_cents",
    "total_incl_vat_cents", "vat_exempt", "vat_rate_bp",
})  # fmt: skip

AUDITED += (
    Audited(
        Order,
        _l("Bon de commande"),
        {
            "lot_id": (ORD, _l("Lot")),
            "operation_id": (ORD, _l("Opération")),
            "status": (ORD, _l("État")),
            "place": (ORD, _l("Lieu d’exécution")),
            "execution_start": (ORD, _l("Début d’exécution")),
            "execution_end": (ORD, _l("Fin d’exécution")),
            "budget_line": (ORD, _l("Ligne budgétaire")),
            "number": (ORD, _l("Numéro")),
            "number_year": (ORD, HIDDEN),
            "number_seq": (ORD, HIDDEN),
            "ordered_on": (ORD, _l("Date du bon")),
            "total_excl_vat_cents": (ORD, _l("Total HT (centimes)")),
            "vat_cents": (ORD, _l("TVA (centimes)")),
            "total_incl_vat_cents": (ORD, _l("Total TTC (centimes)")),
            "vat_exempt": (ORD, _l("Exonéré de TVA")),
            "vat_rate_bp": (ORD, _l("Taux de TVA (points de base)")),
            "drafted_by_id": (ORD, _l("Rédigé par")),
            "submitted_by_id": (ORD, _l("Soumis par")),
            "submitted_on": (ORD, _l("Soumis le")),
            "decided_by_id": (ORD, _l("Décision par")),
            "on_behalf_of_id": (ORD, _l("Pour le compte de")),
            "delegation_id": (ORD, _l("Délégation")),
            "rejection_reason": (ORD, _l("Motif du rejet")),
            "cancel_reason": (ORD, _l("Motif de l’annulation")),
            "cancelled_on": (ORD, _l("Annulé le")),
            "notified_on": (ORD, _l("Notifié le")),
            "notified_channel": (ORD, _l("Moyen de notification")),
            "settled_excl_vat_cents": (ORD, _l("Montant soldé HT (centimes)")),
            "settled_on": (ORD, _l("Soldé le")),
        },
        silent=_LIFECYCLE,
        event_fields={
            "reason": _l("Motif"),
            "channel": _l("Moyen"),
            "attested_by_id": _l("Attesté par"),
            "attested_on": _l("Date du service fait"),
            "final": _l("Dernier"),
            "invoice": _l("Facture"),
            "excl_vat_cents": _l("Montant HT (centimes)"),
            "released_cents": _l("Engagement libéré (centimes)"),
        },
    ),
    Audited(
        OrderLine,
        _l("Ligne de bon de commande"),
        {
            "order_id": (ORD, _l("Bon")),
            "price_item_id": (ORD, _l("Prestation")),
            "price_version_id": (ORD, _l("Prix appliqué")),
            "quantity_centi": (ORD, _l("Quantité (centièmes)")),
            "unit_price_cents": (ORD, _l("Prix unitaire HT (centimes)")),
            "total_cents": (ORD, _l("Total HT (centimes)")),
        },
    ),
    Audited(
        OrderHousehold,
        _l("Ménage concerné par un bon"),
        {"order_id": (ORD, _l("Bon")), "household_id": (ORD, _l("Ménage"))},
    ),
    Audited(
        Attestation,
        _l("Service fait"),
        {
            "order_id": (ORD, _l("Bon")),
            "attested_on": (ORD, _l("Date")),
            "attested_by_id": (ORD, _l("Attesté par")),
            "recorded_by_id": (ORD, _l("Saisi par")),
            "final": (ORD, _l("Prestation terminée")),
            "comment": (PER, _l("Commentaire")),
        },
    ),
    Audited(
        AttestationLine,
        _l("Ligne de service fait"),
        {
            "attestation_id": (ORD, _l("Service fait")),
            "line_id": (ORD, _l("Ligne du bon")),
            "quantity_centi": (ORD, _l("Quantité (centièmes)")),
            "amount_cents": (ORD, _l("Montant HT (centimes)")),
        },
    ),
    Audited(
        Invoice,
        _l("Facture"),
        {
            "order_id": (ORD, _l("Bon")),
            "number": (ORD, _l("Numéro")),
            "received_on": (ORD, _l("Reçue le")),
            "excl_vat_cents": (ORD, _l("Montant HT (centimes)")),
            "vat_cents": (ORD, _l("TVA (centimes)")),
            "incl_vat_cents": (ORD, _l("Montant TTC (centimes)")),
            "due_on": (ORD, _l("Échéance")),
            "paid_on": (ORD, _l("Payée le")),
            "suspended_since": (ORD, _l("Suspendue depuis")),
            "suspension_reason": (ORD, _l("Motif de la suspension")),
            "final": (ORD, _l("Dernière facture")),
        },
    ),
)

ACTIONS: dict = {
    "order_submit": _l("Bon soumis à l’approbation"),
    "order_approve": _l("Bon approuvé et numéroté"),
    "order_reject": _l("Bon rejeté (renvoyé en brouillon)"),
    "order_cancel": _l("Bon annulé"),
    "order_notify": _l("Bon notifié au titulaire"),
    "order_attest": _l("Service fait attesté"),
    "order_invoice": _l("Facture enregistrée"),
    "order_settle": _l("Bon soldé"),
}
