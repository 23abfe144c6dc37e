"""How the audit trail names orders (BC-… once numbered), their lines and invoices (by
their order) and contracts (their reference): RecordNamer, one statement per page."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from capintra.features import NamedRow, RecordNamer
from capintra.orders.models import Contract, Invoice, Order, OrderLine


def _order(row: NamedRow) -> tuple[str, str]:
    name = row.a or _("bon n° provisoire %(id)s", id=row.link)
    return name, url_for("ordering.detail", order_id=row.link)


def _of_order(model) -> RecordNamer:
    return RecordNamer(
        lambda ids: (
            select(model.id, Order.id, Order.number)
            .join(Order, Order.id == model.order_id)
            .where(model.id.in_(ids))
        ),
        _order,
    )


NAMERS = {
    "purchase_order": RecordNamer(
        lambda ids: select(Order.id, Order.id, Order.number).where(Order.id.in_(ids)), _order
    ),
    "purchase_order_line": _of_order(OrderLine),
    "order_invoice": _of_order(Invoice),
    "contract": RecordNamer(
        lambda ids: select(Contract.id, Contract.id, Contract.reference)
        .where(Contract.id.in_(ids)),
        lambda row: (row.a, url_for("ordering.contract", contract_id=row.link)),
    ),
}  # fmt: skip
