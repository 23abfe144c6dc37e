"""The orders' dashboard sections: the manager's « Bons de commande à approuver » and lot
consumption (first on their dashboard), the orders to notify and the invoices to record
or past due (assistants, and managers who record them too)."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capintra import clock
from capintra.extensions import db
from capintra.orders import queries, rules
from capintra.orders.models import Invoice, Lot, Order, OrderStatus

LIMIT = 20


def _orders(status: OrderStatus, limit: int = 200) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.status == status)
            .options(
                selectinload(Order.lot).selectinload(Lot.provider), selectinload(Order.operation)
            )  # fmt: skip
            .order_by(Order.id)
            .limit(limit)
        )
    )


def to_approve() -> dict:
    """Submitted orders one of the current manager's delegations (own or as a deputy)
    covers today, never one they drafted or submitted: two statements and the orders'."""
    today = clock.today()
    mine = [
        delegation for delegation in queries.delegations()
        if current_user.id in {delegation.user_id} | {d.user_id for d in delegation.deputies
                                                     if not d.is_deleted}
    ]  # fmt: skip
    rows = [
        order for order in _orders(OrderStatus.SUBMITTED)
        if current_user.id not in (order.drafted_by_id, order.submitted_by_id)
        and any(rules.covers(d, user_id=current_user.id, operation_id=order.operation_id,
                             amount_cents=order.total_excl_vat_cents, on=today)
                for d in mine)
    ]  # fmt: skip
    return {"rows": rows[:LIMIT], "more": max(0, len(rows) - LIMIT)}


def consumption() -> dict:
    today = clock.today()
    lots = [lot for contract in queries.contracts() for lot in contract.lots
            if not lot.is_deleted and contract.in_force(today)]  # fmt: skip
    if lots:
        providers = {lot.id: lot for lot in queries.lots_with_provider([lot.id for lot in lots])}
        lots = [providers[lot.id] for lot in lots]
    return {"rows": queries.lot_consumption(lots, today)}


def paperwork() -> dict:
    """Approved orders to notify, orders whose service is done awaiting their invoices,
    invoices past due."""
    today = clock.today()
    late = list(
        db.session.execute(
            select(Invoice, Order)
            .join(Order, Order.id == Invoice.order_id)
            .where(Invoice.paid_on.is_(None), Invoice.suspended_since.is_(None),
                   Invoice.due_on < today)
            .order_by(Invoice.due_on)
            .limit(LIMIT)
        ).tuples()
    )  # fmt: skip
    return {
        "to_notify": _orders(OrderStatus.APPROVED, LIMIT),
        "to_invoice": _orders(OrderStatus.SERVICE_DONE, LIMIT),
        "late": late,
        "today": today,
    }


def to_attest() -> dict:
    """Notified orders whose service is not wholly attested yet (officers attest it)."""
    rows = _orders(OrderStatus.NOTIFIED, LIMIT + 1)
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT}
