"""Helpers of the orders' lifecycle tests through the real routes: signed-in people, the
transition POSTs with the order's version, a valid form for each transition, and what
the database holds about an order (to prove a refused POST wrote nothing)."""

from __future__ import annotations

from sqlalchemy import func, select

from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.notifications.models import Notification
from capintra.orders import queries
from capintra.orders.models import (
    Attestation,
    AttestationLine,
    Invoice,
    Order,
    OrderCounter,
    OrderLine,
)
from tests.conftest import login
from tests.households.helpers import text_of
from tests.orders.make import TODAY, fresh

#: The transitions of DESIGN §2 (the last part of POST /orders/<id>/<transition>).
TRANSITIONS = ("submit", "reject", "approve", "notify", "attest", "invoice", "settle", "cancel")
#: The order's states (OrderStatus values).
STATES = ("brouillon", "soumis", "approuve", "notifie", "service_fait", "facture", "solde",
          "annule")  # fmt: skip


def signed_in(app, user):
    """A browser signed in as `user`, its CSRF token already read (so that no request
    happens between a snapshot and the POST under test)."""
    browser = login(app.test_client(), user)
    browser.refresh_token()
    return browser


def post(browser, order: Order, transition: str, data=None, *, version="current"):
    """POST /orders/<id>/<transition> with the order's current version (or `version`:
    None leaves it out)."""
    body = dict(data or {})
    if version == "current":
        version = fresh(order).version
    if version is not None:
        body["version"] = str(version)
    return browser.post(f"/orders/{order.id}/{transition}", data=body)


def full_quantities(order: Order) -> dict[str, str]:
    """`qty-<line id>` fields attesting every line in full."""
    return {f"qty-{line.id}": f"{line.quantity_centi // 100}" for line in queries.lines_of(order)}


def valid_form(transition: str, order: Order, m) -> dict:
    """A form the transition accepts when the order is in its source state (2 × DIAG:
    900,00 € HT, 180,00 € of VAT)."""
    day = TODAY.isoformat()
    return {
        "submit": {},
        "reject": {"reason": "Quantité à revoir avec le titulaire."},
        "approve": {},
        "notify": {"notified_on": day, "channel": "courrier"},
        "attest": {
            "attested_on": day,
            "attested_by_id": str(m.officer.id),
            **full_quantities(order),
        },  # fmt: skip
        "invoice": {
            "number": "F-2026-0042",
            "received_on": day,
            "excl_vat_cents": "900,00",
            "vat_cents": "180,00",
            "incl_vat_cents": "1 080,00",
        },  # fmt: skip
        "settle": {},
        "cancel": {"reason": "Bon saisi en double."},
    }[transition]


def count(model, *criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def held(order: Order) -> dict:
    """What the database holds about the order and around it: its state, version,
    number and totals, its lines' prices, attestations, invoices, and every audit
    event, notification and number counter."""
    db.session.expire_all()
    row = db.session.get(Order, order.id)
    lines = db.session.execute(
        select(OrderLine.id, OrderLine.quantity_centi, OrderLine.unit_price_cents,
               OrderLine.total_cents).where(OrderLine.order_id == order.id)
        .order_by(OrderLine.id)
    ).all()  # fmt: skip
    invoices = db.session.execute(
        select(Invoice.id, Invoice.excl_vat_cents, Invoice.due_on, Invoice.paid_on,
               Invoice.suspended_since, Invoice.version).where(Invoice.order_id == order.id)
        .order_by(Invoice.id)
    ).all()  # fmt: skip
    return {
        "status": row.status.value,
        "version": row.version,
        "number": row.number,
        "totals": (row.total_excl_vat_cents, row.vat_cents, row.total_incl_vat_cents),
        "decided_by": row.decided_by_id,
        "lines": [tuple(line) for line in lines],
        "invoices": [tuple(i) for i in invoices],
        "attestations": count(Attestation),
        "attestation_lines": count(AttestationLine),
        "audit_events": count(AuditEvent),
        "notifications": count(Notification),
        "counters": [tuple(c) for c in db.session.execute(
            select(OrderCounter.year, OrderCounter.last).order_by(OrderCounter.year))],
    }  # fmt: skip


def status_of(order: Order) -> str:
    return fresh(order).status.value


def events(action: str, order: Order) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.entity_type == "purchase_order",
                   AuditEvent.entity_id == order.id)
            .order_by(AuditEvent.id)
        )
    )  # fmt: skip


def page(browser, order: Order) -> str:
    response = browser.get(f"/orders/{order.id}")
    assert response.status_code == 200
    return text_of(response)


def eur(amount: str) -> str:
    """An amount as the pages print it: eur("1 080,00") is "1 080,00 €" with Babel's narrow
    no-break space between thousands and a no-break space before the sign."""
    return amount.replace(" ", "\u202f") + "\xa0€"
