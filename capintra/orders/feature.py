"""Provider orders: the reference data kept by the admin (contracts, lots, amendments,
price schedules, signing delegations, the details and signature image printed on orders)
and the money rules orders are built on."""

from capintra.documents.owners import DocumentOwner
from capintra.features import Feature
from capintra.orders import demo, queries
from capintra.orders.classification import ACTIONS, AUDITED
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
from capintra.orders.views import bp

FEATURE = Feature(
    name="orders",
    blueprints=((bp, "/admin"),),
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
    ),
    # the signature image printed on orders, reached by the admin only
    document_owners=(DocumentOwner(OrderIssuer, queries.get_issuer_or_404, "issuer_id"),),
    audited=AUDITED,
    actions=ACTIONS,
    demo=demo.load,
    route_params={
        "contract_id": demo.example_contract_id,
        "lot_id": demo.example_lot_id,
        "price_item_id": demo.example_price_item_id,
        "delegation_id": demo.example_delegation_id,
    },
)
