"""How the audit trail names orders (BC-… once numbered) and contracts (their reference)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from capintra.extensions import db
from capintra.orders.models import Contract, Invoice, Order, OrderLine

Names = dict[int, tuple[str, str | None]]


def _order_name(order_id: int, number: str | None) -> str:
    return number or _("bon n° provisoire %(id)s", id=order_id)


def order_names(ids: set[int]) -> Names:
    rows = db.session.execute(select(Order.id, Order.number).where(Order.id.in_(ids)))
    return {
        row.id: (_order_name(row.id, row.number), url_for("ordering.detail", order_id=row.id))
        for row in rows
    }


def _of_order(model) -> callable:
    def names(ids: set[int]) -> Names:
        rows = db.session.execute(
            select(model.id, Order.id.label("order_id"), Order.number)
            .join(Order, Order.id == model.order_id)
            .where(model.id.in_(ids))
        )
        return {
            row.id: (
                _order_name(row.order_id, row.number),
                url_for("ordering.detail", order_id=row.order_id),
            )
            for row in rows
        }

    return names


def contract_names(ids: set[int]) -> Names:
    rows = db.session.execute(select(Contract.id, Contract.reference).where(Contract.id.in_(ids)))
    return {
        row.id: (row.reference, url_for("ordering.contract", contract_id=row.id)) for row in rows
    }


NAMERS = {
    "purchase_order": order_names,
    "purchase_order_line": _of_order(OrderLine),
    "order_invoice": _of_order(Invoice),
    "contract": contract_names,
}
