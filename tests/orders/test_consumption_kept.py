"""The contracts' consumption is kept until the data changes (capintra.audit.changes):
counted once, and again after any change — never shown stale."""

from __future__ import annotations

from capintra.extensions import db
from tests.households.helpers import count_statements, text_of
from tests.orders import make as omake
from tests.orders.steps import signed_in


def test_the_contracts_consumption_shows_an_approved_order_at_once(app_ctx, calendar):
    m = omake.market(maximum_cents=1_000_000_00)
    omake.order_in("approuve", m)
    db.session.commit()
    browser = signed_in(app_ctx, m.approver)

    def committed() -> str:
        page = text_of(browser.get("/contracts/"))
        row = page.split(f'id="lot-{m.lot.id}"')[1].split("</tr>")[0]
        return row.split('data-label="Engagé">')[1].split("<")[0]

    first = committed()
    with count_statements() as again:
        assert committed() == first
    assert not any("order_invoice" in s for s in again)  # kept: not counted again
    omake.order_in("approuve", m)  # a second order committed
    db.session.commit()
    assert committed() != first
