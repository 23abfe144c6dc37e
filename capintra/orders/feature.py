"""Provider orders: the reference data kept by the admin (contracts, lots, amendments,
price schedules, signing delegations) and the money rules orders are built on."""

from capintra.features import Feature
from capintra.orders import demo
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
