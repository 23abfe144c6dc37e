"""A sample of each orders model, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from datetime import date

from capintra.extensions import db
from capintra.orders.models import DelegationOperation, PriceUnit
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


SAMPLES: dict[str, Sample] = {
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
