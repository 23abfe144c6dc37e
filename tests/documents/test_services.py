"""Sniffing, name cleaning and the storage rules of capintra.documents.services."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from capintra.documents import services
from capintra.documents.models import Document
from capintra.extensions import db
from tests.documents import samples


@pytest.mark.parametrize(
    ("builder", "expected"),
    [
        (samples.pdf, services.PDF),
        (samples.png, services.PNG),
        (samples.jpeg, services.JPEG),
        (samples.docx, services.DOCX),
        (samples.xlsx, services.XLSX),
        (samples.odt, services.ODT),
    ],
)
def test_accepted_types_are_recognised_from_their_content(builder, expected):
    assert services.sniff(builder()) == expected


@pytest.mark.parametrize(
    "data",
    [
        samples.html(),
        b"",
        b"GIF89a\x01\x00\x01\x00",
        b"MZ\x90\x00 executable",
        b" %PDF-1.4 not at the start",
        b"PK\x03\x04 a broken zip",
        samples.ods(),
    ],
    ids=["html", "empty", "gif", "exe", "pdf-not-first", "broken-zip", "ods"],
)
def test_anything_else_is_refused(data):
    assert services.sniff(data) is None


def test_a_plain_zip_is_not_an_office_document():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/readme.txt", b"not a docx")
    assert services.sniff(buffer.getvalue()) is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("avis.pdf", "avis.pdf"),
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\windows\\x.pdf", "x.pdf"),
        ("/etc/passwd", "passwd"),
        ("a\x00b.pdf", "ab.pdf"),
        ("facture\u202egpj.pdf", "facturegpj.pdf"),
        ("ligne\r\nSet-Cookie: x.pdf", "ligneSet-Cookie: x.pdf"),
        ("..", "document.pdf"),
        ("", "document.pdf"),
        (None, "document.pdf"),
        ("  Hélène — bail.pdf  ", "Hélène — bail.pdf"),
    ],
)
def test_original_names_are_cleaned(given, expected):
    assert services.clean_original_name(given, "pdf") == expected


def test_long_names_are_cut_to_255_characters_keeping_the_extension():
    name = services.clean_original_name("a" * 296 + ".pdf", "pdf")
    assert len(name) == 255
    assert name.endswith(".pdf")
    assert len(services.clean_original_name("b" * 400, "pdf")) == 255


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (12, "12\u00a0o"),
        (2048, "2\u00a0ko"),
        (1_258_291, "1,2\u00a0Mo"),
        (10 * 2**20, "10\u00a0Mo"),
    ],
)
def test_sizes_are_shown_the_french_way(size, shown):
    assert services.human_size(size) == shown


def test_download_name_gets_the_real_extension():
    doc = Document(original_name="piege.html", storage_name="0" * 32 + ".pdf")
    assert services.download_name(doc) == "piege.html.pdf"
    doc = Document(original_name="photo.JPEG", storage_name="0" * 32 + ".jpg")
    assert services.download_name(doc) == "photo.JPEG"


@pytest.mark.parametrize(
    "storage_name",
    ["../../etc/passwd", "../" + "a" * 32 + ".pdf", "/etc/passwd", "a" * 32 + ".html", ""],
)
def test_document_path_refuses_anything_but_a_generated_name(app_ctx, storage_name):
    with pytest.raises(ValueError):
        services.document_path(Document(storage_name=storage_name))


def test_stored_file_is_private_inside_the_upload_folder(app_ctx, make):
    document = samples.stored_document(name="../../x.pdf")
    path = services.document_path(document)
    root = Path(app_ctx.config["UPLOAD_DIR"]).resolve()
    assert path.parent.parent == root
    assert path.name == document.storage_name
    assert "x.pdf" not in document.storage_name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes() == samples.pdf()
    assert not list(path.parent.glob(".upload-*")), "temporary file left behind"
    assert document.original_name == "x.pdf"
    assert document.size == len(samples.pdf())
    assert len(document.checksum) == 64


def test_only_officers_may_mark_a_document_confidential(app_ctx, make):
    assistant = make.user("assistant")
    officer = make.user("officer")
    by_assistant = samples.stored_document(uploader=assistant, confidential=True)
    by_officer = samples.stored_document(uploader=officer, confidential=True)
    assert by_assistant.confidential is False
    assert by_officer.confidential is True


@pytest.mark.parametrize(
    ("role", "shared", "confidential"),
    [("officer", None, True), ("officer", False, True), ("officer", True, False),
     ("assistant", None, False), ("assistant", False, False), ("manager", False, False)],
)  # fmt: skip
def test_one_rule_for_notes_and_documents(app_ctx, make, role, shared, confidential):
    """confidentiality.confidential_by_default decides for both (DESIGN §1)."""
    from capintra.confidentiality import confidential_by_default
    from capintra.households.models import Note

    author = make.user(role)
    for model in (Note, Document):
        assert confidential_by_default(author, model, shared) is confidential
    stored = samples.stored_document(uploader=author, confidential=not shared)
    assert stored.confidential is confidential
    assert confidential_by_default(author, type(author), shared) is False  # no rule


def test_too_large_and_refused_files_write_nothing(app_ctx, make):
    household = make.household()
    user = make.user("assistant")
    root = Path(app_ctx.config["UPLOAD_DIR"])
    before = set(root.rglob("*")) if root.exists() else set()
    limit = app_ctx.config["MAX_DOCUMENT_SIZE"]
    for data, error in [
        (samples.pdf() + b"0" * limit, services.DocumentTooLarge),
        (samples.html(), services.UploadRefused),
    ]:
        with pytest.raises(error):
            services.store_upload(
                FileStorage(stream=io.BytesIO(data), filename="x.pdf"),
                owner=household,
                kind=None,
                title="",
                shared=None,
                delete_after_use=False,
                uploader=user,
            )
    after = set(root.rglob("*")) if root.exists() else set()
    assert after == before


def test_an_owner_may_set_a_smaller_limit_and_fewer_types(app_ctx, make):
    """An image of at most 1 Mo (a signature): a PDF is refused by its content whatever
    its name, a file over the owner's limit is refused though far below 10 Mo."""
    household = make.household()
    user = make.user("assistant")
    root = Path(app_ctx.config["UPLOAD_DIR"])
    before = set(root.rglob("*")) if root.exists() else set()

    def store(data: bytes, name: str):
        return services.store_upload(
            FileStorage(stream=io.BytesIO(data), filename=name), owner=household, kind=None,
            title="", shared=None, delete_after_use=False, uploader=user,
            max_size=1024 * 1024, types=(services.PNG, services.JPEG),
        )  # fmt: skip

    with pytest.raises(services.UploadRefused) as refused:
        store(samples.pdf(), "signature.png")
    assert refused.value.message == (
        "Ce type de fichier n’est pas accepté ici. Formats acceptés : image JPEG, image PNG."
    )
    with pytest.raises(services.DocumentTooLarge) as too_large:
        store(samples.png() + b"\0" * (1024 * 1024), "signature.png")
    assert "taille maximale de 1 Mo" in too_large.value.message
    after = set(root.rglob("*")) if root.exists() else set()
    assert after == before
    assert store(samples.jpeg(), "signature.jpg").content_type == "image/jpeg"


def test_purge_destroys_the_content_and_keeps_the_row(app_ctx, make):
    document = samples.stored_document(delete_after_use=True)
    path = services.document_path(document)
    services.delete_document(document)
    assert path.exists()  # not before the commit: a rollback must find it again
    db.session.commit()
    assert not path.exists()
    assert document.purged_at is not None
    assert document.deleted_at is not None


def test_a_rolled_back_purge_keeps_the_content(app_ctx, make):
    document = samples.stored_document(delete_after_use=True)
    path = services.document_path(document)
    services.delete_document(document)
    db.session.rollback()
    db.session.commit()
    assert path.exists()
