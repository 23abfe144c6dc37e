"""Real, minimal files of every accepted type, and a stored-document factory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from werkzeug.datastructures import FileStorage


def pdf(text: str = "Avis d'imposition") -> bytes:
    """A minimal valid one-page PDF (the demo data's, with a correct cross-reference table)."""
    from capintra.documents.demo import tiny_pdf

    return tiny_pdf(text)


def png() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """The start of a JFIF file (SOI + APP0), enough for any reader to recognise it."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def _zip(members: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": f'<?xml version="1.0"?><w:document xmlns:w="{ns}">'
            f"<w:body><w:p><w:r><w:t>Bail</w:t></w:r></w:p></w:body></w:document>".encode(),
        }
    )


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Quittance"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        },
        stored_first="mimetype",
    )


def ods() -> bytes:
    """An OpenDocument spreadsheet: a ZIP we do not accept."""
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<x/>",
        },
        stored_first="mimetype",
    )


def html() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def stored_document(household=None, *, content: bytes | None = None, name="avis.pdf", **kw):
    """A document stored through the real service (file on disk, row committed)."""
    from capintra.documents.models import DocumentKind
    from capintra.documents.services import store_upload
    from capintra.extensions import db
    from tests import factories

    household = household or factories.household()
    uploader = kw.pop("uploader", None) or factories.user("officer")
    document = store_upload(
        FileStorage(stream=io.BytesIO(content or pdf()), filename=name),
        owner=household,
        kind=kw.pop("kind", DocumentKind.RESSOURCES),
        title=kw.pop("title", ""),
        shared=not kw.pop("confidential", False),
        delete_after_use=kw.pop("delete_after_use", False),
        uploader=uploader,
    )
    db.session.commit()
    return document
