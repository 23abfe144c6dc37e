"""The order lifecycle of DESIGN §2 through the real routes: every cell of the transition
table (8 states × 8 transitions, allowed → 303 and the new state, the others 409 with
nothing written), who may post each transition (403 without the capability), the
cancellation rules, the version every transition carries, and the audit event each
transition writes."""

from __future__ import annotations

from datetime import date

import pytest

from tests.households.helpers import text_of
from tests.orders import make
from tests.orders.steps import (
    STATES,
    TRANSITIONS,
    events,
    held,
    page,
    post,
    signed_in,
    status_of,
    valid_form,
)

pytestmark = pytest.mark.usefixtures("calendar")

#: DESIGN §2's table: (from, transition) → to. Every other pair answers 409.
ALLOWED = {
    ("brouillon", "submit"): "soumis",
    ("brouillon", "cancel"): "annule",
    ("soumis", "reject"): "brouillon",
    ("soumis", "approve"): "approuve",
    ("soumis", "cancel"): "annule",
    ("approuve", "notify"): "notifie",
    ("approuve", "cancel"): "annule",
    ("notifie", "attest"): "service_fait",
    ("service_fait", "invoice"): "facture",
    ("facture", "settle"): "solde",
}


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("state", STATES)
def test_every_cell_of_the_transition_table(app_ctx, state, transition):
    """A manager who holds a delegation and neither drafted nor submitted the order holds
    every capability: only the state decides."""
    m = make.market()
    order = make.order_in(state, m)
    manager = signed_in(app_ctx, m.approver)
    before = held(order)

    response = post(manager, order, transition, valid_form(transition, order, m))

    if (state, transition) in ALLOWED:
        assert response.status_code == 303, text_of(response)[:2000]
        assert response.headers["Location"].endswith(f"/orders/{order.id}")
        assert status_of(order) == ALLOWED[(state, transition)]
        assert held(order)["version"] > before["version"]
    else:
        assert response.status_code == 409
        assert "Impossible dans l’état actuel du bon" in text_of(response)
        assert held(order) == before


def test_a_draft_without_lines_is_not_submitted(app_ctx):
    m = make.market()
    order = make.draft(m, lines=[])
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    response = post(assistant, order, "submit")
    assert response.status_code == 409
    assert "Ajoutez au moins une ligne avant de soumettre le bon." in text_of(response)
    assert held(order) == before


def test_the_notification_has_a_date_and_a_channel_and_starts_the_execution(app_ctx, calendar):
    m = make.market()
    calendar.go(date(2026, 11, 20))
    order = make.order_in("approuve", m)  # ordered on 20/11/2026, no execution period
    calendar.go(date(2026, 11, 25))
    assistant = signed_in(app_ctx, m.drafter)
    before = held(order)
    message = "La date de notification est entre la date du bon et aujourd’hui."
    for day in ("2026-11-19", "2026-11-26"):
        response = post(assistant, order, "notify", {"notified_on": day, "channel": "courriel"})
        assert response.status_code == 422 and message in text_of(response)
    no_channel = post(assistant, order, "notify", {"notified_on": "2026-11-21"})
    assert no_channel.status_code == 422
    assert "Choisissez le moyen de notification." in text_of(no_channel)
    assert held(order) == before

    done = post(assistant, order, "notify", {"notified_on": "2026-11-21", "channel": "courriel"})
    assert done.status_code == 303
    notified = make.fresh(order)
    assert (notified.notified_on, notified.notified_channel.value) == (date(2026, 11, 21),
                                                                       "courriel")  # fmt: skip
    assert notified.execution_start == date(2026, 11, 21)
    assert "le 21/11/2026 · Courriel" in page(assistant, order)


# --- who may post each transition -----------------------------------------------------------

#: The state each transition starts from.
SOURCE = {"submit": "brouillon", "reject": "soumis", "approve": "soumis",
          "notify": "approuve", "attest": "notifie", "invoice": "service_fait",
          "settle": "facture", "cancel": "brouillon"}  # fmt: skip


@pytest.mark.parametrize(
    ("transition", "role"),
    [
        ("approve", "officer"),
        ("approve", "assistant"),
        ("reject", "officer"),
        ("reject", "assistant"),
        ("notify", "officer"),
        ("invoice", "officer"),
        ("settle", "officer"),
        ("attest", "assistant"),
    ],
)
def test_a_role_without_the_capability_gets_403_and_nothing_changes(
    app_ctx, make_user, transition, role
):
    m = make.market()
    order = make.order_in(SOURCE[transition], m)
    someone = signed_in(app_ctx, make_user(role))
    before = held(order)
    response = post(someone, order, transition, valid_form(transition, order, m))
    assert response.status_code == 403
    assert held(order) == before


TARGET = {"notify": "notifie", "invoice": "facture", "settle": "solde", "attest": "service_fait"}


@pytest.mark.parametrize(
    ("transition", "role"),
    [
        ("notify", "assistant"),
        ("notify", "manager"),
        ("invoice", "assistant"),
        ("invoice", "manager"),
        ("settle", "assistant"),
        ("settle", "manager"),
        ("attest", "officer"),
        ("attest", "manager"),
    ],
)
def test_the_roles_that_record_and_attest(app_ctx, make_user, transition, role):
    m = make.market()
    order = make.order_in(SOURCE[transition], m)
    someone = signed_in(app_ctx, make_user(role))
    response = post(someone, order, transition, valid_form(transition, order, m))
    assert response.status_code == 303, text_of(response)[:2000]
    assert status_of(order) == TARGET[transition]


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_each_drafting_role_submits_and_cancels_its_own_draft(app_ctx, make_user, role):
    m = make.market()
    author = make_user(role)
    browser = signed_in(app_ctx, author)
    submitted = make.draft(m, by=author)
    assert post(browser, submitted, "submit").status_code == 303
    assert status_of(submitted) == "soumis"

    cancelled = make.draft(m, by=author)
    assert post(browser, cancelled, "cancel").status_code == 303
    assert status_of(cancelled) == "annule"


@pytest.fixture
def make_user(app_ctx):
    from tests import factories

    return factories.user


# --- cancellation ---------------------------------------------------------------------------


def test_an_approved_order_is_cancelled_by_a_manager_with_a_reason_and_keeps_its_number(
    app_ctx,
):
    m = make.market()
    order = make.order_in("approuve", m)
    assert make.fresh(order).number == "BC-2026-0001"
    drafter = signed_in(app_ctx, m.drafter)
    manager = signed_in(app_ctx, m.approver)

    before = held(order)
    by_drafter = post(drafter, order, "cancel", {"reason": "Le ménage a déménagé."})
    assert by_drafter.status_code == 409
    assert "Seul un ou une responsable annule un bon approuvé." in text_of(by_drafter)
    assert held(order) == before

    without_reason = post(manager, order, "cancel", {"reason": "  "})
    assert without_reason.status_code == 422
    assert "Indiquez le motif de l’annulation." in text_of(without_reason)
    assert held(order) == before

    done = post(manager, order, "cancel", {"reason": "Le ménage a déménagé."})
    assert done.status_code == 303
    cancelled = make.fresh(order)
    assert cancelled.status.value == "annule" and cancelled.number == "BC-2026-0001"
    assert cancelled.cancel_reason == "Le ménage a déménagé."
    shown = page(manager, order)
    assert "Annulé le 25/11/2026. Motif : Le ménage a déménagé." in shown

    register = text_of(manager.get("/orders/?status=annule"))
    assert "BC-2026-0001" in register and "Annulé" in register


@pytest.mark.parametrize("state", ["brouillon", "soumis"])
def test_a_draft_or_submitted_order_is_cancelled_by_its_drafter_or_a_manager_only(
    app_ctx, make_user, state
):
    m = make.market()
    other_assistant = signed_in(app_ctx, make_user("assistant"))
    officer = signed_in(app_ctx, make_user("officer"))
    order = make.order_in(state, m)
    before = held(order)
    for stranger in (other_assistant, officer):
        refused = post(stranger, order, "cancel")
        assert refused.status_code == 409
        assert "Seuls son rédacteur ou un ou une responsable annulent ce bon." in text_of(refused)
        assert held(order) == before

    by_drafter = post(signed_in(app_ctx, m.drafter), order, "cancel")
    assert by_drafter.status_code == 303 and status_of(order) == "annule"

    another = make.order_in(state, m)
    by_manager = post(signed_in(app_ctx, make_user("manager")), another, "cancel")
    assert by_manager.status_code == 303 and status_of(another) == "annule"


# --- the version every transition carries ---------------------------------------------------


@pytest.mark.parametrize("transition", ["submit", "approve", "notify", "cancel"])
def test_a_missing_or_stale_version_answers_409_and_changes_nothing(app_ctx, transition):
    m = make.market()
    order = make.order_in(SOURCE[transition], m)
    manager = signed_in(app_ctx, m.approver)
    form = valid_form(transition, order, m)
    before = held(order)

    missing = post(manager, order, transition, form, version=None)
    assert missing.status_code == 409
    assert "modifié par quelqu’un d’autre" in text_of(missing)
    stale = post(manager, order, transition, form, version=before["version"] - 1)
    assert stale.status_code == 409
    assert held(order) == before

    assert post(manager, order, transition, form).status_code == 303


# --- audit ----------------------------------------------------------------------------------


def test_each_transition_writes_its_audit_event_by_whom_posted_it(app_ctx, make_user):
    m = make.market()
    drafter = signed_in(app_ctx, m.drafter)
    manager = signed_in(app_ctx, m.approver)
    officer = signed_in(app_ctx, m.officer)
    order = make.draft(m)

    steps = [
        (drafter, "submit", {}),
        (manager, "reject", {"reason": "Ajoutez le lieu exact."}),
        (drafter, "submit", {}),
        (manager, "approve", {}),
        (drafter, "notify", {"notified_on": "2026-11-25", "channel": "courriel"}),
        (officer, "attest", None),
        (drafter, "invoice", None),
    ]
    for browser, transition, form in steps:
        form = valid_form(transition, order, m) if form is None else form
        response = post(browser, order, transition, form)
        assert response.status_code == 303, (transition, text_of(response)[:2000])
    invoice = make.fresh(order)
    from capintra.orders.queries import invoices_of

    (bill,) = invoices_of(invoice)
    paid = drafter.post(f"/orders/{order.id}/invoices/{bill.id}/pay",
                        data={"paid_on": "2026-11-25", "version": str(bill.version)})  # fmt: skip
    assert paid.status_code == 303
    assert post(drafter, order, "settle").status_code == 303

    expected = [
        ("order_submit", m.drafter, ["brouillon", "soumis"]),
        ("order_reject", m.approver, ["soumis", "brouillon"]),
        ("order_submit", m.drafter, ["brouillon", "soumis"]),
        ("order_approve", m.approver, ["soumis", "approuve"]),
        ("order_notify", m.drafter, ["approuve", "notifie"]),
        ("order_attest", m.officer, ["notifie", "service_fait"]),
        ("order_invoice", m.drafter, ["service_fait", "facture"]),
        ("order_settle", m.drafter, ["facture", "solde"]),
    ]
    found = [e for name in dict.fromkeys(a for a, _u, _s in expected) for e in events(name, order)]
    found.sort(key=lambda e: e.id)
    assert [(e.action, e.user_id, e.changes["status"]) for e in found] == [
        (action, user.id, status) for action, user, status in expected
    ]
    approve = events("order_approve", order)[0]
    assert approve.changes["number"] == "BC-2026-0001"
    assert events("order_reject", order)[0].changes["reason"] == "Ajoutez le lieu exact."

    other = make.draft(m)
    assert post(drafter, other, "cancel", {"reason": "Doublon."}).status_code == 303
    (cancel,) = events("order_cancel", other)
    assert (cancel.user_id, cancel.changes["status"]) == (m.drafter.id, ["brouillon", "annule"])
    assert cancel.changes["reason"] == "Doublon."
