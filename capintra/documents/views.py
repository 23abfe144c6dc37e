"""Documents: access-checked downloads. Uploads and deletions are hosted by the owner's
page (the household file's documents tab…), through capintra.documents.services."""

from __future__ import annotations

from flask import Blueprint, abort, request, send_file

from capintra.audit.service import record_event
from capintra.database import writes
from capintra.documents import queries, services
from capintra.extensions import db
from capintra.security import require

bp = Blueprint("documents", __name__)


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    """1,2 Mo — the size of a file, the French way."""
    return services.human_size(size)


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
