"""The register (`/orders/`) shows each order's own cells: its name, state, lot and
provider, operation, date and amount — read as values in one joined statement
(capintra.orders.queries.order_page), so a column read in the wrong place shows here."""

from __future__ import annotations

import re

from capintra.extensions import db
from capintra.organisations.models import Organisation
from tests import factories
from tests.orders import make
from tests.orders.steps import signed_in


def _rows(html: str) -> dict[int, str]:
    """Each order's row as the text it shows (tags dropped, spaces made plain)."""
    rows = {}
    for order_id, cells in re.findall(r'<tr id="order-(\d+)">(.*?)</tr>', html, re.S):
        text = re.sub(r"<[^>]+>", " ", cells).replace("\u202f", " ").replace("\xa0", " ")
        rows[int(order_id)] = " ".join(text.split())
    return rows


def test_the_register_shows_each_orders_cells(app_ctx, calendar):
    first = make.market()
    other = make.market(operation=factories.operation(name="Rue Tarentaize"))
    draft = make.draft(first)  # 2 × 450,00 €
    approved = make.order_in("approuve", other, [(other.diag, "1")])
    providers = {m.lot.id: db.session.get(Organisation, m.lot.provider_id).name
                 for m in (first, other)}  # fmt: skip
    assert len(set(providers.values())) == 2

    rows = _rows(signed_in(app_ctx, first.officer).get("/orders/").get_data(as_text=True))

    assert rows[draft.id] == (
        f"n° provisoire {draft.id} Brouillon Lot 1 · {providers[first.lot.id]} "
        "Îlot Gambetta 25/11/2026 900,00 €"
    )
    assert rows[approved.id] == (
        f"{make.fresh(approved).number} Approuvé Lot 1 · {providers[other.lot.id]} "
        "Rue Tarentaize 25/11/2026 450,00 €"
    )
