"""Provider orders: the reference data kept by the admin (contracts, lots, amendments,
price schedules, signing delegations, the details and signature image printed on orders)
and the money rules orders are built on."""

from capintra.documents.owners import DocumentOwner
from capintra.features import DashboardSection, Feature, NavItem
from capintra.orders import dashboard, demo, names, notices, pages, personal_data, queries
from capintra.orders.classification import ACTIONS, AUDITED
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
    OrderCounter,
    OrderHousehold,
    OrderIssuer,
    OrderLine,
    PriceItem,
    PriceVersion,
    SigningDelegation,
)
from capintra.orders.ordering import bp as ordering_bp
from capintra.orders.views import bp
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="orders",
    blueprints=((bp, "/admin"), (ordering_bp, "")),
    navigation=(NavItem("ordering.index", _l("Bons de commande"), "order.view", 30),),
    dashboard_sections=(
        DashboardSection(
            "order.approve", "orders/_dashboard_approve.html", dashboard.to_approve, order=10
        ),
        DashboardSection(
            "order.approve", "orders/_dashboard_consumption.html", dashboard.consumption, order=11
        ),
        DashboardSection(
            "order.record", "orders/_dashboard_paperwork.html", dashboard.paperwork, order=12
        ),
        DashboardSection(
            "order.attest", "orders/_dashboard_attest.html", dashboard.to_attest, order=110
        ),
    ),
    models=(
        Contract,
        Lot,
        Amendment,
        PriceItem,
        PriceVersion,
        SigningDelegation,
        DelegationOperation,
        DelegationDeputy,
        OrderIssuer,
        Order,
        OrderLine,
        OrderHousehold,
        OrderCounter,
        Attestation,
        AttestationLine,
        Invoice,
    ),
    # the signature image printed on orders, reached by the admin only
    document_owners=(
        DocumentOwner(OrderIssuer, queries.get_issuer_or_404, "issuer_id"),
        DocumentOwner(Order, queries.get_order_or_404, "order_id"),
    ),
    due_notices=(notices.invoice_notices,),
    pages=(pages.PAGE, pages.CONTRACT_PAGE),
    tabs=(*pages.TABS, *pages.CONTRACT_TABS),
    audited=AUDITED,
    # bookkeeping: the number it gives is in the order's approval event
    not_audited=(OrderCounter,),
    actions=ACTIONS,
    record_names=names.NAMERS,
    demo=demo.load,
    route_params={
        "contract_id": demo.example_contract_id,
        "lot_id": demo.example_lot_id,
        "price_item_id": demo.example_price_item_id,
        "delegation_id": demo.example_delegation_id,
        "order_id": demo.example_order_id,
        "invoice_id": demo.example_invoice_id,
        "line_id": demo.example_line_id,
    },
    personal_data=(personal_data.sections,),
)
