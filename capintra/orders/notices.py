"""The orders' daily notice (`flask notify-due`, Feature.due_notices): an invoice due
within a week, or past due, unpaid and not suspended, notified once per due date to the
people who record payments (active assistants) and to whoever drafted its order."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from capintra.auth.models import User
from capintra.extensions import db
from capintra.notifications.services import Notice, internal_path, notify_many
from capintra.orders.models import Invoice, Order
from capintra.security import Role
from capintra.web.formatting import date_fr

#: An invoice is notified from this many days before its due date (and when late).
NOTICE_DAYS = 7
KIND = "invoice_due"


def invoice_notices(day: date) -> int:
    rows = db.session.execute(
        select(Invoice.id, Invoice.number, Invoice.due_on, Order.id, Order.number,
               Order.drafted_by_id)
        .join(Order, Order.id == Invoice.order_id)
        .where(Invoice.paid_on.is_(None), Invoice.suspended_since.is_(None),
               Invoice.due_on <= day + timedelta(days=NOTICE_DAYS))
        .order_by(Invoice.due_on, Invoice.id)
    ).all()  # fmt: skip
    if not rows:
        return 0
    assistants = list(db.session.scalars(
        select(User.id).where(User.role == Role.ASSISTANT, User.active.is_(True))
    ))  # fmt: skip
    notices = []
    for invoice_id, invoice_number, due, order_id, order_number, drafter in rows:
        if due < day:
            message = _(
                "Facture %(n)s du bon %(order)s en retard de paiement (échue le %(date)s).",
                n=invoice_number,
                order=order_number,
                date=date_fr(due),
            )
        else:
            message = _(
                "Facture %(n)s du bon %(order)s à payer avant le %(date)s.",
                n=invoice_number,
                order=order_number,
                date=date_fr(due),
            )
        url = internal_path("ordering.detail", order_id=order_id) + "#invoices"
        for user_id in dict.fromkeys([*assistants, drafter]):
            notices.append(
                Notice(
                    user_id, KIND, message, url, dedup_key=f"invoice:{invoice_id}:{due.isoformat()}"
                )
            )
    return notify_many(notices)
