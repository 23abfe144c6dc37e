"""Import: upload a spreadsheet (`/import/`), read its preview (`/import/<batch>`),
commit it all or nothing (`/import/<batch>/commit`), or abandon it; the empty template."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from capintra.buildings.importing import ImportRefused, parse_file, template_csv, template_xlsx
from capintra.documents.services import clean_original_name, human_size
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.imports import queries, services
from capintra.imports.forms import BatchActionForm, UploadForm
from capintra.imports.models import ImportBatch
from capintra.security import require
from capintra.web.formatting import date_fr, floor_label
from capintra.web.htmx import redirect_to, render

bp = Blueprint("imports", __name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_size() -> int:
    return int(current_app.config.get("MAX_IMPORT_SIZE", services.MAX_IMPORT_SIZE))


def _index_page(form: UploadForm, status: int = 200):
    return render(
        "imports/index.html",
        form=form,
        batches=queries.recent_batches(),
        max_size=human_size(max_size()),
        max_rows=int(current_app.config.get("MAX_IMPORT_ROWS", services.MAX_IMPORT_ROWS)),
        status=status,
    )


def _refused(form: UploadForm, message: str, status: int = 422):
    db.session.rollback()
    form.file.errors = [*form.file.errors, message]
    return _index_page(form, status)


@bp.route("/", methods=["GET", "POST"])
@require("building.edit")
def index():
    form = UploadForm()
    if request.method == "GET":
        return _index_page(form)
    if not form.validate():
        return _index_page(form, 422)
    upload = form.file.data
    limit = max_size()
    data = upload.stream.read(limit + 1)
    filename = clean_original_name(upload.filename, "csv")
    if len(data) > limit:
        message = _(
            "Le fichier « %(file)s » dépasse %(max)s : enregistrez le tableau sans mise en "
            "forme ni onglets inutiles (CSV), ou découpez-le en plusieurs fichiers.",
            file=filename,
            max=human_size(limit),
        )
        return _refused(form, message, 413)
    try:
        parsed = parse_file(data, filename)
        batch = services.create_batch(parsed, data=data, filename=filename, author=current_user)
    except ImportRefused as refused:
        return _refused(form, refused.message)
    except DomainError as refused:
        return _refused(form, refused.message)
    db.session.commit()
    return redirect_to(url_for("imports.preview", batch_id=batch.id), 303)


@bp.get("/modele.csv")
@require("building.edit")
def template_csv_download():
    return _download(template_csv(), "modele-import-occupation.csv", "text/csv; charset=utf-8")


@bp.get("/modele.xlsx")
@require("building.edit")
def template_xlsx_download():
    return _download(template_xlsx(), "modele-import-occupation.xlsx", XLSX_TYPE)


def _download(data: bytes, name: str, mimetype: str):
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- a batch -------------------------------------------------------------------------------


class _Words:
    """What every row of the preview says alike, translated once for the page."""

    def __init__(self):
        self.since = _("depuis le %(d)s")
        self.statuses = {key: str(s.label) for key, s in services.STATUSES.items()}
        self.types = {key: str(t.label) for key, t in services.UNIT_TYPES.items()}


def _shown(row: dict, words: _Words) -> dict:
    """A stored row as the preview shows it: dates, statuses and types in French."""
    start = row.get("start_date")
    return {
        **row,
        "since": words.since % {"d": date_fr(date.fromisoformat(start))} if start else "",
        "status_label": words.statuses.get(row.get("status") or "", ""),
        "floor_shown": floor_label(row["floor"]) if row.get("floor") is not None else "",
        "type_shown": words.types.get(row.get("unit_type") or "", ""),
    }


def _preview_page(batch: ImportBatch, status: int = 200, message: str = ""):
    words = _Words()
    return render(
        "imports/preview.html",
        batch=batch,
        rows=[_shown(row, words) for row in batch.rows],
        counts=batch.counts or {},
        size=human_size(batch.size_bytes),
        message=message,
        status=status,
    )


@bp.get("/<int:batch_id>")
@require("building.edit")
def preview(batch_id: int):
    return _preview_page(queries.get_batch_or_404(batch_id))


@bp.post("/<int:batch_id>/commit")
@require("building.edit")
def commit(batch_id: int):
    """All or nothing: a row in error, a batch already imported or a stale page → 409
    with the preview as it stands (nothing written)."""
    batch = queries.get_batch_or_404(batch_id, for_update=True)
    form = BatchActionForm(formdata=request.form)
    if not form.validate():
        message = _("La demande est incomplète : rechargez l’aperçu puis validez à nouveau.")
        return _preview_page(batch, 422, message)
    try:
        check_version(batch, form.version.data)
        applied = services.commit_batch(batch, current_user)
    except StaleVersion:
        message = _(
            "Cet import a changé depuis que vous avez ouvert l’aperçu (validé ou abandonné "
            "par quelqu’un d’autre) : voici son état actuel."
        )
        return _preview_page(batch, 409, message)
    except services.ImportHasErrors as refused:
        db.session.rollback()
        batch = queries.get_batch_or_404(batch_id, for_update=True)
        services.refresh_preview(batch, current_user)
        db.session.commit()
        return _preview_page(batch, 409, refused.message)
    except DomainError as refused:
        db.session.rollback()
        return _preview_page(queries.get_batch_or_404(batch_id), 409, refused.message)
    db.session.commit()
    counts = applied.counts
    flash(
        _(
            "Import enregistré : %(rows)s ligne(s), %(households)s dossier(s) ménage, "
            "%(periods)s occupation(s), %(present)s ligne(s) déjà présente(s).",
            rows=counts["rows"],
            households=counts["households"],
            periods=counts["periods"],
            present=counts["present"],
        ),
        "success",
    )
    return redirect_to(url_for("imports.preview", batch_id=batch.id), 303)


@bp.post("/<int:batch_id>/abandon")
@require("building.edit")
def abandon(batch_id: int):
    batch = queries.get_batch_or_404(batch_id, for_update=True)
    form = BatchActionForm(formdata=request.form)
    if not form.validate():
        message = _("La demande est incomplète : rechargez l’aperçu puis recommencez.")
        return _preview_page(batch, 422, message)
    try:
        check_version(batch, form.version.data)
        services.abandon_batch(batch)
    except StaleVersion:
        message = _("Cet import a changé depuis que vous avez ouvert l’aperçu : voici son état.")
        return _preview_page(batch, 409, message)
    except DomainError as refused:
        db.session.rollback()
        return _preview_page(queries.get_batch_or_404(batch_id), 409, refused.message)
    db.session.commit()
    flash(_("Import « %(file)s » abandonné : rien n’a été écrit.", file=batch.filename), "success")
    return redirect_to(url_for("imports.index"), 303)
