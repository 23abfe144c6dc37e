"""The signature image in a real browser: sent from the page, shown (the image loads under
the Content-Security-Policy), refused with its reason, removed after one question; the
page passes axe at each step."""

from __future__ import annotations

from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible
from tests.documents import samples

pytestmark = BROWSER

PAGE = "/admin/order-issuer"
IMAGE_LOADED = """() => { const img = document.querySelector('img.signature-image');
    return img !== null && img.complete && img.naturalWidth > 0; }"""


def _issuer_without_signature(live_server) -> None:
    from capintra.extensions import db
    from capintra.orders import queries
    from capintra.orders.models import OrderIssuer

    def make():
        issuer = queries.issuer()
        if issuer is None:
            issuer = OrderIssuer(name="Cap Aménagement Loire", signatory_name="Marc Vidal")
            db.session.add(issuer)
        issuer.signature_document_id = None

    live_server.run(make)


def test_the_admin_sends_sees_and_removes_the_signature(live_server, page, tmp_path):
    _issuer_without_signature(live_server)
    sign_in(page, live_server, *live_server.make_user("admin"))
    page.goto(live_server.url(PAGE))
    page.get_by_text("Aucune image de signature").wait_for()
    assert_accessible(page, f"{PAGE} without a signature")

    renamed_pdf = tmp_path / "signature.png"
    renamed_pdf.write_bytes(samples.pdf())
    page.get_by_label("Image de la signature").set_input_files(renamed_pdf)
    page.get_by_role("button", name="Envoyer l’image").click()
    page.get_by_text("Formats acceptés : image JPEG, image PNG.").wait_for()
    assert page.locator("img.signature-image").count() == 0
    assert_accessible(page, f"{PAGE} with a refused file")

    png = tmp_path / "vraie-signature.png"
    png.write_bytes(samples.png())
    page.get_by_label("Image de la signature").set_input_files(png)
    page.get_by_role("button", name="Envoyer l’image").click()
    page.get_by_text("Image de la signature enregistrée.").wait_for()
    page.wait_for_function(IMAGE_LOADED)
    assert_accessible(page, f"{PAGE} with a signature")

    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Retirer la signature").click()
    page.get_by_text("Image de la signature retirée.").wait_for()
    assert questions == ["Retirer l’image de la signature ? Les bons seront imprimés sans elle."]
    assert page.locator("img.signature-image").count() == 0
    assert page.url == live_server.url(PAGE)
