"""The order's page and its tabs (capintra.web.pages): the order itself (header,
households, lines, next steps), its attached documents (signed order, invoices), its
history."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from capintra import clock
from capintra.audit.labels import action_labels, entity_labels, history_context, present_changes
from capintra.audit.models import AuditEvent
from capintra.audit.queries import EVENT_ORDER, about, readable, record_history, shown_changes
from capintra.auth.models import User
from capintra.documents import queries as documents
from capintra.documents.forms import upload_form
from capintra.documents.models import Document
from capintra.extensions import db
from capintra.keyset import Page
from capintra.orders import lifecycle, queries
from capintra.orders.forms import (
    AttestForm,
    InvoiceForm,
    LineForm,
    NotifyForm,
    PaymentForm,
    ReasonForm,
)
from capintra.orders.models import (
    Amendment,
    Attestation,
    Contract,
    Invoice,
    Lot,
    Order,
    OrderLine,
    OrderStatus,
    PriceItem,
    PriceVersion,
)
from capintra.security import Role, can
from capintra.text import lazy_gettext as _l
from capintra.web.pages import RecordPage, Tab, TabState, paged

S = OrderStatus

TRANSITION_CAPABILITIES = {
    "submit": "order.draft",
    "cancel": "order.draft",
    "approve": "order.approve",
    "reject": "order.approve",
    "notify": "order.record",
    "attest": "order.attest",
    "invoice": "order.record",
    "settle": "order.record",
}


def line_form(order: Order, formdata=None, items=None) -> LineForm:
    """The form of a new line: the lot's price items that have a price today (`items`:
    the lot's items with today's price, when the caller has read them already)."""
    if items is None:
        items = queries.price_items_of_lot(order.lot_id, clock.today())
    return LineForm(
        formdata=formdata,
        items=[(item.id, f"{item.code} — {item.label}") for item, version in items if version],
    )


def attesters():
    rows = db.session.execute(
        select(User.id, User.full_name)
        .where(User.active.is_(True), User.role.in_((Role.OFFICER, Role.MANAGER)))
        .order_by(User.full_name)
    ).all()
    return [(row.id, row.full_name) for row in rows]


def _given(forms: dict, name: str, make):
    """The form a refused post hands back (its messages), else a fresh one."""
    form = forms.get(name)
    return form if form is not None else make()


def order_context(order: Order, state: TabState) -> dict:
    """Everything the order's first tab shows, in a fixed handful of statements; the
    forms a refused post hands back come in `state.extra`."""
    forms = state.extra
    today = clock.today()
    lines = queries.lines_of(order)
    items = []
    if order.status in (S.DRAFT, S.SUBMITTED):
        items = queries.price_items_of_lot(order.lot_id, today)
    prices_today = {item.id: version for item, version in items}
    attested = queries.attested_quantities(order)
    context = {
        "order": order,
        "contract": order.lot.contract,
        "lines": lines,
        "prices_today": prices_today,
        "attested": attested,
        "households": queries.households_of(order),
        "attestations": queries.attestations_of(order) if order.notified_on else [],
        "invoices": queries.invoices_of(order)
        if order.status in (S.SERVICE_DONE, S.INVOICED, S.SETTLED)
        else [],  # fmt: skip
        "attested_cents": queries.attested_amount(order),
        "invoiced_cents": queries.invoiced_amount(order),
        "today": today,
        "may": lambda t: _may(order, t),
    }
    if order.status == S.DRAFT and can("order.draft"):
        context["line_form"] = (
            forms.get("line_form")
            if forms.get("line_form") is not None
            else line_form(order, items=items)
        )
    if order.status == S.APPROVED and can("order.record"):
        context["notify_form"] = _given(
            forms, "notify_form", lambda: NotifyForm(formdata=None, notified_on=today)
        )
    if order.status == S.NOTIFIED and can("order.attest"):
        context["attest_form"] = _given(
            forms,
            "attest_form",
            lambda: AttestForm(
                formdata=None,
                attested_on=today,
                attesters=attesters(),
                attested_by_id=current_user.id if current_user.role != Role.ASSISTANT else None,
            ),
        )
    if order.status == S.SERVICE_DONE and can("order.record"):
        context["invoice_form"] = _given(
            forms, "invoice_form", lambda: _invoice_form(order, context)
        )
    context["reason_form"] = ReasonForm(formdata=None)
    context["payment_form"] = PaymentForm(formdata=None, paid_on=today)
    context["message"] = forms.get("message", "")
    context["found"], context["q"] = forms.get("found", []), forms.get("q", "")
    context["pay_error"] = forms.get("pay_error", (None, ""))
    return context


def _invoice_form(order: Order, context: dict) -> InvoiceForm:
    """Proposed amounts: what is attested and not invoiced yet (the page's sums), with the
    order's VAT."""
    excl = max(0, context["attested_cents"] - context["invoiced_cents"])
    vat = lifecycle.money.vat_cents(excl, order.vat)
    return InvoiceForm(formdata=None, excl_vat_cents=excl, vat_cents=vat,
                       incl_vat_cents=excl + vat, received_on=clock.today())  # fmt: skip


def _may(order: Order, transition: str) -> bool:
    """Whether to offer a transition's button: its state and capability (the rules are
    checked again, with their reasons, when it is posted)."""
    capability = TRANSITION_CAPABILITIES[transition]
    if not lifecycle.allowed(order, transition) or not can(capability):
        return False
    if transition == "cancel" and order.status == S.APPROVED:
        return current_user.role == Role.MANAGER
    if transition == "cancel":
        return current_user.role == Role.MANAGER or current_user.id == order.drafted_by_id
    return True


def _documents(order: Order, state: TabState) -> dict:
    if state.add_form is None and can("order.record"):
        state.add_form = upload_form(formdata=None)
    return {"items": paged(documents.documents_page, order, state, Document)}


def history_of(order: Order, after: str | None = None) -> Page[AuditEvent]:
    """A page of the order's events, newest first: its own (each transition), its lines',
    attestations' and invoices' (no confidential content lives on an order)."""

    def of(model):
        return select(model.id).where(model.order_id == order.id)

    query = (
        select(AuditEvent)
        .where(
            or_(
                (AuditEvent.entity_type == "purchase_order") & (AuditEvent.entity_id == order.id),
                (AuditEvent.entity_type == "purchase_order_line")
                & AuditEvent.entity_id.in_(of(OrderLine)),
                (AuditEvent.entity_type == "order_attestation")
                & AuditEvent.entity_id.in_(of(Attestation)),
                (AuditEvent.entity_type == "order_invoice") & AuditEvent.entity_id.in_(of(Invoice)),
            )
        )
        .options(joinedload(AuditEvent.user))
    )
    page = EVENT_ORDER.page(query, after=after)
    return Page(readable(page.rows, False), page.next, page.after)


def _history(order: Order, state: TabState) -> dict:
    return {
        "events": history_of(order, request.args.get("after")),
        "action_labels": action_labels(),
        "entity_labels": entity_labels(),
        "present_changes": lambda event: present_changes(event, shown_changes(event, False)),
    }


PAGE = RecordPage(
    name="order",
    model=Order,
    endpoint="ordering.detail",
    url="/orders/<int:order_id>",
    template="orders/order.html",
    capability="order.view",
    load=queries.get_order_or_404,
)

TABS = (
    Tab("order", "summary", _l("Bon de commande"), 0, "orders/tabs/summary.html", order_context,
        first=True),
    Tab("order", "documents", _l("Pièces jointes"), 10, "orders/tabs/documents.html",
        _documents),
    Tab("order", "history", _l("Historique"), 20, "orders/tabs/history.html", _history),
)  # fmt: skip


# --- a contract's page: its consumption, and its history -----------------------------------


def _consumption(contract: Contract, state: TabState) -> dict:
    today = clock.today()
    lots = queries.contract_lots(contract)
    ids = [lot.id for lot in lots]
    return {
        "today": today,
        "consumption": queries.lot_consumption(lots, today),
        "orders": queries.orders_of_lots(ids, after=request.args.get("after")),
        "late": queries.late_invoices(ids, today),
    }


def contract_history_of(contract: Contract, after: str | None = None) -> Page[AuditEvent]:
    """A page of who changed the contract, its lots, amendments, price items and their prices."""
    lots = select(Lot.id).where(Lot.contract_id == contract.id)
    items = select(PriceItem.id).where(PriceItem.lot_id.in_(lots))
    return record_history(
        about(Contract, contract.id),
        about(Lot, lots),
        about(Amendment, select(Amendment.id).where(Amendment.lot_id.in_(lots))),
        about(PriceItem, items),
        about(PriceVersion, select(PriceVersion.id).where(PriceVersion.price_item_id.in_(items))),
        after=after,
    )


def _contract_history(contract: Contract, state: TabState) -> dict:
    return history_context(contract_history_of(contract, request.args.get("after")), named=False)


CONTRACT_PAGE = RecordPage(
    name="contract",
    model=Contract,
    endpoint="ordering.contract",
    url="/contracts/<int:contract_id>",
    template="orders/contract_consumption.html",
    capability="order.view",
    load=queries.get_contract_or_404,
    tabs_endpoint="ordering.contract_tab_",
)

CONTRACT_TABS = (
    Tab("contract", "consumption", _l("Consommation"), 0, "orders/tabs/contract_consumption.html",
        _consumption, first=True),
    Tab("contract", "history", _l("Historique"), 10, "orders/tabs/contract_history.html",
        _contract_history),
)  # fmt: skip
