"""Administration of the orders' reference data (admin flag only): contracts and their
lots, amendments, price items and dated price versions (/admin/contracts/…), signing
delegations and their deputies (/admin/delegations/…), the details and the signature image
printed on orders (/admin/order-issuer)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict

from capintra import clock
from capintra.admin.models import Operation
from capintra.documents.services import DocumentTooLarge, UploadRefused, commit_upload
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.orders import queries, services
from capintra.orders.forms import (
    AmendmentForm,
    ContractForm,
    DelegationForm,
    DeputyForm,
    IssuerForm,
    LotForm,
    PriceItemForm,
    PriceVersionForm,
    SignatureForm,
)
from capintra.orders.models import Contract, Lot, OrderIssuer, SigningDelegation
from capintra.orders.money import lot_maximum_cents
from capintra.organisations import queries as directory
from capintra.security import require
from capintra.web.confirm import confirmation_page
from capintra.web.forms import DeleteForm
from capintra.web.htmx import redirect_to, render
from capintra.web.stale import stale_view

bp = Blueprint("orders", __name__)


def _form_page(form, title: str, fields: list[str], cancel_url: str, *, stale=None,
               status: int = 200, intro: str = ""):  # fmt: skip
    return render("orders/form.html", form=form, title=title, fields=fields,
                  cancel_url=cancel_url, stale=stale, intro=intro, status=status)  # fmt: skip


def _create(form, save, success_url, message, page):
    """The creation flow: 422 when the form is invalid, 409 with the reason when a rule
    refuses (nothing written), 303 (htmx: HX-Redirect) to the record when saved."""
    status = 200
    if form.validate_on_submit():
        try:
            record = save()
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 409
        else:
            db.session.commit()
            flash(message, "success")
            return redirect_to(success_url(record))
    elif request.method == "POST":
        status = 422
    return page(status=status, stale=None)


def _edit(form, record, reload, save, success_url, message, page):
    """The edit flow: the version the form carried checked (stale: 409 with what changed
    and the current values), 422 when invalid, 409 when a rule refuses."""
    if request.method == "GET":
        form.version.data = record.version
    stale, status = None, 200
    if form.validate_on_submit():
        try:
            check_version(record, form.version.data)
            save(record)
        except StaleVersion:
            db.session.rollback()
            record = reload()
            stale, status = stale_view(record, form.version.data, sensitive=True), 409
            form.version.data = record.version
        except DomainError as error:
            db.session.rollback()
            record = reload()
            form.form_errors.append(error.message)
            form.version.data = record.version
            status = 409
        else:
            db.session.commit()
            flash(message, "success")
            return redirect_to(success_url)
    elif request.method == "POST":
        status = 422
    return page(status=status, stale=stale)


# --- contracts ------------------------------------------------------------------------------


CONTRACT_FIELDS = ["reference", "title", "notified_on", "start_date", "end_date", "renewals",
                   "payment_days", "vat_exempt", "vat_rate"]  # fmt: skip


@bp.get("/contracts/")
@require("admin.manage")
def contracts():
    return render("orders/contracts.html", contracts=queries.contracts())


@bp.route("/contracts/new", methods=["GET", "POST"])
@require("admin.manage")
def contract_new():
    form = ContractForm()

    def save():
        contract = Contract()
        services.save_contract(contract, form.data_for_model())
        return contract

    return _create(
        form, save, lambda c: url_for("orders.contract", contract_id=c.id),
        _("Marché enregistré."),
        lambda **kw: _form_page(form, _("Nouvel accord-cadre"), CONTRACT_FIELDS,
                                url_for("orders.contracts"), **kw),
    )  # fmt: skip


@bp.get("/contracts/<int:contract_id>")
@require("admin.manage")
def contract(contract_id: int):
    record = queries.get_contract_or_404(contract_id)
    lots = queries.contract_lots(record)
    today = clock.today()
    maxima = {
        lot.id: lot_maximum_cents(
            lot.maximum_cents,
            [(a.signed_on, a.new_maximum_cents) for a in queries.live(lot.amendments)],
            today,
        )
        for lot in lots
    }
    return render("orders/contract.html", contract=record, lots=lots, live=queries.live,
                  maxima=maxima, today=today)  # fmt: skip


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@require("admin.manage")
def contract_edit(contract_id: int):
    record = queries.get_contract_or_404(contract_id)
    form = ContractForm(obj=record if request.method == "GET" else None)
    if request.method == "GET":
        form.vat_rate.data = str(record.vat_rate_bp)
    back = url_for("orders.contract", contract_id=contract_id)
    return _edit(
        form, record, lambda: queries.get_contract_or_404(contract_id),
        lambda c: services.save_contract(c, form.data_for_model()), back,
        _("Marché enregistré."),
        lambda **kw: _form_page(form, _("Modifier le marché %(ref)s", ref=record.reference),
                                CONTRACT_FIELDS, back, **kw),
    )  # fmt: skip


# --- lots, amendments, price schedule -------------------------------------------------------


LOT_FIELDS = ["number", "title", "provider_id", "minimum_cents", "maximum_cents"]


def _lot_form(**kw) -> LotForm:
    form = LotForm(**kw)
    form.provider_id.choices = [("", "—"), *directory.choices()]
    return form


@bp.route("/contracts/<int:contract_id>/lots/new", methods=["GET", "POST"])
@require("admin.manage")
def lot_new(contract_id: int):
    record = queries.get_contract_or_404(contract_id)
    form = _lot_form()
    back = url_for("orders.contract", contract_id=contract_id)

    def save():
        lot = Lot(contract_id=record.id)
        services.save_lot(lot, form.data_for_model())
        return lot

    return _create(
        form, save, lambda lot: back, _("Lot enregistré."),
        lambda **kw: _form_page(form, _("Nouveau lot du marché %(ref)s", ref=record.reference),
                                LOT_FIELDS, back, **kw),
    )  # fmt: skip


@bp.route("/lots/<int:lot_id>/edit", methods=["GET", "POST"])
@require("admin.manage")
def lot_edit(lot_id: int):
    lot = queries.get_lot_or_404(lot_id)
    form = _lot_form(obj=lot if request.method == "GET" else None)
    back = url_for("orders.contract", contract_id=lot.contract_id)
    return _edit(
        form, lot, lambda: queries.get_lot_or_404(lot_id),
        lambda record: services.save_lot(record, form.data_for_model()), back,
        _("Lot enregistré."),
        lambda **kw: _form_page(form, _("Modifier le lot n° %(n)d", n=lot.number), LOT_FIELDS,
                                back, **kw),
    )  # fmt: skip


@bp.route("/lots/<int:lot_id>/amendments/new", methods=["GET", "POST"])
@require("admin.manage")
def amendment_new(lot_id: int):
    lot = queries.get_lot_or_404(lot_id)
    form = AmendmentForm()
    back = url_for("orders.contract", contract_id=lot.contract_id)
    return _create(
        form, lambda: services.add_amendment(lot, form.data_for_model()), lambda a: back,
        _("Avenant enregistré."),
        lambda **kw: _form_page(
            form, _("Avenant au lot n° %(n)d", n=lot.number),
            ["reference", "signed_on", "new_maximum_cents", "reason"], back,
            intro=_("À partir de sa date, le maximum du lot est le nouveau maximum."), **kw),
    )  # fmt: skip


@bp.route("/lots/<int:lot_id>/prices/new", methods=["GET", "POST"])
@require("admin.manage")
def price_item_new(lot_id: int):
    lot = queries.get_lot_or_404(lot_id)
    form = PriceItemForm()
    back = url_for("orders.contract", contract_id=lot.contract_id)
    return _create(
        form,
        lambda: services.add_price_item(lot, form.data_for_model(), form.version_data()),
        lambda item: back, _("Prestation ajoutée au bordereau de prix."),
        lambda **kw: _form_page(
            form, _("Nouvelle prestation du lot n° %(n)d", n=lot.number),
            ["code", "label", "unit", "unit_price_cents", "valid_from"], back, **kw),
    )  # fmt: skip


@bp.route("/prices/<int:price_item_id>/versions/new", methods=["GET", "POST"])
@require("admin.manage")
def price_version_new(price_item_id: int):
    item = queries.get_price_item_or_404(price_item_id)
    lot = db.session.get(Lot, item.lot_id)
    form = PriceVersionForm()
    back = url_for("orders.contract", contract_id=lot.contract_id)
    return _create(
        form, lambda: services.add_price_version(item, form.version_data()), lambda v: back,
        _("Révision de prix enregistrée."),
        lambda **kw: _form_page(
            form, _("Révision du prix « %(label)s »", label=item.label),
            ["unit_price_cents", "valid_from"], back,
            intro=_("Un bon prend le prix en vigueur à sa date et le garde."), **kw),
    )  # fmt: skip


# --- signing delegations --------------------------------------------------------------------


DELEGATION_FIELDS = ["user_id", "all_operations", "operation_ids", "maximum_cents",
                     "start_date", "end_date", "act_reference"]  # fmt: skip


def _delegation_form(**kw) -> DelegationForm:
    form = DelegationForm(**kw)
    form.user_id.choices = [("", "—"), *((u.id, u.display_name) for u in queries.managers())]
    form.operation_ids.choices = [
        (op.id, op.name) for op in db.session.scalars(db.select(Operation).order_by(Operation.name))
    ]
    return form


@bp.get("/delegations/")
@require("admin.manage")
def delegations():
    names = dict(db.session.execute(db.select(Operation.id, Operation.name)).all())
    return render("orders/delegations.html", delegations=queries.delegations(),
                  operation_names=names)  # fmt: skip


@bp.route("/delegations/new", methods=["GET", "POST"])
@require("admin.manage")
def delegation_new():
    form = _delegation_form()

    def save():
        delegation = SigningDelegation()
        services.save_delegation(delegation, form.data_for_model(), form.operation_ids.data)
        return delegation

    return _create(
        form, save, lambda d: url_for("orders.delegation_edit", delegation_id=d.id),
        _("Délégation de signature enregistrée."),
        lambda **kw: _form_page(form, _("Nouvelle délégation de signature"), DELEGATION_FIELDS,
                                url_for("orders.delegations"), **kw),
    )  # fmt: skip


@bp.route("/delegations/<int:delegation_id>/edit", methods=["GET", "POST"])
@require("admin.manage")
def delegation_edit(delegation_id: int):
    delegation = queries.get_delegation_or_404(delegation_id)
    form = _delegation_form(obj=delegation if request.method == "GET" else None)
    if request.method == "GET":
        form.operation_ids.data = [link.operation_id for link in delegation.operations]
    back = url_for("orders.delegations")
    return _edit(
        form, delegation, lambda: queries.get_delegation_or_404(delegation_id),
        lambda d: services.save_delegation(d, form.data_for_model(), form.operation_ids.data),
        back, _("Délégation de signature enregistrée."),
        lambda **kw: render("orders/delegation.html", form=form, fields=DELEGATION_FIELDS,
                            delegation=queries.get_delegation_or_404(delegation_id),
                            cancel_url=back, **kw),
    )  # fmt: skip


@bp.route("/delegations/<int:delegation_id>/deputies/new", methods=["GET", "POST"])
@require("admin.manage")
def deputy_new(delegation_id: int):
    delegation = queries.get_delegation_or_404(delegation_id)
    form = DeputyForm()
    form.user_id.choices = [
        ("", "—"),
        *((u.id, u.display_name) for u in queries.managers() if u.id != delegation.user_id),
    ]
    back = url_for("orders.delegation_edit", delegation_id=delegation_id)
    return _create(
        form, lambda: services.add_deputy(delegation, form.data_for_model()), lambda d: back,
        _("Suppléance enregistrée."),
        lambda **kw: _form_page(
            form, _("Nouveau suppléant de la délégation"), ["user_id", "start_date", "end_date"],
            back, intro=_("Ses approbations porteront « pour %(name)s, par délégation ».",
                          name=delegation.user.display_name), **kw),
    )  # fmt: skip


# --- the details printed on orders ----------------------------------------------------------

ISSUER_FIELDS = ["name", "address", "siret", "signatory_name", "signatory_title"]
#: The signature part of the page: its element id, also the htmx target of its buttons.
SIGNATURE_BOX = "issuer-signature"


def _issuer_page(form, *, status: int = 200, stale=None, signature_form=None,
                 signature_error: str = ""):  # fmt: skip
    """The details form and, below it, the signature image with its own upload form
    (the whole page, or the signature part alone for htmx aimed at it)."""
    current = queries.issuer()
    if signature_form is None:
        signature_form = SignatureForm(formdata=None)
    if current is not None:
        signature_form.version.data = current.version
    return render(
        "orders/issuer.html", partial=SIGNATURE_BOX, status=status, form=form,
        title=_("Coordonnées imprimées sur les bons de commande"), fields=ISSUER_FIELDS,
        cancel_url=url_for("orders.issuer"), stale=stale,
        intro=_("Ces coordonnées, le nom du signataire et l’image de sa signature sont "
                "imprimés sur chaque bon de commande."),
        issuer=current, signature=queries.signature_document(current),
        signature_form=signature_form, signature_error=signature_error,
    )  # fmt: skip


def _details_form(current: OrderIssuer | None) -> IssuerForm:
    """The details form as stored, beside a refused signature upload or removal."""
    form = IssuerForm(formdata=None, obj=current)
    if current is not None:
        form.version.data = current.version
    return form


@bp.route("/order-issuer", methods=["GET", "POST"])
@require("admin.manage")
def issuer():
    """One record: filled in the first time (303 back here), then edited (version
    checked)."""
    current = queries.issuer()
    form = IssuerForm(obj=current if request.method == "GET" else None)
    back = url_for("orders.issuer")

    def page(**kw):
        return _issuer_page(form, **kw)

    if current is None:

        def save():
            record = OrderIssuer()
            services.save_issuer(record, form.data_for_model())
            return record

        return _create(form, save, lambda r: back, _("Coordonnées enregistrées."), page)
    return _edit(
        form, current, queries.issuer,
        lambda r: services.save_issuer(r, form.data_for_model()), back,
        _("Coordonnées enregistrées."), page,
    )  # fmt: skip


def _no_issuer_yet() -> str:
    return _("Enregistrez d’abord les coordonnées.")


def _signature_changed() -> str:
    return _(
        "Les coordonnées ou la signature ont changé pendant que vous lisiez la page : rien "
        "n’a été enregistré. Vérifiez la signature affichée puis recommencez."
    )


@bp.get("/order-issuer/signature/image")
@require("admin.manage")
def issuer_signature():
    """The current signature image, shown on the page (inline, never sniffed by the
    browser); 404 when there is none."""
    image = queries.signature_image()
    if image is None:
        abort(404)
    data, mimetype = image
    response = make_response(data)
    response.mimetype = mimetype
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/order-issuer/signature")
@require("admin.manage")
def issuer_signature_upload():
    """The signature image sent (multipart), replacing the previous one: 303 back to the
    page; refused (not a PNG or JPEG, empty: 422; over 1 Mo: 413; stale: 409) → the page
    again with the reason, nothing written."""
    current = queries.issuer()
    form = SignatureForm(formdata=CombinedMultiDict((request.files, request.form)))

    def again(status: int, error: str = ""):
        db.session.rollback()
        if error:
            form.file.errors = [*form.file.errors, error]
        return _issuer_page(_details_form(queries.issuer()), status=status, signature_form=form)

    if current is None:
        return again(422, _no_issuer_yet())
    if not form.validate():
        return again(422)
    try:
        check_version(current, form.version.data)
        document = services.set_signature(current, form.file.data, current_user)
    except StaleVersion:
        return again(409, _signature_changed())
    except DocumentTooLarge as error:
        return again(413, error.message)
    except UploadRefused as error:
        return again(422, error.message)
    commit_upload(document)
    flash(_("Image de la signature enregistrée."), "success")
    return redirect_to(url_for("orders.issuer"))


@bp.post("/order-issuer/signature/delete")
@require("admin.manage")
def issuer_signature_delete():
    """« Retirer la signature », once confirmed: orders are printed without it (the image
    soft-deleted); 422 incomplete, 409 stale or nothing to remove."""
    current = queries.issuer()
    form = DeleteForm(formdata=request.form)

    def again(status: int, error: str):
        db.session.rollback()
        return _issuer_page(_details_form(queries.issuer()), status=status,
                            signature_error=error)  # fmt: skip

    if current is None:
        return again(422, _no_issuer_yet())
    if not form.validate():
        return again(422, _("La demande est incomplète : rechargez la page."))
    try:
        check_version(current, form.version.data)
    except StaleVersion:
        return again(409, _signature_changed())
    question = _("Retirer l’image de la signature\u00a0? Les bons seront imprimés sans elle.")
    back = url_for("orders.issuer")
    if (page := confirmation_page(form, question, back, confirm_label=_("Retirer"))) is not None:
        return page
    try:
        services.remove_signature(current)
    except DomainError as error:
        return again(409, error.message)
    db.session.commit()
    flash(_("Image de la signature retirée."), "success")
    return redirect_to(back)
