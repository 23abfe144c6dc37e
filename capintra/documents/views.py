"""Documents: upload to a household file, download as an attachment, delete."""

from __future__ import annotations

from flask import Blueprint, abort, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from capintra.audit.service import record_event
from capintra.database import writes
from capintra.documents import queries, services
from capintra.documents.forms import submitted_upload_form
from capintra.errors import StaleVersion, check_version
from capintra.extensions import db
from capintra.households import queries as household_queries
from capintra.households.forms import DeleteForm
from capintra.households.models import Household
from capintra.households.views import TabState, after_inline_save, render_tab
from capintra.security import require
from capintra.web.confirm import confirmation_page
from capintra.web.errors import error_response

bp = Blueprint("documents", __name__)


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    """1,2 Mo — the size of a file, the French way."""
    return services.human_size(size)


bp.add_app_template_global(services.awaiting_deletion, "documents_awaiting_deletion")


def _documents_tab(household: Household, status: int = 200, **state):
    return render_tab(household, "documents", TabState(**state), status=status)


@bp.post("/households/<int:household_id>/documents")
@require("household.edit")
def upload(household_id: int):
    household = household_queries.get_household_or_404(household_id)
    form = submitted_upload_form()
    if not form.validate():
        return _documents_tab(household, 422, add_form=form)
    try:
        document = services.store_upload(
            form.file.data,
            household=household,
            kind=form.kind.data,
            title=form.title.data,
            confidential="confidential" in form and form.confidential.data,
            delete_after_use=form.delete_after_use.data,
            uploader=current_user,
        )
    except services.DocumentTooLarge as error:
        return error_response(413, error.message)
    except services.UploadRefused as error:
        db.session.rollback()
        form.file.errors = [*form.file.errors, error.message]
        return _documents_tab(household, 422, add_form=form)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        services.discard_content(document)
        raise
    name = document.title or document.original_name
    return after_inline_save(
        household, "documents", _("Pièce jointe « %(name)s » ajoutée.", name=name)
    )


@bp.get("/documents/<int:document_id>")
@require("document.view")
@writes  # every download is an audit event
def download(document_id: int):
    document = queries.get_document_or_404(document_id)
    try:
        path = services.document_path(document)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    if request.method != "HEAD":  # a HEAD request reads no content
        if document.confidential:
            record_event("read_confidential", document)
        record_event("download", document)
        db.session.commit()
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=services.download_name(document),
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/documents/<int:document_id>/delete")
@require("household.edit")
def delete(document_id: int):
    document = queries.get_document_or_404(document_id, with_content=False)
    if document.household_id is None:
        abort(404)
    household = household_queries.get_household_or_404(document.household_id)
    form = DeleteForm(formdata=request.form)
    if not form.validate():
        message = _("La demande de suppression est incomplète : rechargez la page.")
        return _documents_tab(household, 422, extra={"error": message})
    try:
        check_version(document, form.version.data)
    except StaleVersion as stale:
        return _documents_tab(household, 409, extra={"error": stale.message})
    name = document.title or document.original_name
    # No-break spaces inside « » and before ?, as French typography wants.
    if document.delete_after_use:
        question = _("Supprimer le justificatif «\u00a0%(name)s\u00a0»\u00a0? "
                     "Son contenu sera détruit.", name=name)  # fmt: skip
    else:
        question = _("Supprimer la pièce jointe «\u00a0%(name)s\u00a0»\u00a0?", name=name)
    cancel_url = url_for("households.tab_documents", household_id=household.id)
    if (page := confirmation_page(form, question, cancel_url)) is not None:
        return page
    services.delete_document(document)
    db.session.commit()
    return after_inline_save(
        household, "documents", _("Pièce jointe « %(name)s » supprimée.", name=name)
    )
