"""Demo data of the documents: the tiny PDF the demo files carry (the household files'
loader attaches it through `store_upload`), and an example stored document for the URL
variable <document_id> of the generated route tests."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO

from werkzeug.datastructures import FileStorage

from capintra.auth.demo import example_user
from capintra.documents.models import DocumentKind
from capintra.documents.services import store_upload
from capintra.features import declared
from capintra.text import normalise


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF (with a correct cross-reference table) saying `title`."""
    safe = "".join(c for c in normalise(title) if c.isalnum() or c == " ")[:60]
    stream = f"BT /F1 14 Tf 56 780 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- examples for the route tests -----------------------------------------------------------


def _owner(values: Mapping[str, object]):
    """The record the document belongs to: the owner named in the URL (its variable
    already chosen), else one made for the first declared owner."""
    owners = declared("document_owners")
    chosen = [o for o in owners if o.variable in values] or owners[:1]
    if not chosen:
        raise LookupError("no feature declares a DocumentOwner")
    owner = chosen[0]
    return owner.load(values[owner.variable])


def example_document(values: Mapping[str, object]) -> int:
    """A non-confidential PDF stored through the documents service (file in UPLOAD_DIR,
    row flushed), uploaded by an officer."""
    document = store_upload(
        FileStorage(stream=BytesIO(tiny_pdf("Avis d'imposition")), filename="avis.pdf"),
        owner=_owner(values),
        kind=DocumentKind.RESSOURCES,
        title="",
        shared=True,
        delete_after_use=False,
        uploader=example_user(),
    )
    return document.id
