"""The printable order: one template (`orders/print.html`) for the browser's print and for
the PDF WeasyPrint draws from it. The order names households by reference only; a draft
carries « BROUILLON — non valable »."""

from __future__ import annotations

import base64

from flask import current_app, render_template

from capintra.extensions import db
from capintra.orders import queries
from capintra.orders.models import Order, OrderStatus, SigningDelegation


def context(order: Order) -> dict:
    contract = order.lot.contract
    return {
        "order": order,
        "contract": contract,
        "lot": order.lot,
        "provider": order.lot.provider,
        "issuer": queries.issuer(),
        "lines": queries.lines_of(order),
        "references": [h.reference for h in queries.households_of(order)],
        "draft": order.status in (OrderStatus.DRAFT, OrderStatus.SUBMITTED),
        "cancelled": order.status == OrderStatus.CANCELLED,
        "signature": signature_data_uri(),
        "delegation": db.session.get(SigningDelegation, order.delegation_id)
        if order.delegation_id
        else None,
    }


def signature_data_uri() -> str | None:
    """The signature image as a data: URI (the PDF reads no file from the network)."""
    image = queries.signature_image()
    if image is None:
        return None
    data, mimetype = image
    return f"data:{mimetype};base64,{base64.b64encode(data).decode('ascii')}"


def file_name(order: Order) -> str:
    return f"{order.number or f'brouillon-{order.id}'}.pdf"


def pdf(order: Order) -> bytes:
    from weasyprint import HTML

    html = render_template("orders/print.html", **context(order), for_pdf=True)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()
