"""The orders' daily notice: an unpaid invoice due within a week, or late, notified once
per due date to the assistants and to its order's drafter; paid or suspended ones not."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from capintra import clock
from capintra.extensions import db
from capintra.notifications.models import Notification
from capintra.orders.demo import example_invoice_id, example_order
from capintra.orders.models import Invoice
from capintra.orders.notices import invoice_notices


def _invoice(due, **kw) -> Invoice:
    order = example_order()
    order.number = f"BC-1900-{order.id:04d}"
    invoice = db.session.get(Invoice, example_invoice_id({"order_id": order.id}))
    invoice.due_on = due
    for name, value in kw.items():
        setattr(invoice, name, value)
    db.session.commit()
    return invoice


def _notified(invoice) -> set[int]:
    return set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.kind == "invoice_due",
                Notification.dedup_key.like(f"invoice:{invoice.id}:%"),
            )
        )
    )


def test_due_soon_and_late_invoices_are_notified_once(app_ctx, make):
    today = clock.today()
    assistant = make.user("assistant")
    soon = _invoice(today + timedelta(days=7))
    late = _invoice(today - timedelta(days=3))
    later = _invoice(today + timedelta(days=8))
    paid = _invoice(today - timedelta(days=3), paid_on=today - timedelta(days=1))
    suspended = _invoice(today - timedelta(days=3), suspended_since=today - timedelta(days=9))

    created = invoice_notices(today)
    db.session.commit()

    assert assistant.id in _notified(soon) and assistant.id in _notified(late)
    assert _notified(later) == _notified(paid) == _notified(suspended) == set()
    assert created == len(_notified(soon)) + len(_notified(late))
    message = db.session.scalars(
        select(Notification.message).where(Notification.dedup_key.like(f"invoice:{late.id}:%"))
    ).first()
    assert "en retard" in message and "F-EX-" in message
    assert invoice_notices(today) == 0  # a second run the same day adds none
