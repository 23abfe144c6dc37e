"""The signature image printed on orders, on the admin's page /admin/order-issuer: a PNG or
JPEG (by its content) of 1 Mo at most, stored through the documents package, replaced,
removed; refused files write nothing; everyone but the admin is refused (403), and the
stored image is read back server-side for printing (`orders.queries.signature_image`)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from capintra.audit.models import AuditEvent
from capintra.documents.models import Document
from capintra.extensions import db
from capintra.orders import queries
from capintra.orders.models import OrderIssuer
from tests.checks import assert_csp_safe_html, assert_security_headers
from tests.documents import samples
from tests.households.helpers import text_of
from tests.orders import make

PAGE = "/admin/order-issuer"
UPLOAD = "/admin/order-issuer/signature"
IMAGE = "/admin/order-issuer/signature/image"
REMOVE = "/admin/order-issuer/signature/delete"


def upload(browser, content: bytes, name: str = "signature.png", version=None, **kw):
    issuer = queries.issuer()
    if version is None and issuer is not None:
        version = fresh(issuer).version
    data = {"file": (io.BytesIO(content), name)}
    if version is not None:
        data["version"] = str(version)
    return browser.post(UPLOAD, data=data, **kw)


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def current_signature(issuer) -> Document | None:
    return queries.signature_document(fresh(issuer))


# --- upload ---------------------------------------------------------------------------------


def test_a_png_is_stored_shown_on_the_page_and_read_back_for_printing(browser_for, app_ctx):
    admin = browser_for("admin")
    issuer = make.issuer(signatory_name="Marc Vidal")
    page = text_of(admin.get(PAGE))
    assert "Aucune image de signature" in page
    assert "L’image de la signature s’ajoutera" not in page
    assert admin.get(IMAGE).status_code == 404

    response = upload(admin, samples.png())
    assert response.status_code == 303 and response.headers["Location"].endswith(PAGE)
    document = current_signature(issuer)
    assert document is not None and fresh(issuer).signature_document_id == document.id
    assert (document.owner_type, document.owner_id) == ("order_issuer", issuer.id)
    assert document.content_type == "image/png" and not document.confidential
    assert document.uploaded_by_id == admin.user.id

    shown = admin.get(PAGE)
    html = text_of(shown)
    assert f'<img src="{IMAGE}"' in html and "(Marc Vidal)" in html
    assert "Image de la signature enregistrée." in html and "Retirer la signature" in html
    assert_csp_safe_html(html)
    image = admin.get(IMAGE)
    assert image.status_code == 200 and image.data == samples.png()
    assert image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in image.headers.get("Content-Disposition", "")
    assert_security_headers(image)
    assert queries.signature_image() == (samples.png(), "image/png")


def test_the_upload_is_in_the_audit_trail(browser_for):
    admin = browser_for("admin")
    issuer = make.issuer()
    assert upload(admin, samples.png()).status_code == 303
    document = current_signature(issuer)
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "order_issuer", AuditEvent.entity_id == issuer.id
        )
    ).all()
    (change,) = [e for e in events if e.action == "update"]
    assert change.user_id == admin.user.id
    assert change.changes["signature_document_id"] == [None, document.id]
    created = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "document", AuditEvent.entity_id == document.id
        )
    ).all()
    assert created == ["create"]


def test_a_jpeg_is_accepted(browser_for):
    admin = browser_for("admin")
    issuer = make.issuer()
    assert upload(admin, samples.jpeg(), "signature.JPG").status_code == 303
    assert current_signature(issuer).content_type == "image/jpeg"
    image = admin.get(IMAGE)
    assert image.mimetype == "image/jpeg" and image.data == samples.jpeg()
    assert queries.signature_image() == (samples.jpeg(), "image/jpeg")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (samples.pdf(), "signature.png",
         "Ce type de fichier n’est pas accepté ici. Formats acceptés : image JPEG, image PNG."),
        (samples.html(), "signature.jpg", "Formats acceptés : image JPEG, image PNG."),
        (samples.docx(), "signature.png", "Formats acceptés : image JPEG, image PNG."),
        (b"", "signature.png", "Le fichier est vide."),
    ],
    ids=["pdf-named-png", "html-named-jpg", "docx-named-png", "empty"],
)  # fmt: skip
def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written(
    browser_for, app_ctx, content, name, message
):
    admin = browser_for("admin")
    issuer = make.issuer()
    version, count, files = issuer.version, documents(), stored_files(app_ctx)
    response = upload(admin, content, name)
    assert response.status_code == 422
    html = text_of(response)
    assert message in html and 'id="file-errors"' in html
    assert "Coordonnées imprimées sur les bons de commande" in html  # the page again
    assert documents() == count and stored_files(app_ctx) == files
    assert fresh(issuer).signature_document_id is None and fresh(issuer).version == version


def test_an_image_over_1_mb_is_refused_with_413_and_nothing_is_written(browser_for, app_ctx):
    admin = browser_for("admin")
    issuer = make.issuer()
    count, files = documents(), stored_files(app_ctx)
    exactly = samples.png() + b"\0" * (1024 * 1024 - len(samples.png()))
    too_big = exactly + b"\0"
    response = upload(admin, too_big)
    assert response.status_code == 413
    assert "Le fichier dépasse la taille maximale de 1 Mo." in text_of(response)
    assert documents() == count and stored_files(app_ctx) == files
    assert fresh(issuer).signature_document_id is None
    assert upload(admin, exactly).status_code == 303  # 1 Mo itself is fine


def test_no_file_chosen_is_refused(browser_for):
    admin = browser_for("admin")
    issuer = make.issuer()
    response = admin.post(UPLOAD, data={"version": str(issuer.version)})
    assert response.status_code == 422
    assert "Choisissez une image PNG ou JPEG." in text_of(response)


def test_without_the_details_the_image_waits(browser_for, app_ctx):
    admin = browser_for("admin")
    page = text_of(admin.get(PAGE))
    assert "Enregistrez d’abord les coordonnées." in page
    assert 'enctype="multipart/form-data"' not in page
    count, files = documents(), stored_files(app_ctx)
    response = upload(admin, samples.png(), version=1)
    assert response.status_code == 422
    assert "Enregistrez d’abord les coordonnées." in text_of(response)
    assert documents() == count and stored_files(app_ctx) == files
    assert db.session.scalar(select(func.count()).select_from(OrderIssuer)) == 0


def test_a_stale_upload_answers_409_and_keeps_the_other_image(browser_for, app_ctx):
    first, second = browser_for("admin"), browser_for("admin")
    issuer = make.issuer()
    shown = issuer.version
    assert upload(first, samples.png(), version=shown).status_code == 303
    kept = current_signature(issuer)
    count, files = documents(), stored_files(app_ctx)
    response = upload(second, samples.jpeg(), "autre.jpg", version=shown)
    assert response.status_code == 409
    assert "ont changé pendant que vous lisiez la page" in text_of(response)
    assert current_signature(issuer).id == kept.id
    assert documents() == count and stored_files(app_ctx) == files


# --- replace and remove ---------------------------------------------------------------------


def test_a_new_image_replaces_the_previous_one_which_is_soft_deleted(browser_for):
    admin = browser_for("admin")
    issuer = make.issuer()
    assert upload(admin, samples.png()).status_code == 303
    first = current_signature(issuer)
    assert "Remplacer l’image" in text_of(admin.get(PAGE))
    assert upload(admin, samples.jpeg(), "nouvelle.jpg").status_code == 303
    second = current_signature(issuer)
    assert second.id != first.id and second.content_type == "image/jpeg"
    old = fresh(first)
    assert old.is_deleted  # kept, hidden, audited — not erased
    assert admin.get(IMAGE).data == samples.jpeg()
    live = db.session.scalars(
        select(Document).where(Document.owner_type == "order_issuer", Document.deleted_at.is_(None))
    ).all()
    assert [d.id for d in live] == [second.id]


def test_removing_the_signature_asks_first_then_soft_deletes_it(browser_for):
    admin = browser_for("admin")
    issuer = make.issuer()
    assert upload(admin, samples.png()).status_code == 303
    document = current_signature(issuer)
    version = str(fresh(issuer).version)

    ask = admin.post(REMOVE, data={"version": version})
    assert ask.status_code == 200 and "Retirer l’image de la signature" in text_of(ask)
    assert current_signature(issuer) is not None

    done = admin.post(REMOVE, data={"version": version, "confirmed": "1"})
    assert done.status_code == 303 and done.headers["Location"].endswith(PAGE)
    assert fresh(issuer).signature_document_id is None and fresh(document).is_deleted
    assert admin.get(IMAGE).status_code == 404
    assert queries.signature_image() is None
    page = text_of(admin.get(PAGE))
    assert "Image de la signature retirée." in page and "Aucune image de signature" in page

    again = admin.post(REMOVE, data={"version": str(fresh(issuer).version), "confirmed": "1"})
    assert again.status_code == 409 and "Aucune image de signature n’est enregistrée." in (
        text_of(again)
    )


def test_removing_with_htmx_redirects_and_a_stale_removal_is_refused(browser_for):
    admin = browser_for("admin")
    issuer = make.issuer()
    assert upload(admin, samples.png()).status_code == 303
    stale = admin.htmx("POST", REMOVE, target="issuer-signature", data={"version": "1"})
    assert stale.status_code == 409
    body = text_of(stale)
    assert "<html" not in body and "ont changé pendant que vous lisiez la page" in body
    assert current_signature(issuer) is not None

    version = str(fresh(issuer).version)
    done = admin.htmx("POST", REMOVE, target="issuer-signature", data={"version": version})
    assert done.status_code == 204 and done.headers["HX-Redirect"] == PAGE
    assert current_signature(issuer) is None


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_only_the_admin_may_see_send_or_remove_the_image(browser_for, app_ctx, role):
    admin = browser_for("admin")
    issuer = make.issuer()
    assert upload(admin, samples.png()).status_code == 303
    document = current_signature(issuer)
    other = browser_for(role)

    assert other.get(PAGE).status_code == 403
    image = other.get(IMAGE)
    assert image.status_code == 403 and image.data != samples.png()
    count, files = documents(), stored_files(app_ctx)
    assert upload(other, samples.jpeg(), "x.jpg").status_code == 403
    version = str(fresh(issuer).version)
    assert other.post(REMOVE, data={"version": version, "confirmed": "1"}).status_code == 403
    assert documents() == count and stored_files(app_ctx) == files
    assert current_signature(issuer).id == document.id

    # …nor through the documents' download route, which asks the owner's loader
    assert other.get(f"/documents/{document.id}").status_code == 404
    assert admin.get(f"/documents/{document.id}").status_code == 200
