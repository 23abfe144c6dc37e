"""A contract's orders, on its consumption tab, a page at a time by keyset (issue 13
item 4): a framework contract gathers orders for years."""

from __future__ import annotations

import re

import pytest
from flask import current_app

from capintra.extensions import db
from capintra.keyset import TAB_PAGE
from capintra.orders import lifecycle
from tests.orders import make
from tests.paging import pages_urls, statements_of, walk

N = 120


def _drafts(m, n: int) -> list[int]:
    with current_app.test_request_context():
        orders = [
            lifecycle.create_order(
                {"lot_id": m.lot.id, "operation_id": m.operation.id, "place": f"{i} rue Michelet"},
                m.drafter,
                [],
            )  # fmt: skip
            for i in range(n)
        ]
        db.session.commit()
    return [o.id for o in orders]


def _order_ids(body: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'<tr><td><a class="text-nowrap" href="/orders/(\d+)"', body)
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_contract_s_orders_pages(app_ctx, browser_for, htmx):
    m = make.market()
    ids = _drafts(m, N)
    url = f"/contracts/{m.contract.id}"
    pages = walk(browser_for("manager"), url, _order_ids, htmx=htmx)
    assert [len(p) for p in pages] == [TAB_PAGE, TAB_PAGE, N - 2 * TAB_PAGE]
    assert [i for page in pages for i in page] == sorted(ids, reverse=True)


def test_a_contract_s_page_costs_the_same_for_few_or_many_orders(app_ctx, browser_for):
    browser = browser_for("manager")
    few = make.market()
    many = make.market(operation=few.operation, approver=few.approver)
    _drafts(few, 3)
    _drafts(many, N)
    small = statements_of(browser, f"/contracts/{few.contract.id}")
    urls = pages_urls(browser, f"/contracts/{many.contract.id}")
    assert len(urls) == 3
    assert [statements_of(browser, u) for u in urls] == [small] * 3
