"""Service fait and invoices through the real routes (DESIGN §2, « notifié → service
fait → facturé → soldé »): attestations per line, partial and repeated, by a named
officer who may differ from who typed it; invoices with their due date (received + the
contract's payment period), late ones flagged, suspension stopping the clock; several
invoices per order; settlement at the invoiced amount once all are paid, releasing the
rest of the commitment on the contract's page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.orders.models import Attestation
from capintra.orders.queries import invoices_of, lines_of
from tests import factories
from tests.households.helpers import text_of
from tests.orders import make
from tests.orders.steps import eur, events, held, page, post, signed_in, status_of

pytestmark = pytest.mark.usefixtures("calendar")


def two_lines(m):
    """2 × DIAG (450,00 €) + 3 months of ACC (1 200,00 €): 4 500,00 € HT."""
    return [(m.diag, "2"), (m.follow, "3")]


def attest(browser, order, attester, quantities: dict, *, day="2026-11-25", final=False):
    """Service fait by `attester`: quantities as typed, by line."""
    form = {"attested_on": day, "attested_by_id": str(attester.id)}
    form.update({f"qty-{line.id}": typed for line, typed in quantities.items()})
    if final:
        form["final"] = "y"
    return post(browser, order, "attest", form)


# --- service fait ---------------------------------------------------------------------------


def test_two_partial_attestations_reach_the_quantities_ordered(app_ctx):
    m = make.market()
    order = make.order_in("notifie", m, two_lines(m))
    diag, follow = lines_of(order)
    officer = signed_in(app_ctx, m.officer)

    # the diagnostics in full, half the months: one line done is not the order done
    assert attest(officer, order, m.officer, {diag: "2", follow: "1,5"}).status_code == 303
    assert status_of(order) == "notifie"
    shown = page(officer, order)
    assert f"Le 25/11/2026, attesté par Claire Roux — {eur('2 700,00')} HT" in shown
    assert f"Service fait attesté : {eur('2 700,00')} HT sur {eur('4 500,00')} HT" in shown
    assert "reste 1,5" in shown  # what the form proposes for the months left

    assert attest(officer, order, m.officer, {diag: "", follow: "1,5"}).status_code == 303
    assert status_of(order) == "service_fait"
    assert f"Service fait attesté : {eur('4 500,00')} HT sur {eur('4 500,00')} HT" in page(
        officer, order
    )
    assert len(events("order_attest", order)) == 2


def test_a_final_partial_attestation_completes_the_service(app_ctx):
    m = make.market()
    order = make.order_in("notifie", m, two_lines(m))
    diag, follow = lines_of(order)
    officer = signed_in(app_ctx, m.officer)
    response = attest(officer, order, m.officer, {diag: "2", follow: "1"}, final=True)
    assert response.status_code == 303
    assert status_of(order) == "service_fait"
    shown = page(officer, order)
    assert "prestation terminée" in shown
    assert f"Service fait attesté : {eur('2 100,00')} HT sur {eur('4 500,00')} HT" in shown


def test_a_final_attestation_needs_something_attested(app_ctx):
    """Else the order would stand « service fait » with nothing to invoice, for ever."""
    m = make.market()
    order = make.order_in("notifie", m)
    (line,) = lines_of(order)
    officer = signed_in(app_ctx, m.officer)
    before = held(order)
    response = attest(officer, order, m.officer, {line: "0"}, final=True)
    assert response.status_code == 422
    assert "Rien n’est encore attesté sur ce bon" in text_of(response)
    assert held(order) == before

    nothing = attest(officer, order, m.officer, {line: "0"})
    assert nothing.status_code == 422
    assert "Indiquez au moins une quantité réalisée." in text_of(nothing)
    assert held(order) == before

    assert attest(officer, order, m.officer, {line: "1"}).status_code == 303
    assert attest(officer, order, m.officer, {line: ""}, final=True).status_code == 303
    assert status_of(order) == "service_fait"


def test_a_manager_records_the_service_fait_an_officer_attests(app_ctx):
    m = make.market()
    order = make.order_in("notifie", m)
    (line,) = lines_of(order)
    manager = signed_in(app_ctx, m.approver)
    assert attest(manager, order, m.officer, {line: "2"}).status_code == 303

    (attestation,) = db.session.scalars(select(Attestation).where(Attestation.order_id == order.id))
    assert (attestation.attested_by_id, attestation.recorded_by_id) == (m.officer.id, m.approver.id)
    assert "Le 25/11/2026, attesté par Claire Roux" in page(manager, order)
    (event,) = events("order_attest", order)
    assert event.user_id == m.approver.id
    assert event.changes["attested_by_id"] == m.officer.id


def test_an_officer_may_attest_for_another_officer_an_assistant_may_not_record_it(app_ctx):
    m = make.market()
    order = make.order_in("notifie", m)
    (line,) = lines_of(order)
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    assert attest(assistant, order, m.officer, {line: "2"}).status_code == 403
    assert held(order) == before

    colleague = signed_in(app_ctx, factories.user("officer"))
    assert attest(colleague, order, m.officer, {line: "2"}).status_code == 303
    (attestation,) = db.session.scalars(select(Attestation).where(Attestation.order_id == order.id))
    assert attestation.attested_by_id == m.officer.id
    assert attestation.recorded_by_id == colleague.user.id


def test_the_service_fait_date_lies_between_the_notification_and_today(app_ctx, calendar):
    m = make.market()
    calendar.go(date(2026, 11, 20))
    order = make.order_in("notifie", m)  # notified on 20/11/2026
    calendar.go(date(2026, 11, 25))
    (line,) = lines_of(order)
    officer = signed_in(app_ctx, m.officer)
    before = held(order)
    message = "La date du service fait est entre la notification et aujourd’hui."
    for day in ("2026-11-19", "2026-11-26"):
        response = attest(officer, order, m.officer, {line: "2"}, day=day)
        assert response.status_code == 422 and message in text_of(response)
        assert held(order) == before
    assert attest(officer, order, m.officer, {line: "2"}, day="2026-11-20").status_code == 303


# --- invoices -------------------------------------------------------------------------------


def invoice(browser, order, number, excl, vat, incl, *, received="2026-11-25", final=False):
    form = {"number": number, "received_on": received, "excl_vat_cents": excl,
            "vat_cents": vat, "incl_vat_cents": incl}  # fmt: skip
    if final:
        form["final"] = "y"
    return post(browser, order, "invoice", form)


def pay(browser, order, bill, day="2026-11-25"):
    bill = make.fresh(bill)
    return browser.post(f"/orders/{order.id}/invoices/{bill.id}/pay",
                        data={"paid_on": day, "version": str(bill.version)})  # fmt: skip


def suspend(browser, order, bill, reason):
    bill = make.fresh(bill)
    return browser.post(f"/orders/{order.id}/invoices/{bill.id}/suspend",
                        data={"reason": reason, "version": str(bill.version)})  # fmt: skip


def resume(browser, order, bill):
    bill = make.fresh(bill)
    return browser.post(f"/orders/{order.id}/invoices/{bill.id}/resume",
                        data={"version": str(bill.version)})  # fmt: skip


def invoice_row(html: str, bill) -> str:
    match = re.search(rf'<tr id="invoice-{bill.id}">(.*?)</tr>', html, re.S)
    assert match, "no row for the invoice"
    return match.group(1)


def test_the_due_date_is_the_date_received_plus_the_contracts_payment_period(app_ctx):
    m = make.market(contract_kw={"payment_days": 30})
    order = make.order_in("service_fait", m)
    assistant = signed_in(app_ctx, m.drafter)
    response = invoice(assistant, order, "F-1", "900,00", "180,00", "1 080,00",
                       received="2026-11-20")  # fmt: skip
    assert response.status_code == 303
    (bill,) = invoices_of(order)
    assert bill.due_on == date(2026, 12, 20)
    row = invoice_row(page(assistant, order), bill)
    assert "20/11/2026" in row and "20/12/2026" in row and "en retard" not in row

    future = make.order_in("service_fait", m)
    before = held(future)
    refused = invoice(assistant, future, "F-2", "900,00", "180,00", "1 080,00",
                      received="2026-11-26")  # fmt: skip
    assert refused.status_code == 422
    assert "La date de réception ne peut pas être dans le futur." in text_of(refused)
    assert held(future) == before


def test_a_late_invoice_is_flagged_until_paid_and_not_while_suspended(app_ctx, calendar):
    m = make.market()  # payment in 60 days
    calendar.go(date(2026, 9, 1))
    order = make.order_in("service_fait", m)
    assistant = signed_in(app_ctx, m.drafter)
    assert invoice(assistant, order, "F-9", "900,00", "180,00", "1 080,00",
                   received="2026-09-01").status_code == 303  # fmt: skip
    (bill,) = invoices_of(order)
    assert bill.due_on == date(2026, 10, 31)
    contract_page = f"/contracts/{m.contract.id}"

    def seen_on(day):
        """The invoice's row and the contract's late list, on `day` (a new session)."""
        calendar.go(day)
        browser = signed_in(app_ctx, m.drafter)
        return invoice_row(page(browser, order), bill), text_of(browser.get(contract_page))

    row, contract = seen_on(date(2026, 10, 20))
    assert "31/10/2026" in row and "en retard" not in row
    assert "échue le" not in contract

    assistant = signed_in(app_ctx, m.drafter)
    no_reason = suspend(assistant, order, bill, " ")
    assert no_reason.status_code == 422
    assert "Indiquez le motif de la suspension." in text_of(no_reason)
    assert suspend(assistant, order, bill, "Attestation de TVA manquante").status_code == 303

    row, contract = seen_on(date(2026, 11, 9))  # past the first due date, but suspended
    assert "suspendue depuis le 20/10/2026 : Attestation de TVA manquante" in row
    assert "en retard" not in row and "échue le" not in contract
    assistant = signed_in(app_ctx, m.drafter)
    paid_while_suspended = pay(assistant, order, bill, "2026-11-09")
    assert paid_while_suspended.status_code == 409
    assert "Le paiement de cette facture est suspendu" in text_of(paid_while_suspended)

    assert resume(assistant, order, bill).status_code == 303
    assert make.fresh(bill).due_on == date(2026, 11, 20)  # 31/10 + 20 days suspended

    row, contract = seen_on(date(2026, 11, 20))  # due today: not late yet
    assert "20/11/2026" in row and "en retard" not in row

    row, contract = seen_on(date(2026, 11, 21))
    assert "en retard" in row
    assert "facture F-9" in contract and "échue le 20/11/2026" in contract
    assert "1 facture en retard" in contract

    assistant = signed_in(app_ctx, m.drafter)
    assert pay(assistant, order, bill, "2026-11-21").status_code == 303
    row, contract = seen_on(date(2026, 11, 21))
    assert "payée le 21/11/2026" in row and "en retard" not in row
    assert "échue le" not in contract


def test_a_payment_date_lies_between_receipt_and_today(app_ctx):
    m = make.market()
    order = make.order_in("facture", m, paid=False)
    (bill,) = invoices_of(order)
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    for day in ("2026-11-24", "2026-11-26"):
        response = pay(assistant, order, bill, day)
        assert response.status_code == 422
        assert "La date de paiement est entre la réception et aujourd’hui." in text_of(response)
        assert held(order) == before


def test_several_invoices_until_the_attested_amount_then_settled_once_all_are_paid(app_ctx):
    m = make.market()
    order = make.order_in("service_fait", m)  # 900,00 € attested
    assistant = signed_in(app_ctx, m.drafter)

    assert invoice(assistant, order, "F-1", "400,00", "80,00", "480,00").status_code == 303
    assert status_of(order) == "service_fait"
    assert f"Déjà facturé : {eur('400,00')} HT" in page(assistant, order)
    twice = invoice(assistant, order, "F-1", "100,00", "20,00", "120,00")
    assert twice.status_code == 409
    assert "Une facture n° F-1 est déjà enregistrée sur ce bon." in text_of(twice)

    assert invoice(assistant, order, "F-2", "500,00", "100,00", "600,00").status_code == 303
    assert status_of(order) == "facture"
    first, second = invoices_of(order)

    before = held(order)
    unpaid = post(assistant, order, "settle")
    assert unpaid.status_code == 409
    assert "Une facture n’est pas encore payée" in text_of(unpaid)
    assert held(order) == before
    assert pay(assistant, order, first).status_code == 303
    assert post(assistant, order, "settle").status_code == 409
    assert pay(assistant, order, second).status_code == 303

    assert post(assistant, order, "settle").status_code == 303
    settled = make.fresh(order)
    assert settled.status.value == "solde" and settled.settled_excl_vat_cents == 900_00
    (event,) = events("order_settle", order)
    assert event.changes["released_cents"] == 0


def lot_cell(html: str, lot, label: str) -> str:
    row = re.search(rf'<tr id="lot-{lot.id}">(.*?)</tr>', html, re.S)
    assert row, "no row for the lot"
    cell = re.search(rf'data-label="{label}">(.*?)</td>', row.group(1), re.S)
    return cell.group(1).strip()


def test_settling_below_the_order_releases_the_rest_of_the_commitment(app_ctx):
    m = make.market(maximum_cents=10_000_00)
    order = make.order_in("service_fait", m)  # 900,00 € ordered and attested
    make.order_in("approuve", m)  # another 900,00 € committed
    assistant = signed_in(app_ctx, m.drafter)
    contract_page = f"/contracts/{m.contract.id}"
    before = text_of(assistant.get(contract_page))
    assert lot_cell(before, m.lot, "Engagé") == eur("1 800,00")

    final = invoice(assistant, order, "F-1", "800,00", "160,00", "960,00", final=True)
    assert final.status_code == 303 and status_of(order) == "facture"
    (bill,) = invoices_of(order)
    assert pay(assistant, order, bill).status_code == 303
    assert post(assistant, order, "settle").status_code == 303

    settled = make.fresh(order)
    assert settled.status.value == "solde" and settled.settled_excl_vat_cents == 800_00
    assert settled.settled_on == date(2026, 11, 25)
    assert (f"Soldé le 25/11/2026 à {eur('800,00')} HT ; engagement libéré : {eur('100,00')}."
            in page(assistant, order))  # fmt: skip
    (event,) = events("order_settle", order)
    assert event.changes["released_cents"] == 100_00

    after = text_of(assistant.get(contract_page))
    assert lot_cell(after, m.lot, "Engagé") == eur("1 700,00")
    assert lot_cell(after, m.lot, "Facturé") == eur("800,00")
    assert lot_cell(after, m.lot, "Payé") == eur("800,00")
    assert eur("8 300,00") in lot_cell(after, m.lot, "Reste")
