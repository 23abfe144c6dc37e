"""Upload and delete on the page of the record that owns the documents.

The owner's feature hosts the routes (under its own capability) and loads the owner with
its own check (404 when hidden); these do the rest, the same for every owner: the form,
the stored file, the confirmation, the redrawn tab (`tab`, "documents" by default).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from capintra.documents import services
from capintra.documents.forms import submitted_upload_form
from capintra.documents.queries import get_document_or_404
from capintra.errors import StaleVersion, check_version
from capintra.extensions import db
from capintra.web.confirm import confirmation_page
from capintra.web.errors import error_response
from capintra.web.forms import DeleteForm
from capintra.web.pages import TabState, render_tab, saved, tab_url

TAB = "documents"


def _tab(owner: Any, status: int, tab: str, **state):
    return render_tab(owner, tab, TabState(**state), status=status)


def upload(owner: Any, tab: str = TAB):
    """The posted file stored as a document of `owner` (422 in the tab when refused, 413
    when too large)."""
    form = submitted_upload_form()
    if not form.validate():
        return _tab(owner, 422, tab, add_form=form)
    try:
        document = services.store_upload(
            form.file.data,
            owner=owner,
            kind=form.kind.data,
            title=form.title.data,
            shared=form.shared.data if "shared" in form else None,
            delete_after_use=form.delete_after_use.data,
            uploader=current_user,
        )
    except services.DocumentTooLarge as error:
        return error_response(413, error.message)
    except services.UploadRefused as error:
        db.session.rollback()
        form.file.errors = [*form.file.errors, error.message]
        return _tab(owner, 422, tab, add_form=form)
    services.commit_upload(document)
    name = document.title or document.original_name
    return saved(owner, tab, _("Pièce jointe « %(name)s » ajoutée.", name=name))


def delete(owner: Any, document_id: int, tab: str = TAB):
    """One of `owner`'s documents deleted, once confirmed (404 if it is not the owner's
    or hidden from the user; 422 incomplete; 409 stale)."""
    document = get_document_or_404(document_id, owner=owner, with_content=False)
    form = DeleteForm(formdata=request.form)
    if not form.validate():
        message = _("La demande de suppression est incomplète : rechargez la page.")
        return _tab(owner, 422, tab, extra={"error": message})
    try:
        check_version(document, form.version.data)
    except StaleVersion as stale:
        return _tab(owner, 409, tab, extra={"error": stale.message})
    name = document.title or document.original_name
    # No-break spaces inside « » and before ?, as French typography wants.
    if document.delete_after_use:
        question = _("Supprimer le justificatif «\u00a0%(name)s\u00a0»\u00a0? "
                     "Son contenu sera détruit.", name=name)  # fmt: skip
    else:
        question = _("Supprimer la pièce jointe «\u00a0%(name)s\u00a0»\u00a0?", name=name)
    if (page := confirmation_page(form, question, tab_url(owner, tab))) is not None:
        return page
    services.delete_document(document)
    db.session.commit()
    return saved(owner, tab, _("Pièce jointe « %(name)s » supprimée.", name=name))
