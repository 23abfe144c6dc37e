"""Storing and destroying documents.

A file is accepted only when its content is one of the types we know (the name and the
browser's content type say nothing), is kept outside the web root under a generated
name, and is written atomically with owner-only permissions. The client's file name is
only ever shown (cleaned), never used in a path.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from capintra.confidentiality import confidential_by_default
from capintra.documents.models import Document, DocumentKind
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.models import utcnow
from capintra.text import lazy_gettext as _l

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

    from capintra.auth.models import User

PDF = ("application/pdf", "pdf")
JPEG = ("image/jpeg", "jpg")
PNG = ("image/png", "png")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
ODT = ("application/vnd.oasis.opendocument.text", "odt")

#: Extensions a user may have given each accepted type (the download name keeps them).
EXTENSIONS = {
    "pdf": {"pdf"},
    "jpg": {"jpg", "jpeg", "jpe", "jfif"},
    "png": {"png"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
}

#: How each type is named to users, in the order the messages list them.
TYPE_LABELS = {
    PDF: _l("PDF"),
    JPEG: _l("image JPEG"),
    PNG: _l("image PNG"),
    DOCX: _l("document Word (DOCX)"),
    XLSX: _l("classeur Excel (XLSX)"),
    ODT: _l("texte OpenDocument (ODT)"),
}

#: A storage name: 32 hex digits and one of our extensions, nothing else.
STORAGE_NAME = re.compile(r"^[0-9a-f]{32}\.(?:pdf|jpg|png|docx|xlsx|odt)$")
MAX_NAME_LENGTH = 255
CHUNK = 64 * 1024


class UploadRefused(DomainError):
    """The file is not of an accepted type (422)."""

    status = 422


class DocumentTooLarge(DomainError):
    """The file is larger than MAX_DOCUMENT_SIZE, or than the smaller limit its owner
    sets (413)."""

    status = 413


def accepted_types_message(types: Collection[tuple[str, str]] | None = None) -> str:
    """The refusal, naming the accepted types: every known one, or only `types`."""
    if types is None:
        return _(
            "Ce type de fichier n’est pas accepté. Formats acceptés : PDF, image JPEG ou "
            "PNG, document Word (DOCX), classeur Excel (XLSX), texte OpenDocument (ODT)."
        )
    formats = ", ".join(str(label) for known, label in TYPE_LABELS.items() if known in types)
    return _("Ce type de fichier n’est pas accepté ici. Formats acceptés : %(formats)s.",
             formats=formats)  # fmt: skip


def too_large_message(limit: int | None = None) -> str:
    """The refusal, naming the limit in Mo (MAX_DOCUMENT_SIZE unless `limit` is given)."""
    size = limit if limit is not None else current_app.config["MAX_DOCUMENT_SIZE"]
    return _(
        "Le fichier dépasse la taille maximale de %(n)s Mo. Réduisez-le (par exemple en "
        "numérisant en noir et blanc ou en basse résolution) puis réessayez.",
        n=size // (1024 * 1024),
    )


# --- recognising the content -------------------------------------------------------------


def _sniff_zip(data: bytes) -> tuple[str, str] | None:
    """DOCX, XLSX or ODT: a ZIP whose members say which."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).strip()
                if declared == ODT[0].encode():
                    return ODT
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
            EOFError, OSError, RuntimeError):  # fmt: skip
        return None
    return None


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an accepted file, from its content; None otherwise.

    PDF, JPEG and PNG by their signature; DOCX, XLSX and ODT by the members of the ZIP
    archive they are (so `data` must be the whole file for those).
    """
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return None


def human_size(size: int | None) -> str:
    """1,2 Mo, 350 ko, 12 o (French units, decimal comma, no-break space)."""
    if size is None:
        return ""
    for unit, factor in (("Mo", 1024 * 1024), ("ko", 1024)):
        if size >= factor:
            number = format_decimal(size / factor, format="#,##0.#", locale="fr_FR")
            return f"{number}\u00a0{unit}"
    return f"{size}\u00a0o"


# --- names -------------------------------------------------------------------------------


def clean_original_name(name: str | None, extension: str) -> str:
    """The client's file name made safe to store and show.

    Path parts, control and invisible formatting characters (NUL, bidirectional
    overrides) removed; at most 255 characters, keeping the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"})
    name = name.strip()
    if name in {"", ".", ".."}:
        name = f"document.{extension}"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        if dot and stem and 0 < len(suffix) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(suffix) - 1].rstrip() + "." + suffix
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def download_name(document: Document) -> str:
    """The name the file is saved under: the original one, with an extension that matches
    its real type (a PDF sent as `x.html` downloads as `x.html.pdf`)."""
    extension = document.storage_name.rpartition(".")[2]
    name = document.original_name or f"document.{extension}"
    given = name.rpartition(".")[2].lower() if "." in name else ""
    if given not in EXTENSIONS.get(extension, {extension}):
        name = f"{name}.{extension}"
    return name


# --- storage -----------------------------------------------------------------------------


def upload_dir() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]).resolve()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def document_path(document: Document) -> Path:
    """Where the document's content is stored; refuses anything outside UPLOAD_DIR."""
    name = document.storage_name or ""
    if not STORAGE_NAME.match(name):
        raise ValueError("invalid storage name")
    root = upload_dir()
    path = (root / name[:2] / name).resolve()
    if not path.is_relative_to(root) or path.parent.parent != root:
        raise ValueError("storage path outside the upload folder")
    return path


def _read_capped(stream: IO[bytes], limit: int) -> bytes:
    """At most limit + 1 bytes: enough to know the file is too big, never more."""
    parts, total = [], 0
    while total <= limit:
        chunk = stream.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: never a partial file."""
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_upload(
    file_storage: FileStorage,
    *,
    owner: Any,
    kind: DocumentKind | None,
    title: str | None,
    shared: bool | None,
    delete_after_use: bool,
    uploader: User,
    max_size: int | None = None,
    types: Collection[tuple[str, str]] | None = None,
) -> Document:
    """Check and store an uploaded file as a document of `owner` (any record: a
    household file, a building…); returns the new (flushed) Document.

    Raises DocumentTooLarge above MAX_DOCUMENT_SIZE (or `max_size`, an owner's smaller
    limit) and UploadRefused for a type we do not accept (or not among `types`, e.g.
    `(PNG, JPEG)` for an image); nothing is written then. Confidential or not follows
    the notes' rule (`confidentiality.confidential_by_default`): an officer's upload is
    confidential unless `shared`; anyone else's is shared.
    """
    limit = current_app.config["MAX_DOCUMENT_SIZE"]
    if max_size is not None:
        limit = min(limit, max_size)
    data = _read_capped(file_storage.stream, limit)
    if len(data) > limit:
        raise DocumentTooLarge(too_large_message(limit))
    if not data:
        raise UploadRefused(_("Le fichier est vide."))
    recognised = sniff(data)
    if recognised is None or (types is not None and recognised not in types):
        raise UploadRefused(accepted_types_message(types))
    content_type, extension = recognised

    storage_name = f"{secrets.token_hex(16)}.{extension}"
    document = Document(
        owner_type=owner.__tablename__,
        owner_id=owner.id,
        kind=kind or DocumentKind.AUTRE,
        title=(title or "").strip(),
        confidential=confidential_by_default(uploader, Document, shared),
        delete_after_use=bool(delete_after_use),
        original_name=clean_original_name(file_storage.filename, extension),
        content_type=content_type,
        size=len(data),
        checksum=hashlib.sha256(data).hexdigest(),
        storage_name=storage_name,
        uploaded_by_id=uploader.id,
    )
    _write_atomically(document_path(document), data)
    db.session.add(document)
    try:
        db.session.flush()
    except Exception:
        discard_content(document)
        raise
    return document


def commit_upload(document: Document) -> None:
    """Commit the upload; if the commit fails, its stored file goes too."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard_content(document)
        raise


def discard_content(document: Document) -> None:
    """Remove a stored file whose row will not be committed (or was purged)."""
    with contextlib.suppress(ValueError):
        document_path(document).unlink(missing_ok=True)


_TO_DESTROY = "capintra_documents_to_destroy"


def purge_content(document: Document) -> None:
    """Destroy the stored content (a supporting document once used); the row stays, marked
    purged, so the file's history still shows that it existed and was destroyed.

    The file goes once the transaction commits: if it rolls back, row and file both stay.
    """
    if document.purged_at is not None:
        return
    with contextlib.suppress(ValueError):
        db.session.info.setdefault(_TO_DESTROY, []).append(document_path(document))
    document.purged_at = utcnow()
    db.session.flush()


def _destroy_after_commit(session) -> None:
    for path in session.info.pop(_TO_DESTROY, []):
        path.unlink(missing_ok=True)


def _keep_after_rollback(session, previous_transaction) -> None:
    session.info.pop(_TO_DESTROY, None)


def install_document_listeners() -> None:
    if not event.contains(Session, "after_commit", _destroy_after_commit):
        event.listen(Session, "after_commit", _destroy_after_commit)
        event.listen(Session, "after_soft_rollback", _keep_after_rollback)


def delete_document(document: Document) -> None:
    """Soft delete; a "delete after use" supporting document also loses its content."""
    document.soft_delete()
    if document.delete_after_use:
        purge_content(document)
    db.session.flush()
