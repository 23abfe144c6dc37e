"""Factories for the orders' tests: reference data with sensible defaults, committed."""

from __future__ import annotations

import itertools
from datetime import date

from capintra.extensions import db
from capintra.orders.models import (
    Amendment,
    Contract,
    DelegationDeputy,
    DelegationOperation,
    Lot,
    OrderIssuer,
    PriceItem,
    PriceUnit,
    PriceVersion,
    SigningDelegation,
)
from tests import factories
from tests.organisations import make as orgs

_seq = itertools.count(1)


def _committed(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def contract(**kw) -> Contract:
    n = next(_seq)
    values = dict(
        reference=f"AC-T-{n}", title=f"Accord-cadre {n}", start_date=date(2026, 1, 1),
        end_date=date(2028, 12, 31), vat_exempt=False, vat_rate_bp=2000,
    )  # fmt: skip
    values.update(kw)
    return _committed(Contract(**values))


def lot(contract_obj: Contract | None = None, **kw) -> Lot:
    values = dict(number=1, title="Accompagnement", minimum_cents=0, maximum_cents=10_000_00)
    values.update(kw)
    values.setdefault("provider_id", orgs.organisation().id)
    return _committed(Lot(contract_id=(contract_obj or contract()).id, **values))


def amendment(lot_obj: Lot | None = None, **kw) -> Amendment:
    values = dict(reference="Avenant 1", signed_on=date(2026, 6, 1), new_maximum_cents=12_000_00)
    values.update(kw)
    return _committed(Amendment(lot_id=(lot_obj or lot()).id, **values))


def price_item(lot_obj: Lot | None = None, **kw) -> PriceItem:
    values = dict(code="DIAG", label="Diagnostic social", unit=PriceUnit.PER_HOUSEHOLD)
    values.update(kw)
    return _committed(PriceItem(lot_id=(lot_obj or lot()).id, **values))


def price_version(item: PriceItem | None = None, **kw) -> PriceVersion:
    values = dict(valid_from=date(2026, 1, 1), unit_price_cents=450_00)
    values.update(kw)
    return _committed(PriceVersion(price_item_id=(item or price_item()).id, **values))


def delegation(user=None, operations=(), **kw) -> SigningDelegation:
    values = dict(all_operations=not operations, maximum_cents=20_000_00,
                  start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))  # fmt: skip
    values.update(kw)
    user = user or factories.user("manager")
    made = _committed(SigningDelegation(user_id=user.id, **values))
    for operation in operations:
        _committed(DelegationOperation(delegation_id=made.id, operation_id=operation.id))
    return made


def deputy(delegation_obj: SigningDelegation, user=None, **kw) -> DelegationDeputy:
    values = dict(start_date=date(2026, 8, 1), end_date=date(2026, 8, 31))
    values.update(kw)
    user = user or factories.user("manager")
    return _committed(DelegationDeputy(delegation_id=delegation_obj.id, user_id=user.id, **values))


def issuer(**kw) -> OrderIssuer:
    values = dict(name="Cap Aménagement Loire", address="10 rue Gambetta, 42000 Saint-Étienne")
    values.update(kw)
    return _committed(OrderIssuer(**values))
