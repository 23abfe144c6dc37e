"""The order page's htmx partials render alone (a line added or refused: the tab; the household
search: its results): a block rendered by itself does not see
the macros the page imports at its top, so each block imports its own (a line added in
place answered 500, `'csrf' is undefined`, before they did)."""

from __future__ import annotations

from capintra.orders.models import PriceUnit
from tests import factories
from tests.households.helpers import text_of
from tests.orders import drafts, make


def _draft():
    lot = make.lot()
    item = make.price_item(lot, code="DIAG", label="Diagnostic social",
                           unit=PriceUnit.PER_HOUSEHOLD)  # fmt: skip
    make.price_version(item, unit_price_cents=1_234_56)
    return drafts.draft(item, lines=[]), item


def test_a_line_added_in_place_answers_the_lines_block(login_as):
    order, item = _draft()
    browser = login_as("officer")
    response = browser.htmx("POST", f"/orders/{order.id}/lines", target="tab-content",
                            data={"price_item_id": item.id, "quantity": "2"})  # fmt: skip
    assert response.status_code == 200
    html = text_of(response)
    assert "<html" not in html
    assert "Diagnostic social" in html and 'id="total-excl"' in html
    assert "2\u202f469,12\u00a0€" in html  # 2 × 1 234,56
    assert 'name="csrf_token"' in html  # the remove and add forms of the block


def test_a_refused_line_answers_the_block_with_its_message(login_as):
    order, _item = _draft()
    browser = login_as("officer")
    response = browser.htmx("POST", f"/orders/{order.id}/lines", target="tab-content",
                            data={"price_item_id": "", "quantity": "2"})  # fmt: skip
    assert response.status_code == 422
    assert "<html" not in text_of(response)
    assert "Choisissez une prestation du bordereau." in text_of(response)


def test_the_household_search_answers_its_block(login_as):
    order, _item = _draft()
    household = factories.household(name="BENSALEM Nadia")
    browser = login_as("officer")
    response = browser.htmx("GET", f"/orders/{order.id}/households/search?q=bensalem",
                            target="household-results")  # fmt: skip
    assert response.status_code == 200
    html = text_of(response)
    assert "<html" not in html
    assert household.reference in html and 'name="csrf_token"' in html
