"""The printed order (DESIGN §2 « Order », §3 « printable order and PDF »): GET
/orders/<id>.pdf is a real PDF whose text, read back with pypdf, holds what a provider
needs — the number, the issuer and the provider with their SIRET, the framework contract
with its notification date, the lines and the totals in French, the VAT (the exemption
mention, or the rate and amount), place, execution period, budget line, the households
by reference only (never a name) — and /orders/<id>/print, the same page for the
browser. A draft is marked « BROUILLON — non valable »; the signature image is printed
once uploaded, on approved orders only."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date

import pytest
from pypdf import PdfReader

from capintra import clock
from capintra.extensions import db
from capintra.orders.models import OrderIssuer, PriceItem, PriceUnit
from capintra.organisations.models import Organisation, OrganisationKind
from tests import factories
from tests.checks import assert_csp_safe_html
from tests.documents import samples
from tests.households.helpers import text_of
from tests.orders import drafts, make

HOUSEHOLD_NAMES = ("KACI-BENALI Aïcha", "MARTIN Lucie")
_operations = itertools.count(1)


def normalised(text: str) -> str:
    """Whitespace as one plain space: Babel's narrow no-break spaces (U+202F), no-break
    spaces and the line breaks of a PDF's text all compare as " "."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return normalised("\n".join(page.extract_text() for page in reader.pages))


def html_text(html: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    for entity, char in (("&nbsp;", " "), ("&amp;", "&"), ("&#39;", "'"), ("&quot;", '"')):
        body = body.replace(entity, char)
    return normalised(body)


def _issuer(**kw) -> OrderIssuer:
    values = dict(name="Cap Aménagement Loire", address="10 rue Gambetta, 42000 Saint-Étienne",
                  siret="51234567800021", signatory_name="Marc Vidal",
                  signatory_title="Directeur général")  # fmt: skip
    values.update(kw)
    return make.issuer(**values)


def an_order(*, exempt: bool, status: str = "approved", approver=None):
    """An order of three lines (900,00 + 1 234,56 + 465,38 = 2 599,94 € HT) for two
    households, on a lot of a contract notified on 15/02/2026."""
    provider = Organisation(
        name="Association Habitat et Insertion", kind=OrganisationKind.PRESTATAIRE,
        address="3 place Chavanelle, 42000 Saint-Étienne", siret="44306184100047",
    )  # fmt: skip
    db.session.add(provider)
    db.session.commit()
    contract = make.contract(
        reference="AC-2026-03", title="Accompagnement social des ménages",
        notified_on=date(2026, 2, 15), vat_exempt=exempt, payment_days=30,
    )  # fmt: skip
    lot = make.lot(contract, number=2, title="Accompagnement au relogement",
                   provider_id=provider.id, maximum_cents=100_000_00)  # fmt: skip
    diag = make.price_item(lot, code="DIAG", label="Diagnostic social",
                           unit=PriceUnit.PER_HOUSEHOLD)  # fmt: skip
    move = make.price_item(lot, code="RELOG",
                           label="Accompagnement au relogement, forfait par ménage",
                           unit=PriceUnit.PER_HOUSEHOLD)  # fmt: skip
    care = make.price_item(lot, code="ASR", label="Accompagnement social renforcé",
                           unit=PriceUnit.PER_MONTH)  # fmt: skip
    make.price_version(diag, unit_price_cents=450_00)
    make.price_version(move, unit_price_cents=1_234_56)
    make.price_version(care, unit_price_cents=310_25)
    operation = factories.operation(name=f"OPAH-RU Crêt de Roc {next(_operations)}")
    households = [factories.household(operation.id, name=name) for name in HOUSEHOLD_NAMES]
    order = drafts.draft(
        diag, lines=[(diag, 2), (move, 1), (care, "1.5")], households=households,
        operation_id=operation.id, place="Îlot Chappe, 12 rue Brossard, Saint-Étienne",
        execution_start=date(2027, 1, 4), execution_end=date(2027, 6, 30),
        budget_line="OP-STE-6226",
    )  # fmt: skip
    if status == "draft":
        return order, households
    drafts.submit(order)
    if approver is None:
        approver = factories.user("manager", full_name="Hélène Garnier")
        make.delegation(approver, end_date=None, act_reference="Décision DG 2026-07")
    return drafts.approve(order, approver), households


# --- the PDF --------------------------------------------------------------------------------


def test_the_pdf_of_an_exempt_approved_order(login_as):
    _issuer()
    order, households = an_order(exempt=True)
    browser = login_as("officer")
    response = browser.get(f"/orders/{order.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert f'filename="{order.number}.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)

    year = clock.today().year
    assert re.fullmatch(rf"BC-{year}-\d{{4}}", order.number)
    assert order.number in text
    for expected in (
        "Cap Aménagement Loire", "SIRET 51234567800021",        # the issuer
        "Association Habitat et Insertion", "SIRET 44306184100047",  # the provider
        "3 place Chavanelle, 42000 Saint-Étienne",
        "AC-2026-03", "Accompagnement social des ménages", "notifié le 15/02/2026",
        "Lot 2", "Accompagnement au relogement",
        "OPAH-RU Crêt de Roc",
        "Diagnostic social", "450,00 €", "900,00 €",
        "1 234,56 €", "310,25 €", "1,5", "465,38 €",
        "2 599,94 €",                                            # total HT = TTC
        "TVA non applicable, art. 261-7-1° CGI",
        "Îlot Chappe, 12 rue Brossard, Saint-Étienne",
        "du 04/01/2027 au 30/06/2027", "OP-STE-6226",
        households[0].reference, households[1].reference,
        "30 jours", "Hélène Garnier", "Marc Vidal", "Directeur général",
    ):  # fmt: skip
        assert expected in text, f"{expected!r} not in the PDF's text:\n{text}"
    assert f"Date : {order.ordered_on:%d/%m/%Y}" in text
    assert "MEN-" in text
    for name in HOUSEHOLD_NAMES:
        assert name not in text and name.split()[0] not in text
    assert "BROUILLON" not in text and "TVA 20" not in text
    assert text.count("2 599,94 €") >= 2  # total HT and total TTC


def test_the_pdf_of_a_taxed_order_shows_the_vat_rate_and_amount(login_as):
    order, _households = an_order(exempt=False)
    response = login_as("assistant").get(f"/orders/{order.id}.pdf")
    text = pdf_text(response.data)
    # 2 599,94 × 20 % = 519,988 → 519,99; TTC 3 119,93
    assert (order.total_excl_vat_cents, order.vat_cents) == (2_599_94, 519_99)
    assert "2 599,94 €" in text and "3 119,93 €" in text
    assert re.search(r"TVA 20(,0)? % 519,99 €", text), text
    assert "261-7-1" not in text


def test_a_draft_s_pdf_says_it_is_not_valid(login_as):
    order, households = an_order(exempt=True, status="draft")
    response = login_as("assistant").get(f"/orders/{order.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert f'filename="brouillon-{order.id}.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "BROUILLON — non valable" in text
    assert "BC-" not in text
    assert households[0].reference in text
    assert "2 599,94 €" in text
    for name in HOUSEHOLD_NAMES:
        assert name not in text


def _page_images(content: bytes) -> list:
    return [image for page in PdfReader(io.BytesIO(content)).pages for image in page.images]


def _signature_png() -> bytes:
    """A small signature-like PNG (a dark stroke on white)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 90), "white")
    ImageDraw.Draw(image).line([(10, 70), (60, 20), (110, 65), (170, 15), (230, 60)],
                               fill="navy", width=5)  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_the_signature_image_is_printed_on_an_approved_order_only(login_as, browser_for):
    from werkzeug.datastructures import FileStorage

    from capintra.orders import services

    issuer = _issuer()
    order, _households = an_order(exempt=True)
    draft, _ = an_order(exempt=True, status="draft")
    officer = login_as("officer")
    assert _page_images(officer.get(f"/orders/{order.id}.pdf").data) == []

    admin = factories.user("admin")
    upload = FileStorage(io.BytesIO(_signature_png()), "signature.png", content_type="image/png")
    services.set_signature(db.session.get(OrderIssuer, issuer.id), upload, admin)
    db.session.commit()

    images = _page_images(officer.get(f"/orders/{order.id}.pdf").data)
    assert len(images) == 1
    assert images[0].image.size == (240, 90)
    assert _page_images(officer.get(f"/orders/{draft.id}.pdf").data) == []


def test_a_missing_signature_file_prints_without_it(login_as, app_ctx):
    """The image is gone from the upload folder: the order still prints (logged)."""
    from pathlib import Path

    from werkzeug.datastructures import FileStorage

    from capintra.orders import services

    issuer = _issuer()
    order, _households = an_order(exempt=True)
    upload = FileStorage(io.BytesIO(samples.png()), "signature.png", content_type="image/png")
    document = services.set_signature(db.session.get(OrderIssuer, issuer.id), upload,
                                      factories.user("admin"))  # fmt: skip
    db.session.commit()
    from capintra.documents.services import document_path

    Path(document_path(document)).unlink()
    response = login_as("officer").get(f"/orders/{order.id}.pdf")
    assert response.status_code == 200 and _page_images(response.data) == []


def test_a_deputy_s_approval_prints_for_whom(login_as):
    """Approved by a deputy of someone's delegation: « pour X, par délégation »."""
    holder = factories.user("manager", full_name="Hélène Garnier")
    delegation = make.delegation(holder, end_date=None, act_reference="Décision DG 2026-07")
    deputy = factories.user("manager", full_name="Paul Ferrand")
    today = clock.today()
    make.deputy(delegation, deputy, start_date=today, end_date=today)
    order, _households = an_order(exempt=True, approver=deputy)
    assert order.on_behalf_of_id == holder.id
    text = pdf_text(login_as("officer").get(f"/orders/{order.id}.pdf").data)
    assert "Approuvé par Paul Ferrand, pour Hélène Garnier, par délégation" in text
    assert "(Décision DG 2026-07)" in text


def test_a_cancelled_order_prints_as_cancelled_with_its_number(login_as):
    order, _households = an_order(exempt=True)
    drafts.cancel(order, factories.user("manager"), "Doublon")
    text = pdf_text(login_as("officer").get(f"/orders/{order.id}.pdf").data)
    assert f"ANNULÉ le {clock.today():%d/%m/%Y}" in text
    assert f"Bon de commande n° {order.number} — annulé" in text  # the page's foot


# --- the print page -------------------------------------------------------------------------


@pytest.mark.parametrize("exempt", [True, False], ids=["exempt", "taxed"])
def test_the_print_page_says_the_same_as_the_pdf(login_as, exempt):
    _issuer()
    order, households = an_order(exempt=exempt)
    browser = login_as("officer")
    response = browser.get(f"/orders/{order.id}/print")
    assert response.status_code == 200
    html = text_of(response)
    assert_csp_safe_html(html)
    assert 'href="/static/css/print-order.css' in html
    page = html_text(html)
    printed = pdf_text(browser.get(f"/orders/{order.id}.pdf").data)
    for expected in (
        order.number, "SIRET 51234567800021", "SIRET 44306184100047", "notifié le 15/02/2026",
        "2 599,94 €", "du 04/01/2027 au 30/06/2027", "OP-STE-6226",
        "Îlot Chappe, 12 rue Brossard, Saint-Étienne",
        households[0].reference, households[1].reference,
    ):  # fmt: skip
        assert expected in page, f"{expected!r} not on the print page"
        assert expected in printed, f"{expected!r} not in the PDF"
    vat = "TVA non applicable, art. 261-7-1° CGI" if exempt else "519,99 €"
    assert vat in page and vat in printed
    for name in HOUSEHOLD_NAMES:
        assert name not in page
    assert "Télécharger le PDF" in page


def test_a_draft_s_print_page_says_it_is_not_valid(login_as):
    order, _households = an_order(exempt=True, status="draft")
    page = html_text(text_of(login_as("officer").get(f"/orders/{order.id}/print")))
    assert "BROUILLON — non valable" in page


def test_the_pdf_applies_the_print_style_sheet(login_as):
    """WeasyPrint finds css/print-order.css (its base URL is the static folder): the
    lines' table has its borders and each page its foot, the order's number and « Page
    n / N » (a PDF drawn without the sheet has neither)."""
    order, _households = an_order(exempt=True)
    content = login_as("officer").get(f"/orders/{order.id}.pdf").data
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert _draws_strokes(page), "no table borders drawn: the style sheet was not applied"
    text = normalised(page.extract_text())
    assert "Page 1 / 1" in text
    assert f"Bon de commande n° {order.number}" in text


def test_a_long_order_runs_over_pages_with_its_foot_on_each(login_as):
    order, _households = an_order(exempt=False)
    item = db.session.get(PriceItem, drafts.lines_of(order)[0].price_item_id)
    more = drafts.draft(item, lines=[(item, n) for n in range(1, 41)])
    reader = PdfReader(io.BytesIO(login_as("officer").get(f"/orders/{more.id}.pdf").data))
    pages = [normalised(p.extract_text()) for p in reader.pages]
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} / {len(pages)}" in text
        assert "BROUILLON — non valable" in text  # every page of a draft says it
        assert "Prix unitaire HT" in text  # the table's head repeated
    assert "Total TTC" in pages[-1]


def _draws_strokes(page) -> bool:
    """Whether the page's content draws lines or filled rectangles (table borders)."""
    data = page.get_contents().get_data()
    return bool(re.search(rb"\b(re|l)\s+(S|f|B)\b", data) or re.search(rb"\bre\s*\nf\b", data))
