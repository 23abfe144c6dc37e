"""Wishes and offers written inline on the household file's « Souhaits et propositions »
tab, relocations on its « Relogement » tab (tab.py): officers only (household.social); a
stale page answers 409, an invalid form 422 with the messages on its fields, a rule
refusing the action 409 with nothing written (relocating.py)."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from capintra.errors import DomainError, InvalidInput, StaleVersion, check_version
from capintra.extensions import db
from capintra.households.archive import guard_evidence
from capintra.households.queries import get_household_or_404
from capintra.relocation import queries, relocating, services
from capintra.relocation.forms import OfferForm
from capintra.relocation.models import Offer, RelocationKind, Wishes
from capintra.relocation.tab import (
    RELOCATION_TAB,
    TAB,
    offer_form,
    relocation_edit_form,
    relocation_form,
    wishes_form,
)
from capintra.security import require
from capintra.text import lazy_gettext as _l
from capintra.web.confirm import confirmation_page
from capintra.web.formatting import date_fr
from capintra.web.forms import DeleteForm
from capintra.web.pages import TabState, render_tab, saved, tab_url
from capintra.web.stale import stale_view

bp = Blueprint("relocation", __name__)

WRITE = "household.social"


def _data(form) -> dict:
    """The form's values to copy onto the model, text stripped; no CSRF or version."""
    data = {}
    for name, fld in form._fields.items():
        if name in ("csrf_token", "version"):
            continue
        value = fld.data
        if value is None and fld.type in ("StringField", "TextAreaField"):
            value = ""
        # an enumeration's member is a str too: only plain text is stripped
        data[name] = value.strip() if type(value) is str else value
    return data


# --- wishes ------------------------------------------------------------------------------


@bp.route("/<int:household_id>/wishes", methods=["GET", "POST"])
@require(WRITE)
def wishes_edit(household_id: int):
    household = get_household_or_404(household_id)
    wishes = queries.wishes_of(household)
    if request.method == "GET":
        return render_tab(household, TAB, TabState(extra={"wishes_form": wishes_form(wishes)}))
    form = wishes_form(wishes, formdata=request.form)
    if not form.validate():
        return render_tab(household, TAB, TabState(extra={"wishes_form": form}), status=422)
    try:
        if wishes is not None:
            check_version(wishes, form.version.data)
        services.save_wishes(wishes or Wishes(), household, _data(form))
    except StaleVersion:
        db.session.rollback()
        wishes = queries.wishes_of(household)
        stale = stale_view(wishes, form.version.data, sensitive=False)
        form.version.data = wishes.version
        state = TabState(extra={"wishes_form": form, "wishes_stale": stale})
        return render_tab(household, TAB, state, status=409)
    db.session.commit()
    return saved(household, TAB, _l("Souhaits enregistrés."))


# --- offers ------------------------------------------------------------------------------


def _refused(household, state: TabState, form: OfferForm, error: DomainError):
    db.session.rollback()
    form.form_errors.append(error.message)
    return render_tab(household, TAB, state, status=error.status)


@bp.post("/<int:household_id>/offers")
@require(WRITE)
def offers_add(household_id: int):
    household = get_household_or_404(household_id)
    form = offer_form(None, formdata=request.form)
    if not form.validate():
        return render_tab(household, TAB, TabState(add_form=form), status=422)
    try:
        services.save_offer(Offer(), household, _data(form))
    except DomainError as error:
        return _refused(household, TabState(add_form=form), form, error)
    db.session.commit()
    return saved(household, TAB, _l("Proposition enregistrée."))


@bp.route("/<int:household_id>/offers/<int:offer_id>", methods=["GET", "POST"])
@require(WRITE)
def offers_edit(household_id: int, offer_id: int):
    household = get_household_or_404(household_id)
    offer = queries.get_offer_or_404(household, offer_id)
    if request.method == "GET":
        state = TabState(edit_id=offer.id, edit_form=offer_form(offer))
        return render_tab(household, TAB, state)
    form = offer_form(offer, formdata=request.form)
    if not form.validate():
        return render_tab(household, TAB, TabState(edit_id=offer.id, edit_form=form), status=422)
    try:
        check_version(offer, form.version.data)
        services.save_offer(offer, household, _data(form))
    except StaleVersion:
        db.session.rollback()
        offer = queries.get_offer_or_404(household, offer_id)
        stale = stale_view(offer, form.version.data, sensitive=False)
        form.version.data = offer.version
        state = TabState(edit_id=offer.id, edit_form=form, stale=stale)
        return render_tab(household, TAB, state, status=409)
    except DomainError as error:
        return _refused(household, TabState(edit_id=offer.id, edit_form=form), form, error)
    db.session.commit()
    return saved(household, TAB, _l("Proposition modifiée."))


@bp.post("/<int:household_id>/offers/<int:offer_id>/delete")
@require(WRITE)
def offers_delete(household_id: int, offer_id: int):
    household = get_household_or_404(household_id)
    offer = queries.get_offer_or_404(household, offer_id)
    form = DeleteForm(formdata=request.form)
    if not form.validate():
        state = TabState(extra={"error": _("Suppression impossible : rechargez la page.")})
        return render_tab(household, TAB, state, status=422)
    try:
        check_version(offer, form.version.data)
    except StaleVersion as stale:
        return render_tab(household, TAB, TabState(extra={"error": stale.message}), status=409)
    question = _("Supprimer la proposition du %(d)s\u00a0?", d=date_fr(offer.sent_on))
    if (page := confirmation_page(form, question, tab_url(household, TAB))) is not None:
        return page  # no JavaScript: the question on a page of its own
    offer.soft_delete()
    db.session.commit()
    return saved(household, TAB, _l("Proposition supprimée."))


# --- relocations -------------------------------------------------------------------------


def _relocation_refused(household, state: TabState, form, error: DomainError):
    """Nothing written: the form again with the reason (on its field when known)."""
    db.session.rollback()
    field = getattr(error, "field", None)
    if isinstance(error, InvalidInput) and field and field in form:
        form[field].errors = [*form[field].errors, error.message]
    else:
        form.form_errors.append(error.message)
    return render_tab(household, RELOCATION_TAB, state, status=error.status)


@bp.post("/<int:household_id>/relocations")
@require(WRITE)
def relocations_add(household_id: int):
    """A temporary or the final relocation (field `kind`), in the request's one
    transaction: any refusal leaves the file, its occupancy and its tasks as they were."""
    household = get_household_or_404(household_id)
    form = relocation_form(household, formdata=request.form)
    if not form.validate():
        return render_tab(household, RELOCATION_TAB, TabState(add_form=form), status=422)
    data = _data(form)
    kind = data.pop("kind")
    record = (
        relocating.record_final if kind is RelocationKind.DEFINITIF else relocating.record_temporary
    )
    try:
        record(household, data, current_user)
    except DomainError as error:
        return _relocation_refused(household, TabState(add_form=form), form, error)
    db.session.commit()
    if kind is RelocationKind.DEFINITIF:
        message = _l("Relogement définitif enregistré : suivi à 6 mois programmé.")
    else:
        message = _l("Relogement temporaire enregistré : droit au retour maintenu.")
    # the phase in the file's header changed: the whole page, not only the tab
    return saved(household, RELOCATION_TAB, message, whole_page=True)


@bp.route("/<int:household_id>/relocations/<int:relocation_id>", methods=["GET", "POST"])
@require(WRITE)
def relocations_edit(household_id: int, relocation_id: int):
    """The destination's details and the satisfaction survey (not the kind nor the dates,
    which moved the occupancy)."""
    household = get_household_or_404(household_id)
    relocation = queries.get_relocation_or_404(household, relocation_id)
    if request.method == "GET":
        state = TabState(edit_id=relocation.id, edit_form=relocation_edit_form(relocation))
        return render_tab(household, RELOCATION_TAB, state)
    form = relocation_edit_form(relocation, formdata=request.form)
    if not form.validate():
        state = TabState(edit_id=relocation.id, edit_form=form)
        return render_tab(household, RELOCATION_TAB, state, status=422)
    try:
        check_version(relocation, form.version.data)
        relocating.save_relocation(relocation, _data(form))
    except StaleVersion:
        db.session.rollback()
        relocation = queries.get_relocation_or_404(household, relocation_id)
        stale = stale_view(relocation, form.version.data, sensitive=False)
        form.version.data = relocation.version
        state = TabState(edit_id=relocation.id, edit_form=form, stale=stale)
        return render_tab(household, RELOCATION_TAB, state, status=409)
    except DomainError as error:
        state = TabState(edit_id=relocation.id, edit_form=form)
        return _relocation_refused(household, state, form, error)
    db.session.commit()
    return saved(household, RELOCATION_TAB, _l("Relogement modifié."))


# A closed file's wishes, offers and relocations: archived (404 for those who may not
# read the archive, 409 for any save).
guard_evidence(
    bp,
    ("wishes_edit", "offers_add", "offers_edit", "offers_delete", "relocations_add",
     "relocations_edit"),
)  # fmt: skip
