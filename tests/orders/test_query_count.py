"""The order's page, the register and the contract's consumption cost a fixed number of
statements, whatever the number of lines, orders or invoices."""

from __future__ import annotations

from capintra.extensions import db
from capintra.orders import queries
from tests.households.helpers import count_statements, statements_for
from tests.orders import make
from tests.orders.steps import signed_in


def test_the_order_page_does_not_grow_with_its_lines(app_ctx, calendar):
    m = make.market(maximum_cents=1_000_000_00)
    small = make.order_in("service_fait", m, [(m.diag, "1")] * 2)
    large = make.order_in("service_fait", m, [(m.diag, "1")] * 12)
    browser = signed_in(app_ctx, m.officer)
    assert len(statements_for(browser, f"/orders/{large.id}")) == len(
        statements_for(browser, f"/orders/{small.id}")
    )


def _round(m) -> None:
    """An order in each state a page lists apart (so that every list has rows)."""
    for state in ("soumis", "approuve", "notifie", "service_fait", "solde"):
        make.order_in(state, m)
    make.order_in("facture", m, paid=False)


def test_the_register_and_the_consumption_do_not_grow_with_the_orders(app_ctx, calendar):
    m = make.market(maximum_cents=1_000_000_00)
    _round(m)
    paths = ("/orders/", f"/contracts/{m.contract.id}", "/contracts/", "/")
    browsers = [signed_in(app_ctx, user) for user in (m.approver, m.drafter, m.officer)]
    before = {(n, path): len(statements_for(b, path)) for n, b in enumerate(browsers)
              for path in paths}  # fmt: skip
    _round(m)
    _round(m)
    after = {(n, path): len(statements_for(b, path)) for n, b in enumerate(browsers)
             for path in paths}  # fmt: skip
    assert after == before


def test_an_order_and_the_people_of_its_lifecycle_are_read_in_one_statement(app_ctx, calendar):
    m = make.market(maximum_cents=1_000_000_00)
    order_id = make.order_in("approuve", m).id
    db.session.expunge_all()
    with count_statements() as statements:
        read = queries.get_order_or_404(order_id)
        seen = (read.lot.contract.reference, read.lot.provider.name, read.operation.name,
                read.drafted_by.full_name, read.submitted_by.full_name,
                read.decided_by.full_name)  # fmt: skip
    assert len(statements) == 1, statements
    assert seen[-1] == "Jérôme Faure"


def test_a_draft_s_page_reads_its_lot_s_price_items_once(app_ctx, calendar):
    m = make.market(maximum_cents=1_000_000_00)
    draft = make.order_in("brouillon", m, [(m.diag, "1")])
    browser = signed_in(app_ctx, m.drafter)
    statements = statements_for(browser, f"/orders/{draft.id}")
    # the lines' prices today and the new line's choices come from one read
    assert len([s for s in statements if "WHERE price_item.lot_id" in s]) == 1, statements
    assert "Diagnostic social" in browser.get(f"/orders/{draft.id}").get_data(as_text=True)
