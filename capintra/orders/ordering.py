"""The orders' pages (DESIGN §3 « Orders », « Contracts »): the register by status, the
order form with its lines added and removed in place, the approval screen, each
transition of the lifecycle as a POST, the printable order and its PDF, and the lots'
consumption. Every page works with plain links and posts; htmx swaps the lines and the
households in place."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from capintra import clock
from capintra.auth.models import User
from capintra.buildings.queries import operation_choices
from capintra.documents import hosting
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.households.queries import HouseholdFilters, household_page
from capintra.orders import lifecycle, printing, queries
from capintra.orders.forms import (
    AttestForm,
    InvoiceForm,
    LineForm,
    NotifyForm,
    OrderForm,
    PaymentForm,
    ReasonForm,
    parse_quantity,
)
from capintra.orders.models import Order, OrderStatus
from capintra.orders.pages import attesters, line_form
from capintra.security import require
from capintra.web.htmx import redirect_to, render
from capintra.web.pages import TabState, render_tab
from capintra.web.stale import stale_view

bp = Blueprint("ordering", __name__)

S = OrderStatus


# --- the register ---------------------------------------------------------------------------


@bp.get("/orders/")
@require("order.view")
def index():
    filters = queries.OrderFilters.from_args(request.args)
    rows, next_after = queries.order_page(filters)
    return render(
        "orders/orders.html", partial="order-rows", rows=rows, next_after=next_after,
        filters=filters, counts=queries.status_counts(), statuses=list(OrderStatus),
    )  # fmt: skip


# --- the header: new, edit ------------------------------------------------------------------


def _order_form(order: Order | None = None) -> OrderForm:
    return OrderForm(
        obj=order if request.method == "GET" else None,
        lots=queries.lot_choices(),
        operations=[(o.id, o.name) for o in operation_choices()],
    )


def _household_ids(form: OrderForm) -> list[int] | None:
    """The households of the references typed; None (and a message on the field) when one
    is unknown."""
    references = list(dict.fromkeys(form.references()))
    if not references:
        return []
    found = dict(queries.households_by_reference(references))
    missing = [ref for ref in references if ref not in found]
    if missing:
        form.households.errors = [
            _("Référence inconnue : %(refs)s. Écrivez-la comme MEN-2026-0001.",
              refs=", ".join(missing))
        ]  # fmt: skip
        return None
    return [found[ref] for ref in references]


def _header_page(form, order, status=200, stale=None):
    return render("orders/order_form.html", form=form, order=order, status=status, stale=stale)


@bp.route("/orders/new", methods=["GET", "POST"])
@require("order.draft")
def new():
    form = _order_form()
    if request.method == "GET" and request.args.get("lot"):
        form.lot_id.data = request.args.get("lot", type=int)
    status = 200
    if form.validate_on_submit():
        household_ids = _household_ids(form)
        if household_ids is None:
            status = 422
        else:
            try:
                order = lifecycle.create_order(form.data_for_model(), current_user, household_ids)
            except DomainError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
                status = error.status
            else:
                db.session.commit()
                flash(_("Brouillon de bon de commande créé : ajoutez ses lignes."), "success")
                return redirect_to(url_for("ordering.detail", order_id=order.id))
    elif request.method == "POST":
        status = 422
    return _header_page(form, None, status)


@bp.route("/orders/<int:order_id>/edit", methods=["GET", "POST"])
@require("order.draft")
def edit(order_id: int):
    order = queries.get_order_or_404(order_id)
    form = _order_form(order)
    if request.method == "GET":
        form.version.data = order.version
        form.households.data = ", ".join(h.reference for h in queries.households_of(order))
    status, stale = 200, None
    if form.validate_on_submit():
        household_ids = _household_ids(form)
        if household_ids is None:
            status = 422
        else:
            try:
                check_version(order, form.version.data)
                lifecycle.update_order(order, form.data_for_model())
                lifecycle.set_households(order, household_ids)
            except StaleVersion:
                db.session.rollback()
                order = queries.get_order_or_404(order_id)
                stale = stale_view(order, form.version.data, sensitive=False)
                form.version.data = order.version
                status = 409
            except DomainError as error:
                db.session.rollback()
                order = queries.get_order_or_404(order_id)
                form.form_errors.append(error.message)
                form.version.data = order.version
                status = error.status
            else:
                db.session.commit()
                flash(_("Bon de commande enregistré."), "success")
                return redirect_to(url_for("ordering.detail", order_id=order.id))
    elif request.method == "POST":
        status = 422
    return _header_page(form, order, status, stale)


# --- the order page -------------------------------------------------------------------------


def _order_page(order: Order, status: int = 200, **forms):
    """The order's page on its first tab, with the forms a refused post hands back."""
    return render_tab(order, "summary", TabState(extra=forms), status=status)


def _lines_changed(order_id: int, change, form: LineForm | None = None):
    """Run a change of the lines; the totals are recomputed on the server. htmx: the
    lines block again; plain: 303 to the order. Refused: the reason (409). The order is
    locked first: colleagues adding lines at once take turns, none is lost."""
    try:
        change(lifecycle.lock_order(order_id))
    except DomainError as error:
        db.session.rollback()
        order = queries.get_order_or_404(order_id)  # (no such order: 404)
        if order.status != S.DRAFT:  # no line form on the page: the reason goes above
            return _order_page(order, error.status, message=error.message)
        form = form or line_form(order)
        form.form_errors.append(error.message)
        return _order_page(order, error.status, line_form=form)
    db.session.commit()
    if request.headers.get("HX-Request") == "true":
        return _order_page(queries.get_order_or_404(order_id))
    return redirect_to(url_for("ordering.detail", order_id=order_id))


@bp.post("/orders/<int:order_id>/lines")
@require("order.draft")
def lines(order_id: int):
    """Add a line: a price item of the order's lot and a quantity."""
    order = queries.get_order_or_404(order_id)
    form = line_form(order, request.form)
    if not form.validate():
        return _order_page(order, 422, line_form=form)
    return _lines_changed(
        order_id,
        lambda o: lifecycle.add_line(o, form.price_item_id.data, form.quantity.data),
        form,
    )


@bp.post("/orders/<int:order_id>/lines/<int:line_id>/remove")
@require("order.draft")
def line_remove(order_id: int, line_id: int):
    return _lines_changed(order_id, lambda o: lifecycle.remove_line(o, line_id))


@bp.get("/orders/<int:order_id>/households/search")
@require("order.draft")
def household_search(order_id: int):
    """Households found by reference or name (accent-insensitive, as the household list),
    with their safety alert, for the draft's « add » buttons."""
    order = queries.get_order_or_404(order_id)
    q = (request.args.get("q") or "").strip()[:200]
    found = household_page(HouseholdFilters(q=q), 10)[0] if q else []
    if request.headers.get("HX-Request") == "true":
        return render("orders/tabs/summary.html", partial="household-results", order=order,
                      found=found, q=q)  # fmt: skip
    return _order_page(order, found=found, q=q)


def _households_changed(order_id: int, change):
    queries.get_order_or_404(order_id)
    try:
        change(lifecycle.lock_order(order_id))
    except DomainError as error:
        db.session.rollback()
        return _order_page(queries.get_order_or_404(order_id), error.status,
                           message=error.message)  # fmt: skip
    db.session.commit()
    return redirect_to(url_for("ordering.detail", order_id=order_id) + "#households")


@bp.post("/orders/<int:order_id>/households")
@require("order.draft")
def households(order_id: int):
    """Add a household by its reference (`reference`, MEN-…)."""
    order = queries.get_order_or_404(order_id)
    reference = (request.form.get("reference") or "").strip().upper()[:40]
    found = dict(queries.households_by_reference([reference])) if reference else {}
    if reference not in found:
        return _order_page(order, 422, message=_(
            "Référence de ménage inconnue : écrivez-la comme MEN-2026-0001."))  # fmt: skip
    return _households_changed(order_id, lambda o: lifecycle.add_household(o, found[reference]))


@bp.post("/orders/<int:order_id>/households/<int:household_id>/remove")
@require("order.draft")
def household_remove(order_id: int, household_id: int):
    return _households_changed(order_id,
                               lambda o: lifecycle.remove_household(o, household_id))  # fmt: skip


# --- the lifecycle --------------------------------------------------------------------------


def _transition(order_id: int, act, form=None, *, form_name: str = "", message: str = ""):
    """Run one transition on the order locked, its version checked: 303 to the order
    when done; the order page again with the reason (409) when refused, with the form's
    messages (422) when invalid."""
    order = lifecycle.lock_order(order_id)
    if form is not None and not form.validate():
        return _order_page(queries.get_order_or_404(order_id), 422, **{form_name: form})
    try:
        check_version(order, request.form.get("version"))
        act(order)
    except DomainError as error:
        db.session.rollback()
        order = queries.get_order_or_404(order_id)
        extra = {form_name: form} if form is not None and form_name else {}
        if _on_field(form, error):
            return _order_page(order, error.status, **extra)
        return _order_page(order, error.status, message=error.message, **extra)
    db.session.commit()
    if message:
        flash(message, "success")
    return redirect_to(url_for("ordering.detail", order_id=order_id))


def _on_field(form, error: DomainError) -> bool:
    """Put an input error's message on its field of the form; False when it has none."""
    name = getattr(error, "field", None)
    if form is None or not name or name not in form:
        return False
    form[name].errors = [*form[name].errors, error.message]
    return True


def _posted_reason() -> tuple[str, str]:
    """(reason, error) of a transition's free-text reason, read through ReasonForm (its
    length, no control character): the page's hand-written field is checked like any."""
    form = ReasonForm()
    if form.validate():
        return form.reason.data or "", ""
    return "", " ".join(str(e) for errors in form.errors.values() for e in errors)


def _order_or_404(order_id: int) -> None:
    if db.session.get(Order, order_id) is None:
        abort(404)


@bp.post("/orders/<int:order_id>/submit")
@require("order.draft")
def submit(order_id: int):
    _order_or_404(order_id)
    return _transition(order_id, lambda o: lifecycle.submit(o, current_user),
                       message=_("Bon soumis à l’approbation."))  # fmt: skip


@bp.post("/orders/<int:order_id>/cancel")
@require("order.draft")
def cancel(order_id: int):
    _order_or_404(order_id)
    reason, error = _posted_reason()
    if error:
        return _order_page(queries.get_order_or_404(order_id), 422, message=error)
    return _transition(order_id, lambda o: lifecycle.cancel(o, current_user, reason),
                       message=_("Bon annulé."))  # fmt: skip


@bp.get("/orders/<int:order_id>/approval")
@require("order.approve")
def approval(order_id: int):
    """The approval screen: lot maximum (amendments included), committed before, this
    order, committed after, remaining, the approver's delegation, the prices of today."""
    order = queries.get_order_or_404(order_id)
    return _approval_page(order)


def _approval_page(order: Order, status: int = 200, message: str = ""):
    today = clock.today()
    lines = queries.lines_of(order)
    prices = {item.id: version for item, version in
              queries.price_items_of_lot(order.lot_id, today)}  # fmt: skip
    changed = [
        (line, prices.get(line.price_item_id))
        for line in lines
        if prices.get(line.price_item_id) is None
        or prices[line.price_item_id].unit_price_cents != line.unit_price_cents
    ]
    check = None
    if order.status == S.SUBMITTED:
        total_today = sum(
            lifecycle.money.line_total_cents(
                prices[line.price_item_id].unit_price_cents if prices.get(line.price_item_id)
                else line.unit_price_cents, line.quantity)
            for line in lines
        )  # fmt: skip
        check = lifecycle.approval_check(order, current_user, today, order_cents=total_today)
    return render(
        "orders/approval.html", order=order, contract=order.lot.contract, lines=lines,
        check=check, changed=changed, message=message, status=status,
        reason_form=ReasonForm(formdata=None),
        holder=db.session.get(User, check.coverage.delegation.user_id)
        if check and check.coverage else None,
    )  # fmt: skip


def _decide(order_id: int, act, message):
    """Approve or reject: the order locked, its version checked; refused, the approval
    screen again with the reason (409, or 422 for a missing reason)."""
    _order_or_404(order_id)
    order = lifecycle.lock_order(order_id)
    try:
        check_version(order, request.form.get("version"))
        act(order)
    except DomainError as error:
        db.session.rollback()
        return _approval_page(queries.get_order_or_404(order_id), error.status, error.message)
    db.session.commit()
    flash(message(order), "success")
    return redirect_to(url_for("ordering.detail", order_id=order_id))


@bp.post("/orders/<int:order_id>/approve")
@require("order.approve")
def approve(order_id: int):
    return _decide(order_id, lambda o: lifecycle.approve(o, current_user),
                   lambda o: _("Bon approuvé : %(number)s.", number=o.number))  # fmt: skip


@bp.post("/orders/<int:order_id>/reject")
@require("order.approve")
def reject(order_id: int):
    _order_or_404(order_id)
    reason, error = _posted_reason()
    if error:
        return _approval_page(queries.get_order_or_404(order_id), 422, error)
    return _decide(order_id, lambda o: lifecycle.reject(o, current_user, reason),
                   lambda o: _("Bon renvoyé en brouillon à son rédacteur."))  # fmt: skip


@bp.post("/orders/<int:order_id>/notify")
@require("order.record")
def notify(order_id: int):
    _order_or_404(order_id)
    form = NotifyForm()
    return _transition(
        order_id,
        lambda o: lifecycle.notify_provider(o, form.notified_on.data, form.channel.data),
        form, form_name="notify_form", message=_("Notification enregistrée."),
    )  # fmt: skip


@bp.post("/orders/<int:order_id>/attest")
@require("order.attest")
def attest(order_id: int):
    _order_or_404(order_id)
    form = AttestForm(attesters=attesters())
    quantities = {}
    for key, value in request.form.items():
        if key.startswith("qty-"):
            line_id = key.removeprefix("qty-")
            try:
                if not line_id.isdigit():
                    raise ValueError
                quantity = parse_quantity(value)
            except ValueError as error:
                form.form_errors.append(str(error) if error.args else _("Ligne inconnue."))
                return _order_page(queries.get_order_or_404(order_id), 422, attest_form=form)
            if quantity is not None:
                quantities[int(line_id)] = quantity
    return _transition(
        order_id,
        lambda o: lifecycle.attest(o, current_user, form.data, quantities),
        form, form_name="attest_form", message=_("Service fait enregistré."),
    )  # fmt: skip


@bp.post("/orders/<int:order_id>/invoice")
@require("order.record")
def invoice(order_id: int):
    _order_or_404(order_id)
    form = InvoiceForm()
    return _transition(
        order_id, lambda o: lifecycle.add_invoice(o, form.data), form,
        form_name="invoice_form", message=_("Facture enregistrée."),
    )  # fmt: skip


@bp.post("/orders/<int:order_id>/settle")
@require("order.record")
def settle(order_id: int):
    _order_or_404(order_id)
    return _transition(order_id, lifecycle.settle, message=_("Bon soldé."))


def _invoice_action(order_id: int, invoice_id: int, act, message: str, form=None):
    order = queries.get_order_or_404(order_id)
    invoice = queries.get_invoice_or_404(order, invoice_id)
    if form is not None and not form.validate():
        errors = " ".join(str(e) for found in form.errors.values() for e in found)
        return _order_page(order, 422, pay_error=(invoice.id, errors))
    try:
        check_version(invoice, request.form.get("version"))
        act(order, invoice)
    except DomainError as error:
        db.session.rollback()
        order = queries.get_order_or_404(order_id)
        if getattr(error, "field", None) == "paid_on":
            return _order_page(order, error.status, pay_error=(invoice.id, error.message))
        return _order_page(order, error.status, message=error.message)
    db.session.commit()
    flash(message, "success")
    return redirect_to(url_for("ordering.detail", order_id=order_id) + "#invoices")


@bp.post("/orders/<int:order_id>/invoices/<int:invoice_id>/pay")
@require("order.record")
def invoice_pay(order_id: int, invoice_id: int):
    form = PaymentForm()
    return _invoice_action(
        order_id, invoice_id, lambda o, i: lifecycle.pay_invoice(o, i, form.paid_on.data),
        _("Paiement enregistré."), form,
    )  # fmt: skip


@bp.post("/orders/<int:order_id>/invoices/<int:invoice_id>/suspend")
@require("order.record")
def invoice_suspend(order_id: int, invoice_id: int):
    reason, error = _posted_reason()
    if error:
        order = queries.get_order_or_404(order_id)
        queries.get_invoice_or_404(order, invoice_id)
        return _order_page(order, 422, message=error)
    return _invoice_action(
        order_id, invoice_id, lambda o, i: lifecycle.suspend_invoice(o, i, reason),
        _("Paiement suspendu."),
    )  # fmt: skip


@bp.post("/orders/<int:order_id>/invoices/<int:invoice_id>/resume")
@require("order.record")
def invoice_resume(order_id: int, invoice_id: int):
    return _invoice_action(order_id, invoice_id, lifecycle.resume_invoice,
                           _("Paiement repris."))  # fmt: skip


# --- attached documents (signed order, invoices) ------------------------------------------


@bp.post("/orders/<int:order_id>/documents")
@require("order.record")
def documents_upload(order_id: int):
    return hosting.upload(queries.get_order_or_404(order_id))


@bp.post("/orders/<int:order_id>/documents/<int:document_id>/delete")
@require("order.record")
def documents_delete(order_id: int, document_id: int):
    return hosting.delete(queries.get_order_or_404(order_id), document_id)


# --- printable order ------------------------------------------------------------------------


@bp.get("/orders/<int:order_id>/print")
@require("order.view")
def print_view(order_id: int):
    order = queries.get_order_or_404(order_id)
    return render("orders/print.html", **printing.context(order), for_pdf=False)


@bp.get("/orders/<int:order_id>.pdf")
@require("order.view")
def pdf(order_id: int):
    order = queries.get_order_or_404(order_id)
    response = make_response(printing.pdf(order))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{printing.file_name(order)}"'
    return response


# --- contracts' consumption -----------------------------------------------------------------


@bp.get("/contracts/")
@require("order.view")
def contracts():
    today = clock.today()
    found = queries.contracts()
    lots = [lot for contract in found for lot in contract.lots if not lot.is_deleted]
    consumption = {c.lot.id: c for c in queries.lot_consumption(lots, today)}
    groups = [
        (contract, [consumption[lot.id] for lot in contract.lots if lot.id in consumption])
        for contract in found
    ]
    return render("orders/consumption.html", groups=groups, today=today)


# /contracts/<id>: the contract's record page (capintra.orders.pages.CONTRACT_PAGE).
