"""Upload, download and delete through the real routes (DESIGN §2 Document, §5)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.documents import services
from capintra.documents.models import Document
from capintra.extensions import db
from capintra.households.models import Household, Phase
from tests.checks import assert_csp_safe_html, assert_security_headers
from tests.documents import samples


def upload(browser, household, content: bytes, name: str = "avis.pdf", htmx=False, **fields):
    data = {"kind": "ressources", "title": "", **fields, "file": (io.BytesIO(content), name)}
    path = f"/households/{household.id}/documents"
    if htmx:
        return browser.htmx("POST", path, target="tab-content", data=data)
    return browser.post(path, data=data)


def stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def documents_of(household) -> list[Document]:
    return list(db.session.scalars(select(Document).where(Document.owner_id == household.id)))


# --- upload ------------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_and_listed(login_as, make, app_ctx):
    browser = login_as("assistant")
    household = make.household()
    response = upload(browser, household, samples.pdf(), "Avis d'imposition 2025.pdf")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{household.id}/documents")
    (document,) = documents_of(household)
    assert document.content_type == "application/pdf"
    assert document.original_name == "Avis d'imposition 2025.pdf"
    assert document.uploaded_by_id == browser.user.id
    page = browser.get(f"/households/{household.id}/documents").get_data(as_text=True)
    assert "Avis d&#39;imposition 2025.pdf" in page
    assert f"/documents/{document.id}" in page
    assert browser.user.display_name in page
    assert "Ressources" in page


@pytest.mark.parametrize(
    ("builder", "name", "content_type"),
    [
        (samples.png, "photo.png", "image/png"),
        (samples.jpeg, "photo.jpg", "image/jpeg"),
        (samples.docx, "bail.docx", services.DOCX[0]),
        (samples.xlsx, "quittances.xlsx", services.XLSX[0]),
        (samples.odt, "courrier.odt", services.ODT[0]),
    ],
)
def test_every_accepted_type_is_stored(login_as, make, app_ctx, builder, name, content_type):
    browser = login_as("assistant")
    household = make.household()
    content = builder()  # once: zip-based files carry the time they were built
    assert upload(browser, household, content, name).status_code == 303
    (document,) = documents_of(household)
    assert document.content_type == content_type
    assert services.document_path(document).read_bytes() == content


def test_html_renamed_pdf_is_refused_and_nothing_is_written(login_as, make, app_ctx):
    browser = login_as("assistant")
    household = make.household()
    before = stored_files(app_ctx)
    response = upload(browser, household, samples.html(), "releve.pdf", htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "Formats acceptés : PDF" in html
    assert 'id="document-upload-form"' in html
    assert documents_of(household) == []
    assert stored_files(app_ctx) == before


def test_missing_file_gives_the_form_again(login_as, make):
    browser = login_as("assistant")
    household = make.household()
    response = browser.post(f"/households/{household.id}/documents", data={"kind": "autre"})
    assert response.status_code == 422
    assert "Choisissez un fichier." in response.get_data(as_text=True)


def test_htmx_upload_returns_the_tab_with_a_trigger(login_as, make):
    browser = login_as("assistant")
    household = make.household()
    response = upload(browser, household, samples.pdf(), "scan.pdf", htmx=True, title="Bail")
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "capintra:saved"
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "Bail" in html and "scan.pdf" in html
    assert_csp_safe_html(html)


def test_a_file_over_10_mb_is_refused_with_413_and_nothing_written(login_as, make, app_ctx):
    browser = login_as("assistant")
    household = make.household()
    before = stored_files(app_ctx)
    too_big = samples.pdf() + b"0" * (app_ctx.config["MAX_DOCUMENT_SIZE"] + 1 - len(samples.pdf()))
    assert len(too_big) == 10 * 1024 * 1024 + 1
    response = upload(browser, household, too_big, "scan.pdf")
    assert response.status_code == 413
    assert "taille maximale de 10 Mo" in response.get_data(as_text=True)
    assert documents_of(household) == []
    assert stored_files(app_ctx) == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_request_over_the_server_limit_gets_the_french_413(login_as, make, app_ctx, htmx):
    browser = login_as("assistant")
    household = make.household()
    before = stored_files(app_ctx)
    response = upload(browser, household, samples.pdf() + b"0" * (11 * 1024 * 1024), htmx=htmx)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Fichier trop volumineux" in html
    assert "10 Mo" in html
    assert ("<html" in html) is not htmx
    assert documents_of(household) == []
    assert stored_files(app_ctx) == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..%2F..%2Fy.pdf", "..%2F..%2Fy.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("n" * 296 + ".pdf", "n" * 251 + ".pdf"),
    ],
    ids=["dot-dot", "encoded", "nul", "300-chars"],
)
def test_hostile_names_stay_inside_the_storage_folder(login_as, make, app_ctx, name, expected):
    browser = login_as("assistant")
    household = make.household()
    root = Path(app_ctx.config["UPLOAD_DIR"]).resolve()
    outside_before = {p for p in root.parent.rglob("*") if not p.is_relative_to(root)}
    assert upload(browser, household, samples.pdf(), name).status_code == 303
    (document,) = documents_of(household)
    assert document.original_name == expected
    assert len(document.original_name) <= 255
    path = services.document_path(document)
    assert path.is_relative_to(root) and path.exists()
    assert path.name == document.storage_name
    assert all(part not in document.storage_name for part in ("..", "/", "x.pdf", "\x00"))
    outside_after = {p for p in root.parent.rglob("*") if not p.is_relative_to(root)}
    assert outside_after == outside_before
    download = browser.get(f"/documents/{document.id}")
    assert download.status_code == 200
    assert download.data == samples.pdf()


# --- download ----------------------------------------------------------------------------


def test_download_is_an_attachment_with_the_original_content(login_as, make):
    browser = login_as("manager")
    document = samples.stored_document(name="Avis d'impôt Hélène.pdf")
    response = browser.get(f"/documents/{document.id}")
    assert response.status_code == 200
    assert response.data == samples.pdf()
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Avis%20d%27imp%C3%B4t%20H%C3%A9l%C3%A8ne.pdf" in disposition
    assert_security_headers(response)
    events = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "document", AuditEvent.entity_id == document.id
        )
    ).all()
    assert "download" in events
    assert "read_confidential" not in events


def test_a_pdf_named_html_downloads_as_pdf(login_as, make):
    browser = login_as("assistant")
    document = samples.stored_document(name="page.html")
    response = browser.get(f"/documents/{document.id}")
    assert response.headers["Content-Disposition"] == "attachment; filename=page.html.pdf"


@pytest.mark.parametrize("state", ["missing", "deleted", "purged", "household-deleted"])
def test_download_of_an_unreachable_document_is_404(login_as, make, state):
    browser = login_as("officer")
    document = samples.stored_document()
    document_id = document.id
    if state == "missing":
        document_id += 10_000
    elif state == "deleted":
        document.soft_delete()
    elif state == "purged":
        services.purge_content(document)
    else:
        db.session.get(Household, document.owner_id).soft_delete()
    db.session.commit()
    assert browser.get(f"/documents/{document_id}").status_code == 404


def test_a_document_whose_file_is_gone_is_404(login_as, make):
    browser = login_as("officer")
    document = samples.stored_document()
    services.document_path(document).unlink()
    assert browser.get(f"/documents/{document.id}").status_code == 404


# --- confidential documents ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["assistant", "manager", "admin"])
def test_a_confidential_document_does_not_exist_for_non_officers(login_as, make, role):
    household = make.household()
    officer_doc = samples.stored_document(
        household,
        name="compte-rendu-psychiatre.pdf",
        title="Certificat médical Hélène",
        confidential=True,
    )
    shared = samples.stored_document(household, name="quittance.pdf", title="Quittance mai")
    browser = login_as(role)
    assert browser.get(f"/documents/{officer_doc.id}").status_code == 404
    assert browser.get(f"/documents/{shared.id}").status_code == 200
    for path in (
        f"/households/{household.id}/documents",
        f"/households/{household.id}/history",
        f"/households/{household.id}",
    ):
        for response in (browser.get(path), browser.htmx("GET", path, target="tab-content")):
            html = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert "Certificat médical" not in html, path
            assert "psychiatre" not in html, path
            assert f'/documents/{officer_doc.id}"' not in html, path
            assert "Confidentiel" not in html, path
    listed = browser.get(f"/households/{household.id}/documents").get_data(as_text=True)
    assert "Quittance mai" in listed
    assert listed.count('<tr id="document-') == 1
    delete = browser.post(
        f"/households/{officer_doc.owner_id}/documents/{officer_doc.id}/delete", data={"version": 1}
    )
    assert delete.status_code == (404 if role == "assistant" else 403)


def test_assistant_cannot_delete_a_confidential_document(login_as, make):
    document = samples.stored_document(confidential=True)
    browser = login_as("assistant")
    response = browser.post(
        f"/households/{document.owner_id}/documents/{document.id}/delete",
        data={"version": document.version},
    )
    assert response.status_code == 404
    db.session.refresh(document)
    assert document.deleted_at is None


def test_officer_download_of_a_confidential_document_is_audited(login_as, make):
    browser = login_as("officer")
    household = make.household()
    upload(browser, household, samples.pdf(), "certificat.pdf", confidential="y")
    (document,) = documents_of(household)
    assert document.confidential is True
    page = browser.get(f"/households/{household.id}/documents").get_data(as_text=True)
    assert "Confidentiel · chargé(e) de missions sociales" in page
    response = browser.get(f"/documents/{document.id}")
    assert response.status_code == 200
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "document", AuditEvent.entity_id == document.id
        )
    ).all()
    reads = [e for e in events if e.action == "read_confidential"]
    assert len(reads) == 1
    assert reads[0].user_id == browser.user.id
    assert reads[0].confidential is True
    assert reads[0].household_id == household.id
    assert all(e.confidential for e in events)


def test_an_assistant_cannot_make_a_document_confidential(login_as, make):
    browser = login_as("assistant")
    household = make.household()
    form = browser.get(f"/households/{household.id}/documents").get_data(as_text=True)
    assert 'name="confidential"' not in form and 'name="shared"' not in form
    upload(browser, household, samples.pdf(), confidential="y")
    (document,) = documents_of(household)
    assert document.confidential is False


# --- the notes' rule: an officer's upload is confidential unless shared --------------------


@pytest.fixture
def browser_for(app_ctx, make):
    """browser_for("assistant"): a signed-in Browser on a client of its own."""
    from tests.conftest import login

    return lambda role: login(app_ctx.test_client(), make.user(role))


def _listed_for(browser_for, role, household) -> str:
    return browser_for(role).get(f"/households/{household.id}/documents").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_an_officer_upload_is_confidential_unless_shared(browser_for, make, htmx):
    household = make.household()
    officer = browser_for("officer")
    form = officer.get(f"/households/{household.id}/documents").get_data(as_text=True)
    assert 'name="shared"' in form and "Partager avec l’équipe projet" in form
    assert 'name="confidential"' not in form
    upload(officer, household, samples.pdf(), "bilan.pdf", htmx=htmx, title="Bilan social")
    upload(officer, household, samples.pdf(), "bail.pdf", htmx=htmx, title="Bail", shared="y")
    by_title = {d.title: d for d in documents_of(household)}
    assert by_title["Bilan social"].confidential is True
    assert by_title["Bail"].confidential is False
    for role in ("assistant", "manager"):
        listed = _listed_for(browser_for, role, household)
        assert "Bail" in listed and "Bilan social" not in listed
        assert browser_for(role).get(f"/documents/{by_title['Bilan social'].id}").status_code == 404
        assert browser_for(role).get(f"/documents/{by_title['Bail'].id}").status_code == 200


@pytest.mark.parametrize("posted", [{}, {"shared": "y"}, {"confidential": "y"},
                                    {"shared": "", "confidential": "y"}])  # fmt: skip
def test_an_assistant_upload_is_shared_whatever_is_posted(browser_for, make, posted):
    household = make.household()
    upload(browser_for("assistant"), household, samples.pdf(), title="Quittance", **posted)
    (document,) = documents_of(household)
    assert document.confidential is False
    assert "Quittance" in _listed_for(browser_for, "manager", household)


# --- delete after use ----------------------------------------------------------------------


def test_supporting_documents_are_listed_for_deletion_past_diagnostic(login_as, make):
    household = make.household(phase=Phase.DIAGNOSTIC)
    supporting = samples.stored_document(
        household, name="avis-imposition.pdf", title="Avis d'imposition", delete_after_use=True
    )
    samples.stored_document(household, name="bail.pdf", title="Bail")
    browser = login_as("assistant")
    path = f"/households/{household.id}/documents"
    page = browser.get(path).get_data(as_text=True)
    assert "Justificatif à supprimer après instruction" in page
    assert 'id="documents-to-delete"' not in page

    household.phase = Phase.RECHERCHE
    db.session.commit()
    page = browser.get(path).get_data(as_text=True)
    assert 'id="documents-to-delete"' in page
    warning = page.split('id="documents-to-delete"')[1].split("</div>")[0]
    assert "Avis d&#39;imposition" in warning and "à supprimer" in warning
    assert "Bail" not in warning

    file_path = services.document_path(supporting)
    response = browser.htmx(
        "POST",
        f"/households/{supporting.owner_id}/documents/{supporting.id}/delete",
        "tab-content",
        data={"version": supporting.version},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "capintra:saved"
    assert 'id="documents-to-delete"' not in response.get_data(as_text=True)
    assert not file_path.exists()
    db.session.refresh(supporting)
    assert supporting.purged_at is not None and supporting.deleted_at is not None


def test_a_confidential_supporting_document_is_not_listed_for_assistants(login_as, make):
    household = make.household(phase=Phase.RECHERCHE)
    samples.stored_document(household, title="Bilan de santé", delete_after_use=True,
                            confidential=True)  # fmt: skip
    page = login_as("assistant").get(f"/households/{household.id}/documents")
    html = page.get_data(as_text=True)
    assert 'id="documents-to-delete"' not in html and "Bilan de santé" not in html


# --- delete ----------------------------------------------------------------------------------


def test_plain_delete_keeps_the_file_and_redirects(login_as, make):
    household = make.household()
    document = samples.stored_document(household, title="Bail")
    browser = login_as("assistant")
    response = browser.post(
        f"/households/{document.owner_id}/documents/{document.id}/delete",
        data={"version": document.version, "confirmed": "1"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{household.id}/documents")
    db.session.refresh(document)
    assert document.deleted_at is not None and document.purged_at is None
    assert services.document_path(document).exists()
    page = browser.get(f"/households/{household.id}/documents").get_data(as_text=True)
    assert "Pièce jointe « Bail » supprimée." in page
    assert '<tr id="document-' not in page
    assert browser.get(f"/documents/{document.id}").status_code == 404


def test_stale_or_missing_version_refuses_the_delete(login_as, make):
    document = samples.stored_document(title="Bail")
    browser = login_as("assistant")
    stale = browser.htmx(
        "POST",
        f"/households/{document.owner_id}/documents/{document.id}/delete",
        "tab-content",
        data={"version": document.version + 1},
    )  # fmt: skip
    assert stale.status_code == 409
    assert "modifié par quelqu" in stale.get_data(as_text=True)
    missing = browser.post(
        f"/households/{document.owner_id}/documents/{document.id}/delete", data={}
    )
    assert missing.status_code == 422
    db.session.refresh(document)
    assert document.deleted_at is None


def test_the_tab_lists_every_row_without_lazy_loading(login_as, make):
    """uploaded_by is lazy="raise": the tab must use the eager-loaded list."""
    household = make.household()
    for n in range(5):
        samples.stored_document(household, title=f"Pièce {n}")
    response = login_as("assistant").get(f"/households/{household.id}/documents")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('<tr id="document-') == 5


def test_a_document_is_deleted_only_through_its_own_file(make, browser_for):
    """The delete route names the file: another file's document is not there (404)."""
    mine, other = make.household(), make.household()
    document = samples.stored_document(other)
    response = browser_for("assistant").post(
        f"/households/{mine.id}/documents/{document.id}/delete",
        data={"version": document.version, "confirmed": "1"},
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Document, document.id).deleted_at is None
