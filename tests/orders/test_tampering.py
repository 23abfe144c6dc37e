"""Tampered POSTs on orders are refused with nothing written: quantities the form cannot
take (422), a price item of another lot, prices posted by the browser (ignored: the
server's price is used), another order's line or invoice (404), lines changed on a
submitted order (409), service fait above what was ordered and invoices above what was
attested (409), an invoice whose amounts do not add up (422)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from capintra.errors import DomainError
from capintra.extensions import db
from capintra.orders import lifecycle
from capintra.orders.queries import invoices_of, lines_of
from tests.households.helpers import text_of
from tests.orders import make
from tests.orders.steps import held, post, signed_in

pytestmark = pytest.mark.usefixtures("calendar")


def add_line(browser, order, **fields):
    return browser.post(f"/orders/{order.id}/lines", data=fields)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-1", "Quantité invalide : un nombre positif, par exemple 1 ou 1,5."),
        ("1,255", "Quantité : deux décimales au plus."),
        ("1.255", "Quantité : deux décimales au plus."),
        ("deux", "Quantité illisible : écrivez par exemple 1 ou 1,5."),
        ("0", "La quantité doit être supérieure à zéro."),
    ],
)
def test_a_quantity_the_form_cannot_take_is_refused_with_422(app_ctx, quantity, message):
    m = make.market()
    order = make.draft(m)
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    response = add_line(assistant, order, price_item_id=str(m.diag.id), quantity=quantity)
    assert response.status_code == 422
    assert message in text_of(response)
    assert held(order) == before


def test_a_price_item_of_another_lot_is_refused(app_ctx):
    m = make.market()
    other_lot = make.lot(m.contract, number=2, title="Relogement")
    foreign = make.price_item(other_lot, code="RELO", label="Relogement")
    make.price_version(foreign, unit_price_cents=10_00)
    order = make.draft(m)
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    response = add_line(assistant, order, price_item_id=str(foreign.id), quantity="1")
    # not among the choices of the order's lot: the form itself refuses it (WTForms' own
    # French message, its apostrophe escaped)
    assert response.status_code == 422
    assert "N&#39;est pas un choix valide." in text_of(response)
    assert held(order) == before

    # and the service refuses it too, whoever calls it
    with pytest.raises(DomainError) as refused, db.session.begin_nested():
        lifecycle.add_line(make.fresh(order), foreign.id, Decimal("1"))
    assert refused.value.message == "Cette prestation n’est pas au bordereau du lot du bon."
    assert held(order) == before


def test_prices_posted_by_the_browser_are_ignored(app_ctx):
    m = make.market()
    order = make.draft(m, lines=[])
    assistant = signed_in(app_ctx, m.drafter)
    forged = {"unit_price_cents": "1", "total_cents": "2", "total_excl_vat_cents": "2"}
    response = add_line(assistant, order, price_item_id=str(m.diag.id), quantity="2", **forged)
    assert response.status_code == 303
    after = held(order)
    assert [line[1:] for line in after["lines"]] == [(200, 450_00, 900_00)]
    assert after["totals"] == (900_00, 180_00, 1_080_00)


def test_another_orders_line_is_not_removed_through_this_order(app_ctx):
    m = make.market()
    mine, theirs = make.draft(m), make.draft(m)
    (their_line,) = lines_of(theirs)
    assistant = signed_in(app_ctx, m.drafter)
    mine_before, theirs_before = held(mine), held(theirs)
    response = assistant.post(f"/orders/{mine.id}/lines/{their_line.id}/remove")
    assert response.status_code == 404
    assert held(mine) == mine_before and held(theirs) == theirs_before


def test_the_lines_of_a_submitted_order_are_frozen(app_ctx):
    m = make.market()
    order = make.order_in("soumis", m)
    (line,) = lines_of(order)
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    added = add_line(assistant, order, price_item_id=str(m.follow.id), quantity="1")
    assert added.status_code == 409
    assert "Seul un brouillon se modifie (ce bon est Soumis)." in text_of(added)
    removed = assistant.post(f"/orders/{order.id}/lines/{line.id}/remove")
    assert removed.status_code == 409
    assert "Seul un brouillon se modifie (ce bon est Soumis)." in text_of(removed)
    assert held(order) == before


# --- service fait ---------------------------------------------------------------------------


def attest_form(m, order, **quantities) -> dict:
    """Attested today by the officer; quantities by line id."""
    form = {"attested_on": "2026-11-25", "attested_by_id": str(m.officer.id)}
    form.update({f"qty-{line_id}": value for line_id, value in quantities.items()})
    return form


def test_service_fait_above_the_quantity_ordered_is_refused(app_ctx):
    m = make.market()
    order = make.order_in("notifie", m)  # 2 × DIAG
    (line,) = lines_of(order)
    officer = signed_in(app_ctx, m.officer)
    before = held(order)
    response = post(officer, order, "attest", attest_form(m, order, **{str(line.id): "2,01"}))
    assert response.status_code == 409
    assert "« Diagnostic social » : le service fait dépasserait la quantité commandée." in (
        text_of(response)
    )
    assert held(order) == before

    assert (
        post(officer, order, "attest", attest_form(m, order, **{str(line.id): "1,5"})).status_code
        == 303
    )
    again = held(order)
    response = post(officer, order, "attest", attest_form(m, order, **{str(line.id): "0,51"}))
    assert response.status_code == 409  # 1,5 + 0,51 > 2
    assert held(order) == again


@pytest.mark.parametrize(
    ("value", "status"),
    [("-1", 422), ("1,005", 422), ("un", 422)],
)
def test_a_service_fait_quantity_the_form_cannot_take(app_ctx, value, status):
    m = make.market()
    order = make.order_in("notifie", m)
    (line,) = lines_of(order)
    officer = signed_in(app_ctx, m.officer)
    before = held(order)
    response = post(officer, order, "attest", attest_form(m, order, **{str(line.id): value}))
    assert response.status_code == status
    assert held(order) == before


def test_service_fait_on_another_orders_line_is_refused(app_ctx):
    m = make.market()
    order, other = make.order_in("notifie", m), make.order_in("notifie", m)
    (foreign,) = lines_of(other)
    officer = signed_in(app_ctx, m.officer)
    before, other_before = held(order), held(other)
    response = post(officer, order, "attest", attest_form(m, order, **{str(foreign.id): "1"}))
    assert response.status_code == 409
    assert "Cette ligne n’est pas sur ce bon." in text_of(response)
    assert held(order) == before and held(other) == other_before


def test_service_fait_attested_by_an_assistant_is_refused(app_ctx):
    m = make.market()
    order = make.order_in("notifie", m)
    (line,) = lines_of(order)
    manager = signed_in(app_ctx, m.approver)
    before = held(order)
    form = attest_form(m, order, **{str(line.id): "2"})
    form["attested_by_id"] = str(m.drafter.id)  # the assistant: not among the choices
    response = post(manager, order, "attest", form)
    assert response.status_code == 422
    assert held(order) == before


# --- invoices -------------------------------------------------------------------------------


def invoice_form(excl: str, vat: str, incl: str, number: str = "F-2026-0042") -> dict:
    return {"number": number, "received_on": "2026-11-25", "excl_vat_cents": excl,
            "vat_cents": vat, "incl_vat_cents": incl}  # fmt: skip


def test_an_invoice_above_what_was_attested_is_refused(app_ctx):
    m = make.market()
    order = make.order_in("service_fait", m)  # 900,00 € HT attested
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    response = post(assistant, order, "invoice", invoice_form("900,01", "180,00", "1 080,01"))
    assert response.status_code == 409
    assert "Le total facturé (900,01\xa0€ HT) dépasserait le service fait attesté " in (
        text_of(response)
    )
    assert held(order) == before

    assert (
        post(assistant, order, "invoice", invoice_form("500,00", "100,00", "600,00")).status_code
        == 303
    )
    again = held(order)
    second = post(assistant, order, "invoice", invoice_form("400,01", "80,00", "480,01", "F-2"))
    assert second.status_code == 409  # 500,00 + 400,01 > 900,00
    assert held(order) == again


def test_an_invoice_whose_amounts_do_not_add_up_is_refused_with_422(app_ctx):
    m = make.market()
    order = make.order_in("service_fait", m)
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    response = post(assistant, order, "invoice", invoice_form("900,00", "180,00", "1 080,01"))
    assert response.status_code == 422
    assert "Le montant TTC doit être égal au HT plus la TVA." in text_of(response)
    assert held(order) == before


def test_another_orders_invoice_is_not_paid_through_this_order(app_ctx):
    m = make.market()
    order = make.order_in("facture", m, paid=False)
    other = make.order_in("facture", m, paid=False)
    (their_invoice,) = invoices_of(other)
    assistant = signed_in(app_ctx, m.drafter)
    before, other_before = held(order), held(other)
    response = assistant.post(
        f"/orders/{order.id}/invoices/{their_invoice.id}/pay",
        data={"paid_on": "2026-11-25", "version": str(their_invoice.version)},
    )
    assert response.status_code == 404
    assert held(order) == before and held(other) == other_before
