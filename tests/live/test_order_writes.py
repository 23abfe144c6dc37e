"""A team drafts and follows orders at once, on the real server: lines added in parallel
to one draft are all kept (and the totals are their sum); two colleagues submitting,
notifying or cancelling the same order from the same page: one goes through (303), the
other is refused (409); never a 5xx."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from capintra.orders.models import Order, OrderLine, OrderStatus
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

LINES = 12


@pytest.fixture(scope="module")
def orders(live):
    """A draft with no line, three drafts of one line, three approved orders."""

    def make():
        from capintra.extensions import db
        from capintra.orders.demo import example_order, example_price_item_id

        empty = example_order()
        db.session.execute(OrderLine.__table__.delete().where(OrderLine.order_id == empty.id))
        # a second price item of the same lot for the parallel lines
        item = example_price_item_id()
        from capintra.orders.models import PriceItem

        db.session.get(PriceItem, item).lot_id = empty.lot_id
        drafts = [example_order().id for _ in range(3)]
        approved = []
        for n in range(3):
            order = example_order()
            order.status, order.ordered_on = OrderStatus.APPROVED, date(2026, 1, 5)
            order.number_year, order.number_seq = 1901, n + 1
            order.number = f"BC-1901-{n + 1:04d}"
            approved.append(order.id)
        db.session.commit()
        return empty.id, item, drafts, approved

    return live.run(make)


def test_lines_added_in_parallel_are_all_kept(live, orders):
    empty, item, _drafts, _approved = orders
    people = [live.signed_in(role) for role in ("assistant", "officer", "manager")]
    mark = live.mark()
    path = f"/orders/{empty}/lines"
    responses = together(
        [
            lambda c=people[n % 3], n=n: c.post(path, {"price_item_id": item, "quantity": "1,5"})
            for n in range(LINES)
        ]
    )
    why = f"{sorted(r.status for r in responses)}\n{live.explain(mark)}"
    assert all(r.status == 303 for r in responses), why
    lines = live.scalars(select(OrderLine).where(OrderLine.order_id == empty))
    (order,) = live.scalars(select(Order).where(Order.id == empty))
    assert len(lines) == LINES, why
    assert order.total_excl_vat_cents == sum(line.total_cents for line in lines) == LINES * 150_00
    assert live.errors_since(mark) == {}, why


def _twice(live, ids, action, form, roles):
    first, second = (live.signed_in(role) for role in roles)
    results = []
    for order_id in ids:
        (version,) = live.scalars(select(Order.version).where(Order.id == order_id))
        data = {"version": version, **form}
        responses = together(
            [lambda c=c: c.post(f"/orders/{order_id}/{action}", data) for c in (first, second)]
        )
        results.append(sorted(r.status for r in responses))
    return results


def test_two_submits_of_one_draft_give_one_303_and_one_409(live, orders):
    _empty, _item, drafts, _approved = orders
    mark = live.mark()
    results = _twice(live, drafts, "submit", {}, ("assistant", "officer"))
    why = f"{results}\n{live.explain(mark)}"
    assert results == [[303, 409]] * len(drafts), why
    states = live.scalars(select(Order.status).where(Order.id.in_(drafts)))
    assert set(states) == {OrderStatus.SUBMITTED}, why
    assert live.errors_since(mark) == {}, why


def test_two_notifications_of_one_order_give_one_303_and_one_409(live, orders):
    _empty, _item, _drafts, approved = orders
    mark = live.mark()
    form = {"notified_on": date.today().isoformat(), "channel": "courriel"}
    results = _twice(live, approved, "notify", form, ("assistant", "manager"))
    why = f"{results}\n{live.explain(mark)}"
    assert results == [[303, 409]] * len(approved), why
    assert live.errors_since(mark) == {}, why
