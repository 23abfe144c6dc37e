"""Order approvals at once on the real server (2 workers; SQLite, or PostgreSQL with
CAPINTRA_TEST_DATABASE_URL): two managers, each with a delegation covering every
operation, approve submitted orders in parallel. No answer is a server error; every
approved order has its own number; the year's numbers are 1..N with no gap; an order both
approve at the same instant is numbered once and the other answer is 409; and on a lot
whose maximum admits only some of the orders, what is committed never passes the
maximum, to the cent, and no order was refused that would still fit."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from capintra import clock
from capintra.orders.models import COMMITTING, Order, OrderCounter, OrderStatus
from tests import factories
from tests.live.client import Client, Response, summary, together
from tests.live.conftest import LIVE
from tests.orders import drafts, make

pytestmark = LIVE

_VERSION = re.compile(r'name="version" value="(\d+)"')
EACH = 10  # orders each manager approves in the parallel run


class World:
    """The reference data, committed once for the module."""

    operation_id: int
    drafter_id: int
    items: dict[str, int]  # lot name → price item id


@pytest.fixture(scope="module")
def world(live) -> World:
    def build() -> World:
        w = World()
        w.operation_id = factories.operation().id
        w.drafter_id = factories.user("assistant").id
        w.items = {}
        contract = make.contract(start_date=date(2020, 1, 1), end_date=date(2099, 12, 31))
        for name, maximum in (("big-1", 1_000_000_00), ("big-2", 1_000_000_00),
                              ("small", 3_000_00)):  # fmt: skip
            lot = make.lot(contract, title=f"Lot {name}", maximum_cents=maximum)
            item = make.price_item(lot, code="U", label="Prestation à l’unité")
            make.price_version(item, valid_from=date(2020, 1, 1), unit_price_cents=100)
            w.items[name] = item.id
        return w

    return live.run(build)


@pytest.fixture(scope="module")
def managers(live) -> list[Client]:
    """Two managers, each holding a delegation for every operation, signed in."""

    def manager() -> str:
        user = factories.user("manager")
        make.delegation(user, start_date=date(2020, 1, 1), end_date=None,
                        maximum_cents=10_000_000_00)  # fmt: skip
        return user.username

    return [live.client().login(live.run(manager)) for _ in range(2)]


def submitted(live, world: World, lot: str, cents: int) -> int:
    """A submitted order of `cents` excluding VAT (a quantity with two decimals of the
    lot's 1,00 € item): its id."""

    def build() -> int:
        from capintra.auth.models import User
        from capintra.extensions import db
        from capintra.orders.models import PriceItem

        item = db.session.get(PriceItem, world.items[lot])
        drafter = db.session.get(User, world.drafter_id)
        order = drafts.draft(item, lines=[(item, Decimal(cents) / 100)], drafter=drafter,
                             operation_id=world.operation_id)  # fmt: skip
        order = drafts.submit(order, drafter)
        assert order.total_excl_vat_cents == cents
        return order.id

    return live.run(build)


def version_on_screen(client: Client, order_id: int) -> str:
    """The approval screen, as the manager opens it before deciding: the order's version."""
    page = client.get(f"/orders/{order_id}/approval")
    assert page.status == 200, page
    found = _VERSION.search(page.text)
    assert found, f"no version on the approval screen of order {order_id}"
    return found.group(1)


def approve(client: Client, order_id: int, version: str) -> Response:
    return client.post(f"/orders/{order_id}/approve", {"version": version})


def orders(live, ids) -> dict[int, Order]:
    return {o.id: o for o in live.scalars(select(Order).where(Order.id.in_(list(ids))))}


def assert_register_is_gapless(live) -> list[Order]:
    """Every numbered order of the year: distinct numbers BC-YYYY-NNNN, 1..N, and the
    year's counter at N."""
    year = clock.today().year
    numbered = live.scalars(select(Order).where(Order.number.is_not(None)))
    assert {o.number_year for o in numbered} <= {year}
    seqs = sorted(o.number_seq for o in numbered)
    assert seqs == list(range(1, len(numbered) + 1)), f"numbers with a gap or twice: {seqs}"
    assert len({o.number for o in numbered}) == len(numbered)
    for o in numbered:
        assert o.number == f"BC-{year}-{o.number_seq:04d}"
        assert o.status == OrderStatus.APPROVED and o.ordered_on == clock.today()
    counters = live.scalars(select(OrderCounter).where(OrderCounter.year == year))
    assert [c.last for c in counters] == [len(numbered)]
    return numbered


def no_server_error(live, mark, responses, allowed=(303, 409)) -> None:
    why = f"{summary(responses)}\n{live.explain(mark)}"
    assert all(r.status in allowed for r in responses), why
    assert not live.errors_since(mark), why


def test_two_managers_approve_twenty_orders_in_parallel(live, world, managers):
    """Ten orders each, on two lots (so both the lots' locks and the year's counter are
    contended), approved one after another by each manager, both at once."""
    ids = [[submitted(live, world, f"big-{1 + i % 2}", 450_00 + i) for i in range(EACH)]
           for _ in managers]  # fmt: skip
    barrier = threading.Barrier(len(managers))

    def work(client: Client, mine: list[int]) -> list[Response]:
        barrier.wait(timeout=30)
        return [approve(client, i, version_on_screen(client, i)) for i in mine]

    mark = live.mark()
    with ThreadPoolExecutor(max_workers=len(managers)) as pool:
        runs = [pool.submit(work, c, mine) for c, mine in zip(managers, ids, strict=True)]
        responses = [r for run in runs for r in run.result(timeout=300)]

    no_server_error(live, mark, responses, allowed=(303,))
    assert [r.location for r in responses] == [f"/orders/{i}" for mine in ids for i in mine]
    approved = orders(live, [i for mine in ids for i in mine])
    assert {o.status for o in approved.values()} == {OrderStatus.APPROVED}
    assert len({o.number for o in approved.values()}) == 2 * EACH
    assert_register_is_gapless(live)


def test_an_order_both_approve_at_the_same_instant_gets_one_number(live, world, managers):
    """Three orders, each approved by both managers at the same instant (six requests
    released together, each from the screen both opened): per order one 303, one 409."""
    ids = [submitted(live, world, "big-1", 1_000_00 + i) for i in range(3)]
    versions = {(m, i): version_on_screen(c, i) for m, c in enumerate(managers) for i in ids}
    calls = [
        (lambda c=c, i=i, v=versions[(m, i)]: approve(c, i, v))
        for i in ids
        for m, c in enumerate(managers)
    ]
    mark = live.mark()
    responses = together(calls)

    no_server_error(live, mark, responses)
    for n, order_id in enumerate(ids):
        pair = responses[2 * n : 2 * n + 2]
        assert sorted(r.status for r in pair) == [303, 409], summary(pair)
        (winner,) = [r for r in pair if r.status == 303]
        assert winner.location == f"/orders/{order_id}"
        (loser,) = [r for r in pair if r.status == 409]
        assert "Approbation du bon" in loser.title
    decided = orders(live, ids)
    assert {o.status for o in decided.values()} == {OrderStatus.APPROVED}
    assert len({o.number for o in decided.values()}) == 3
    winners = {o.decided_by_id for o in decided.values()}
    assert winners  # whoever came first; never two numbers for one order
    assert_register_is_gapless(live)


def test_a_lot_s_maximum_is_never_passed_by_parallel_approvals(live, world, managers):
    """A lot of 3 000,00 € HT and eight orders totalling 5 500,02 €: both managers approve
    four each, all released at once. Whatever the order in which they are served, the
    lot's committed total stays ≤ 3 000,00 €, each refusal is the lot's maximum (409) and
    no refused order would still fit under what was committed in the end."""
    amounts = [1_000_00, 1_000_00, 999_99, 2, 1_000_00, 1, 500_00, 1_000_00]
    ids = [submitted(live, world, "small", cents) for cents in amounts]
    maximum = 3_000_00
    calls = []
    for n, order_id in enumerate(ids):
        client = managers[n % 2]
        version = version_on_screen(client, order_id)
        calls.append(lambda c=client, i=order_id, v=version: approve(c, i, v))
    mark = live.mark()
    responses = together(calls)

    no_server_error(live, mark, responses)
    decided = orders(live, ids)
    committed = sum(o.total_excl_vat_cents for o in decided.values() if o.status in COMMITTING)
    assert committed <= maximum, f"{committed} cents committed on a lot of {maximum}"
    for response, order_id, cents in zip(responses, ids, amounts, strict=True):
        order = decided[order_id]
        if response.status == 303:
            assert order.status == OrderStatus.APPROVED and order.number
        else:
            assert order.status == OrderStatus.SUBMITTED and order.number is None
            assert "maximum du lot" in response.text, response
            assert committed + cents > maximum, (
                f"order {order_id} ({cents} cents) refused though {committed} were committed"
            )
    assert any(r.status == 409 for r in responses) and any(r.status == 303 for r in responses)
    assert_register_is_gapless(live)
