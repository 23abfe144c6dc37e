"""A sample of each orders model, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from datetime import date

from capintra.extensions import db
from capintra.orders import demo
from capintra.orders.models import (
    Attestation,
    AttestationLine,
    DelegationOperation,
    Invoice,
    Order,
    OrderHousehold,
    OrderLine,
    PriceUnit,
)
from tests import factories
from tests.model_samples import Sample, _set
from tests.orders import make


def _delegation_operation():
    link = DelegationOperation(
        delegation_id=make.delegation().id, operation_id=factories.operation().id
    )
    db.session.add(link)
    db.session.commit()
    return link


def _move_operation(link) -> None:
    link.operation_id = factories.operation().id


def _saved(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def _order() -> Order:
    return _saved(demo.example_order())


def _line() -> OrderLine:
    order = _order()
    return db.session.get(OrderLine, demo.example_line_id({"order_id": order.id}))


def _order_household() -> OrderHousehold:
    return _saved(OrderHousehold(order_id=_order().id, household_id=factories.household().id))


def _attestation() -> Attestation:
    order = _order()
    return _saved(Attestation(order_id=order.id, attested_on=date(2026, 3, 2),
                              attested_by_id=order.drafted_by_id,
                              recorded_by_id=order.drafted_by_id))  # fmt: skip


def _attestation_line() -> AttestationLine:
    attestation = _attestation()
    line_id = demo.example_line_id({"order_id": attestation.order_id})
    return _saved(AttestationLine(attestation_id=attestation.id, line_id=line_id,
                                  quantity_centi=50, amount_cents=50_00))  # fmt: skip


def _invoice() -> Invoice:
    return db.session.get(Invoice, demo.example_invoice_id({"order_id": _order().id}))


SAMPLES: dict[str, Sample] = {
    "purchase_order": Sample(_order, _set(place="12 rue Michelet, Saint-Étienne")),
    "purchase_order_line": Sample(_line, _set(quantity_centi=200)),
    "purchase_order_household": Sample(
        _order_household, lambda link: setattr(link, "household_id", factories.household().id)
    ),
    "order_attestation": Sample(_attestation, _set(final=True)),
    "order_attestation_line": Sample(_attestation_line, _set(quantity_centi=100)),
    "order_invoice": Sample(_invoice, _set(paid_on=date(2026, 4, 2))),
    "contract": Sample(make.contract, _set(title="Accompagnement social", payment_days=45)),
    "contract_lot": Sample(make.lot, _set(maximum_cents=20_000_00, title="Relogement")),
    "contract_amendment": Sample(make.amendment, _set(new_maximum_cents=15_000_00)),
    "price_item": Sample(make.price_item, _set(label="Diagnostic", unit=PriceUnit.FLAT)),
    "price_version": Sample(make.price_version, _set(unit_price_cents=464_40)),
    "signing_delegation": Sample(make.delegation, _set(maximum_cents=30_000_00)),
    "delegation_operation": Sample(_delegation_operation, _move_operation),
    "delegation_deputy": Sample(
        lambda: make.deputy(make.delegation()), _set(end_date=date(2026, 9, 15))
    ),  # fmt: skip
    "order_issuer": Sample(make.issuer, _set(signatory_title="Directrice générale")),
}
