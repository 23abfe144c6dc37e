"""The household's right-of-access page (`/households/<id>/export`, officers only:
the export holds confidential notes and health details): the requests received and
answered, what each section holds, and the downloads. Every download is an `export` audit
event naming the request it answers; recording a request or its answer is an explicit
officer action, an invalid date answering 422 with nothing written."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from capintra.audit.service import record_bulk, record_event
from capintra.database import writes
from capintra.documents.models import Document
from capintra.errors import DomainError, InvalidInput, StaleVersion, check_version
from capintra.extensions import db
from capintra.households.models import Household, Note
from capintra.households.queries import get_household_or_404
from capintra.security import require
from capintra.subject_access import export, queries, services
from capintra.subject_access.forms import AccessRequestForm, AnswerForm
from capintra.subject_access.tab import TAB
from capintra.web.formatting import date_fr
from capintra.web.pages import TabState, page_of, render_tab, tab_url

bp = Blueprint("subject_access", __name__)

#: Officers only (DESIGN §1): the export shows confidential and social content.
EXPORT = "household.export"


def _page(household: Household, *, status: int = 200, **extra):
    return render_tab(household, TAB, TabState(extra=extra), status=status)


@bp.get("/<int:household_id>/export")
@require(EXPORT)
@writes  # opening the file is an audit event
def page(household_id: int):
    """The file on its « Droit d’accès » tab (DESIGN §4's route of the export)."""
    household = get_household_or_404(household_id)
    opened = page_of(household).on_show
    if opened is not None:
        opened(household)
    return _page(household)


def _record_download(household: Household, kind: str) -> None:
    """The export event (with the request it answers) and, as on the file's pages, a
    read of each confidential note and document it carries."""
    access = queries.open_request(household)
    changes = {_("Export"): [None, _("Droit d’accès")], _("Format"): [None, kind]}
    if access is not None:
        changes[_("Demande reçue le")] = [None, access.requested_on.isoformat()]
    record_event("export", household, changes=changes)
    notes = db.session.scalars(
        select(Note).where(Note.household_id == household.id, Note.confidential.is_(True))
    ).all()
    documents = db.session.scalars(
        select(Document).where(
            Document.owner_type == Household.__tablename__,
            Document.owner_id == household.id,
            Document.confidential.is_(True),
        )
    ).all()
    record_bulk("read_confidential", [*notes, *documents])


def _download(household: Household, data: bytes, mimetype: str, extension: str):
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    name = f"droit-acces-{household.reference}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:household_id>/export.json")
@require(EXPORT)
@writes  # an export is an audit event
def download_json(household_id: int):
    household = get_household_or_404(household_id)
    found = export.sections(household)
    data = export.as_json(household, found, queries.open_request(household))
    _record_download(household, "JSON")
    db.session.commit()
    return _download(household, data, "application/json; charset=utf-8", "json")


@bp.get("/<int:household_id>/export.pdf")
@require(EXPORT)
@writes  # an export is an audit event
def download_pdf(household_id: int):
    household = get_household_or_404(household_id)
    found = export.sections(household)
    data = export.pdf(household, found, queries.open_request(household))
    _record_download(household, "PDF")
    db.session.commit()
    return _download(household, data, "application/pdf", "pdf")


@bp.post("/<int:household_id>/export/requests")
@require(EXPORT)
def record_request(household_id: int):
    household = get_household_or_404(household_id)
    form = AccessRequestForm(formdata=request.form)
    if not form.validate():
        return _page(household, status=422, request_form=form)
    services.record_request(household, form.requested_on.data, current_user)
    db.session.commit()
    flash(
        _("Demande d’accès reçue le %(d)s enregistrée.", d=date_fr(form.requested_on.data)),
        "success",
    )
    return redirect(tab_url(household, TAB), 303)


@bp.post("/<int:household_id>/export/requests/<int:access_request_id>/answer")
@require(EXPORT)
def answer_request(household_id: int, access_request_id: int):
    household = get_household_or_404(household_id)
    access = queries.get_request_or_404(household, access_request_id)
    form = AnswerForm(formdata=request.form)
    if not form.validate():
        return _page(household, status=422, answer_forms={access.id: form})
    try:
        check_version(access, form.version.data)
        services.answer_request(access, form.answered_on.data, current_user)
    except InvalidInput as error:
        db.session.rollback()
        form.answered_on.errors = [*form.answered_on.errors, error.message]
        return _page(household, status=422, answer_forms={access.id: form})
    except (StaleVersion, DomainError) as error:
        db.session.rollback()
        return _page(household, status=409, error=error.message)
    db.session.commit()
    flash(_("Demande marquée comme répondue."), "success")
    return redirect(tab_url(household, TAB), 303)
