"""Approval of a submitted order through the real routes (DESIGN §2, the « soumis →
approuvé » row): never one's own order, a signing delegation in force covering the
operation and the amount (deputies within their dates sign « pour X, par délégation »),
the contract in force, the lot's maximum to the exact cent (amendments from their date,
cancelled orders released, settled ones at their actual amount), the prices of the
approval date frozen, gapless numbers, and who is notified."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.notifications.models import Notification
from capintra.orders.models import OrderLine
from tests import factories
from tests.households.helpers import text_of
from tests.orders import make
from tests.orders.steps import eur, held, page, post, signed_in, status_of

pytestmark = pytest.mark.usefixtures("calendar")

NOT_OWN = "Vous avez rédigé ou soumis ce bon : un ou une autre responsable doit le valider."
NO_DELEGATION = "Aucune délégation de signature en vigueur ne vous permet de valider ce bon"


def approve(browser, order):
    return post(browser, order, "approve")


def refused(response, order, before, reason: str) -> None:
    """409, the reason on the page, and nothing written."""
    assert response.status_code == 409
    assert reason in text_of(response)
    assert held(order) == before


# --- segregation ----------------------------------------------------------------------------


def test_a_manager_does_not_approve_nor_reject_an_order_they_drafted(app_ctx):
    m = make.market()
    order = make.order_in("soumis", m, by=m.approver)  # drafted by the approver…
    manager = signed_in(app_ctx, m.approver)
    before = held(order)
    refused(approve(manager, order), order, before, NOT_OWN)
    rejected = post(manager, order, "reject", {"reason": "Je préfère le reprendre."})
    refused(rejected, order, before, NOT_OWN)


def test_a_manager_does_not_approve_nor_reject_an_order_they_submitted(app_ctx):
    m = make.market()
    order = make.draft(m)  # drafted by the assistant, submitted by the approver
    manager = signed_in(app_ctx, m.approver)
    assert post(manager, order, "submit").status_code == 303
    before = held(order)
    refused(approve(manager, order), order, before, NOT_OWN)
    refused(post(manager, order, "reject", {"reason": "Non."}), order, before, NOT_OWN)

    approval = manager.get(f"/orders/{order.id}/approval")
    assert approval.status_code == 200 and NOT_OWN in text_of(approval)

    colleague = factories.user("manager")
    make.delegation(colleague)
    assert approve(signed_in(app_ctx, colleague), order).status_code == 303
    assert make.fresh(order).decided_by_id == colleague.id


def test_a_rejection_needs_a_reason_and_sends_the_order_back_to_its_drafter(app_ctx):
    m = make.market()
    order = make.order_in("soumis", m)
    manager = signed_in(app_ctx, m.approver)
    before = held(order)
    blank = post(manager, order, "reject", {"reason": " "})
    assert blank.status_code == 422 and "Indiquez le motif du rejet." in text_of(blank)
    assert held(order) == before

    assert post(manager, order, "reject", {"reason": "Précisez le lieu."}).status_code == 303
    back = make.fresh(order)
    assert back.status.value == "brouillon" and back.number is None
    assert back.rejection_reason == "Précisez le lieu."
    assert "Renvoyé en brouillon par Jérôme Faure :</strong> Précisez le lieu." in page(
        manager, order
    )


# --- delegations ----------------------------------------------------------------------------


def decider(**delegation):
    """A manager (who did not draft the orders) with one delegation."""
    manager = factories.user("manager", full_name="Nadia Benali")
    make.delegation(manager, **delegation)
    return manager


def test_a_delegation_that_does_not_cover_the_operation_refuses(app_ctx):
    m = make.market()
    elsewhere = factories.operation(name="Quartier Chavanelle")
    browser = signed_in(app_ctx, decider(operations=[elsewhere]))
    order = make.order_in("soumis", m)
    before = held(order)
    refused(approve(browser, order), order, before, NO_DELEGATION)

    covering = decider(operations=[elsewhere, m.operation])
    assert approve(signed_in(app_ctx, covering), order).status_code == 303


def test_the_delegation_maximum_is_a_cap_to_the_cent(app_ctx):
    m = make.market()
    order = make.order_in("soumis", m)  # 900,00 € HT
    below = signed_in(app_ctx, decider(maximum_cents=899_99))
    before = held(order)
    response = approve(below, order)
    refused(response, order, before, NO_DELEGATION + " (opération, montant de " + eur("900,00"))

    exactly = decider(maximum_cents=900_00)
    assert approve(signed_in(app_ctx, exactly), order).status_code == 303
    assert status_of(order) == "approuve"


@pytest.mark.parametrize(
    ("start", "end", "approved"),
    [
        (date(2026, 11, 26), None, False),  # starts tomorrow
        (date(2026, 1, 1), date(2026, 11, 24), False),  # ended yesterday
        (date(2026, 11, 25), date(2026, 11, 25), True),  # both dates included
    ],
)
def test_a_delegation_counts_between_its_dates_only(app_ctx, start, end, approved):
    m = make.market()
    browser = signed_in(app_ctx, decider(start_date=start, end_date=end))
    order = make.order_in("soumis", m)
    before = held(order)
    response = approve(browser, order)
    if approved:
        assert response.status_code == 303 and status_of(order) == "approuve"
    else:
        refused(response, order, before, NO_DELEGATION)


def test_a_deputy_within_their_dates_approves_for_the_holder(app_ctx):
    m = make.market()
    holder = factories.user("manager", full_name="Marc Vidal")
    held_delegation = make.delegation(holder, maximum_cents=5_000_00)
    stand_in = factories.user("manager", full_name="Nadia Benali")
    make.deputy(held_delegation, stand_in, start_date=date(2026, 11, 16),
                end_date=date(2026, 11, 27))  # fmt: skip
    order = make.order_in("soumis", m)
    browser = signed_in(app_ctx, stand_in)

    screen = text_of(browser.get(f"/orders/{order.id}/approval"))
    assert "Vous signerez pour Marc Vidal, par délégation." in screen
    assert approve(browser, order).status_code == 303
    approved = make.fresh(order)
    assert approved.decided_by_id == stand_in.id
    assert approved.on_behalf_of_id == holder.id
    assert approved.delegation_id == held_delegation.id
    assert "Nadia Benali, pour Marc Vidal, par délégation" in page(browser, order)


def test_a_deputy_outside_their_dates_is_refused(app_ctx):
    m = make.market()
    holder = factories.user("manager", full_name="Marc Vidal")
    stand_in = factories.user("manager", full_name="Nadia Benali")
    make.deputy(make.delegation(holder), stand_in, start_date=date(2026, 8, 1),
                end_date=date(2026, 8, 31))  # fmt: skip
    browser = signed_in(app_ctx, stand_in)
    order = make.order_in("soumis", m)
    before = held(order)
    refused(approve(browser, order), order, before, NO_DELEGATION)


# --- the contract in force ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "approved"),
    [
        (date(2026, 1, 1), date(2026, 11, 24), False),  # ended yesterday
        (date(2026, 11, 26), date(2028, 12, 31), False),  # starts tomorrow
        (date(2026, 1, 1), date(2026, 11, 25), True),  # its last day
    ],
)
def test_the_contract_must_be_in_force_on_the_approval_date(app_ctx, start, end, approved):
    m = make.market(contract_kw={"start_date": start, "end_date": end, "reference": "AC-2026-07"})
    manager = signed_in(app_ctx, m.approver)
    order = make.order_in("soumis", m)
    before = held(order)
    response = approve(manager, order)
    if approved:
        assert response.status_code == 303
    else:
        refused(response, order, before,
                "L’accord-cadre AC-2026-07 n’est pas en vigueur au 25/11/2026.")  # fmt: skip


# --- the lot's maximum ----------------------------------------------------------------------


def over_by(over: str, maximum: str, before: str) -> str:
    return (f"Ce bon dépasserait le maximum du lot de {eur(over)} HT (maximum {eur(maximum)}, "
            f"déjà engagé {eur(before)}).")  # fmt: skip


def test_committed_plus_this_order_may_reach_the_maximum_exactly(app_ctx):
    m = make.market(maximum_cents=1_800_00)
    make.order_in("approuve", m)  # 900,00 € committed
    order = make.order_in("soumis", m)  # 900,00 € more: 1 800,00 €
    assert approve(signed_in(app_ctx, m.approver), order).status_code == 303
    assert make.fresh(order).number == "BC-2026-0002"


def test_one_cent_over_the_maximum_is_refused_with_the_figures(app_ctx):
    m = make.market(maximum_cents=1_799_99)
    make.order_in("approuve", m)
    order = make.order_in("soumis", m)
    manager = signed_in(app_ctx, m.approver)
    screen = text_of(manager.get(f"/orders/{order.id}/approval"))
    assert over_by("0,01", "1 799,99", "900,00") in screen
    before = held(order)
    refused(approve(manager, order), order, before, over_by("0,01", "1 799,99", "900,00"))


def test_an_amendment_signed_before_today_raises_the_maximum(app_ctx):
    m = make.market(maximum_cents=1_000_00)
    make.order_in("approuve", m)
    make.amendment(m.lot, signed_on=date(2026, 11, 2), new_maximum_cents=1_800_00)
    order = make.order_in("soumis", m)
    assert approve(signed_in(app_ctx, m.approver), order).status_code == 303


def test_an_amendment_dated_in_the_future_does_not_count_yet(app_ctx, calendar):
    m = make.market(maximum_cents=1_000_00)
    make.order_in("approuve", m)
    make.amendment(m.lot, signed_on=date(2026, 11, 26), new_maximum_cents=1_800_00)
    order = make.order_in("soumis", m)
    manager = signed_in(app_ctx, m.approver)
    before = held(order)
    refused(approve(manager, order), order, before, over_by("800,00", "1 000,00", "900,00"))

    calendar.go(date(2026, 11, 26))  # the amendment's day: a new session
    assert approve(signed_in(app_ctx, m.approver), order).status_code == 303


def test_a_cancelled_approved_order_releases_its_commitment(app_ctx):
    m = make.market(maximum_cents=1_800_00)
    first = make.order_in("approuve", m)
    make.order_in("approuve", m)
    third = make.order_in("soumis", m)
    manager = signed_in(app_ctx, m.approver)
    before = held(third)
    refused(approve(manager, third), third, before, over_by("900,00", "1 800,00", "1 800,00"))

    assert post(manager, first, "cancel", {"reason": "Prestation abandonnée."}).status_code == 303
    assert approve(manager, third).status_code == 303
    assert make.fresh(third).number == "BC-2026-0003"


def test_a_settled_order_counts_at_its_invoiced_amount(app_ctx):
    m = make.market(maximum_cents=1_800_00)
    settled = make.order_in("notifie", m)  # 2 × 450,00 ordered
    officer, assistant = signed_in(app_ctx, m.officer), signed_in(app_ctx, m.drafter)
    (line,) = db.session.scalars(select(OrderLine).where(OrderLine.order_id == settled.id))
    done_once = post(officer, settled, "attest", {
        "attested_on": "2026-11-25", "attested_by_id": str(m.officer.id),
        f"qty-{line.id}": "1", "final": "y"})  # fmt: skip
    assert done_once.status_code == 303
    billed = post(assistant, settled, "invoice", {
        "number": "F-77", "received_on": "2026-11-25", "excl_vat_cents": "450,00",
        "vat_cents": "90,00", "incl_vat_cents": "540,00"})  # fmt: skip
    assert billed.status_code == 303 and status_of(settled) == "facture"
    from capintra.orders.queries import invoices_of

    (invoice,) = invoices_of(settled)
    assistant.post(f"/orders/{settled.id}/invoices/{invoice.id}/pay",
                   data={"paid_on": "2026-11-25", "version": str(invoice.version)})  # fmt: skip
    assert post(assistant, settled, "settle").status_code == 303

    # 450,00 € settled + 3 × 450,00 € = 1 800,00 €: the maximum, exactly
    order = make.order_in("soumis", m, [(m.diag, "3")])
    assert approve(signed_in(app_ctx, m.approver), order).status_code == 303


# --- prices of the approval date ------------------------------------------------------------


def test_approval_freezes_the_price_in_force_on_its_date(app_ctx, calendar):
    m = make.market()
    calendar.go(date(2026, 11, 10))
    order = make.order_in("soumis", m)  # drafted at 450,00 €
    # revisions: from the approval day, and from the day after
    make.price_version(m.diag, valid_from=date(2026, 11, 25), unit_price_cents=470_00)
    make.price_version(m.diag, valid_from=date(2026, 11, 26), unit_price_cents=490_00)

    calendar.go(date(2026, 11, 25))
    manager = signed_in(app_ctx, m.approver)
    screen = text_of(manager.get(f"/orders/{order.id}/approval"))
    assert "Des prix ont changé depuis la rédaction" in screen
    assert f"Diagnostic social : {eur('450,00')} → {eur('470,00')}" in screen
    assert f"Prix en vigueur aujourd’hui : {eur('470,00')}" in page(manager, order)
    assert held(order)["lines"][0][2:] == (450_00, 900_00)  # the screen changed nothing

    assert approve(manager, order).status_code == 303
    approved = held(order)
    assert approved["lines"][0][1:] == (200, 470_00, 940_00)
    assert approved["totals"] == (940_00, 188_00, 1_128_00)

    make.price_version(m.diag, valid_from=date(2026, 12, 1), unit_price_cents=500_00)
    calendar.go(date(2026, 12, 2))
    later = signed_in(app_ctx, m.approver)
    shown = page(later, order)
    assert eur("470,00") in shown and eur("1 128,00") in shown
    assert "Prix en vigueur aujourd’hui" not in shown
    assert held(order)["lines"] == approved["lines"]
    assert held(order)["totals"] == (940_00, 188_00, 1_128_00)


def test_a_contract_turned_exempt_before_approval_gives_an_order_without_vat(app_ctx):
    m = make.market()
    order = make.order_in("soumis", m)
    assert held(order)["totals"] == (900_00, 180_00, 1_080_00)
    contract = make.fresh(m.contract)
    contract.vat_exempt, contract.vat_rate_bp = True, 0
    db.session.commit()

    assert approve(signed_in(app_ctx, m.approver), order).status_code == 303
    approved = make.fresh(order)
    assert approved.vat_exempt
    assert held(order)["totals"] == (900_00, 0, 900_00)


# --- numbers --------------------------------------------------------------------------------


def test_numbers_are_given_in_order_of_approval_without_gaps(app_ctx, calendar):
    m = make.market(maximum_cents=2_700_00)
    first, second, too_much, third = (
        make.order_in("soumis", m),
        make.order_in("soumis", m),
        make.order_in("soumis", m, [(m.diag, "3")]),  # 1 350,00 €: over the maximum
        make.order_in("soumis", m),
    )
    manager = signed_in(app_ctx, m.approver)
    assert [make.fresh(o).number for o in (first, second, third)] == [None, None, None]

    assert approve(manager, second).status_code == 303
    assert approve(manager, first).status_code == 303
    assert approve(manager, too_much).status_code == 409
    assert approve(manager, third).status_code == 303
    assert [make.fresh(o).number for o in (second, first, third)] == [
        "BC-2026-0001", "BC-2026-0002", "BC-2026-0003"]  # fmt: skip
    assert make.fresh(too_much).number is None
    assert make.fresh(first).ordered_on == date(2026, 11, 25)

    assert post(manager, first, "cancel", {"reason": "Erreur de lot."}).status_code == 303
    assert make.fresh(first).number == "BC-2026-0002"

    # a new year starts again at 0001 (a delegation without end date)
    calendar.go(date(2027, 1, 4))
    make.delegation(m.approver, start_date=date(2027, 1, 1), end_date=None)
    later = make.order_in("soumis", m, [(m.diag, "1")])
    assert approve(signed_in(app_ctx, m.approver), later).status_code == 303
    assert make.fresh(later).number == "BC-2027-0001"
    assert make.fresh(later).ordered_on == date(2027, 1, 4)


# --- who is told ----------------------------------------------------------------------------


def notified(kind: str) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Notification.user_id, Notification.message)
        .where(Notification.kind == kind)
        .order_by(Notification.user_id)
    ).all()
    return [tuple(row) for row in rows]


def test_submitting_notifies_the_managers_whose_delegation_covers_the_order(app_ctx):
    m = make.market()  # the approver covers every operation up to 20 000,00 €
    elsewhere = factories.user("manager")
    make.delegation(elsewhere, operations=[factories.operation()])
    too_small = factories.user("manager")
    make.delegation(too_small, maximum_cents=899_99)
    expired = factories.user("manager")
    make.delegation(expired, end_date=date(2026, 10, 31))
    factories.user("manager")  # no delegation
    stand_in = factories.user("manager")
    make.deputy(m.delegation, stand_in, start_date=date(2026, 11, 1), end_date=date(2026, 11, 30))
    submitter = factories.user("manager")  # covered, but submits it: not told
    make.delegation(submitter)

    order = make.draft(m)
    assert post(signed_in(app_ctx, submitter), order, "submit").status_code == 303
    # the stored message has plain spaces (notify() normalises them)
    message = f"Bon de commande à approuver : n° provisoire {order.id}, 900,00 € HT."
    assert notified("order_submitted") == sorted([(m.approver.id, message),
                                                  (stand_in.id, message)])  # fmt: skip


def test_approval_and_rejection_notify_the_drafter(app_ctx):
    m = make.market()
    manager = signed_in(app_ctx, m.approver)
    rejected = make.order_in("soumis", m)
    assert post(manager, rejected, "reject", {"reason": "Lieu manquant."}).status_code == 303
    assert notified("order_rejected") == [(m.drafter.id, (
        f"Bon de commande renvoyé en brouillon : n° provisoire {rejected.id}. "
        "Motif : Lieu manquant."))]  # fmt: skip

    approved = make.order_in("soumis", m)
    assert approve(manager, approved).status_code == 303
    assert notified("order_approved") == [
        (m.drafter.id, "Bon de commande approuvé : BC-2026-0001.")
    ]

    refused_one = make.order_in("soumis", m, by=m.approver)
    before = held(refused_one)
    assert approve(manager, refused_one).status_code == 409
    assert held(refused_one)["notifications"] == before["notifications"]
