"""Orders for tests, made through the lifecycle's own services (totals computed by the
server, numbers from the counter), committed: a draft with lines and households, then
submitted, then approved.

    item = make.price_item(lot); make.price_version(item, unit_price_cents=450_00)
    order = drafts.draft(item, lines=[(item, "2")], households=[household])
    drafts.submit(order)
    drafts.approve(order, manager)          # a manager holding a delegation

The services build URLs for their notifications, so each runs in a request context of
the current app (the same app context: the same session).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from flask import current_app

from capintra.auth.models import User
from capintra.extensions import db
from capintra.orders import lifecycle
from capintra.orders.models import Order, PriceItem
from tests import factories


def _in_request(fn):
    with current_app.test_request_context():
        result = fn()
    db.session.commit()
    return result


def _fresh(order: Order) -> Order:
    return db.session.get(Order, order.id, populate_existing=True)


def draft(
    item: PriceItem,
    *,
    lines: Iterable[tuple[PriceItem, Decimal | str | int]] | None = None,
    drafter=None,
    operation_id: int | None = None,
    households: Iterable = (),
    **header,
) -> Order:
    """A draft on the lot of `item`, with `lines` (default: one of `item`, quantity 1)."""
    drafter = drafter or factories.user("assistant")
    operation_id = operation_id or factories.operation().id
    data = dict(lot_id=item.lot_id, operation_id=operation_id, place="", budget_line="",
                execution_start=None, execution_end=None)  # fmt: skip
    data.update(header)
    household_ids = [h.id for h in households]
    order = _in_request(lambda: lifecycle.create_order(data, drafter, household_ids))
    for line_item, quantity in lines if lines is not None else [(item, 1)]:
        _in_request(lambda i=line_item, q=quantity: lifecycle.add_line(
            _fresh(order), i.id, Decimal(str(q))))  # fmt: skip
    return _fresh(order)


def submit(order: Order, user=None) -> Order:
    user = user or db.session.get(User, order.drafted_by_id)
    _in_request(lambda: lifecycle.submit(_fresh(order), user))
    return _fresh(order)


def approve(order: Order, manager) -> Order:
    _in_request(lambda: lifecycle.approve(_fresh(order), manager))
    return _fresh(order)


def cancel(order: Order, user, reason: str = "") -> Order:
    _in_request(lambda: lifecycle.cancel(_fresh(order), user, reason))
    return _fresh(order)


def notify(order: Order, day: date | None = None) -> Order:
    from capintra.orders.models import NotificationChannel

    day = day or _fresh(order).ordered_on
    _in_request(lambda: lifecycle.notify_provider(_fresh(order), day, NotificationChannel.MAIL))
    return _fresh(order)


def lines_of(order: Order):
    from capintra.orders import queries

    return queries.lines_of(_fresh(order))
