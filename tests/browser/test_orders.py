"""An order's way in a real browser (DESIGN §3 « Orders »): an officer drafts it under a
lot (/orders/new), adds three lines in place (htmx: the totals change without a reload),
adds a household by reference and submits it; a manager holding a delegation opens the
approval screen (the lot's maximum, committed before and after, remaining, the
delegation), approves, and the order is numbered BC-YYYY-NNNN; its PDF downloads. Every
page on the way passes axe-core and none scrolls sideways at 390 px."""

from __future__ import annotations

import re
from datetime import date

from capintra import clock
from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER

WIDE = "document.documentElement.scrollWidth"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def normalised(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _reference_data(live_server) -> dict:
    """A contract of one lot (maximum 20 000,00 €, already 5 000,00 € committed by an
    approved order), three price items, a household, an officer and a manager with a
    delegation covering every operation."""

    def make() -> dict:
        from capintra.extensions import db
        from capintra.orders.models import Order, OrderStatus, PriceUnit
        from capintra.organisations.models import Organisation, OrganisationKind
        from tests.orders import make as omake

        provider = Organisation(name="Association Rues et Cités",
                                kind=OrganisationKind.PRESTATAIRE,
                                address="5 rue de la Résistance, 42000 Saint-Étienne",
                                siret="44306184100047")  # fmt: skip
        db.session.add(provider)
        db.session.commit()
        contract = omake.contract(reference="AC-2026-11", title="Accompagnement social",
                                  start_date=date(2020, 1, 1), end_date=date(2099, 12, 31),
                                  notified_on=date(2026, 2, 3))  # fmt: skip
        lot = omake.lot(contract, number=3, title="Relogement des ménages",
                        provider_id=provider.id, maximum_cents=20_000_00)  # fmt: skip
        household_unit, month = PriceUnit.PER_HOUSEHOLD, PriceUnit.PER_MONTH
        prices = (("DIAG", "Diagnostic social", household_unit, 450_00),
                  ("RELOG", "Accompagnement au relogement", household_unit, 1_234_56),
                  ("ASR", "Accompagnement social renforcé", month, 310_25))  # fmt: skip
        items = {}
        for code, label, unit, cents in prices:
            item = omake.price_item(lot, code=code, label=label, unit=unit)
            omake.price_version(item, valid_from=date(2020, 1, 1), unit_price_cents=cents)
            items[code] = item.id
        operation = factories.operation(name="OPAH-RU Tarentaize-Beaubrun")
        household = factories.household(operation.id, name="BENSALEM Nadia")
        officer = factories.user("officer", full_name="Claire Morel")
        manager = factories.user("manager", full_name="Hélène Garnier")
        omake.delegation(manager, start_date=date(2020, 1, 1), end_date=None,
                         maximum_cents=50_000_00, act_reference="Décision DG 2026-07")  # fmt: skip
        # 5 000,00 € already committed on the lot (an approved order of earlier, no number
        # of this year: the new order's number says how many came before it)
        earlier = Order(lot_id=lot.id, operation_id=operation.id, status=OrderStatus.APPROVED,
                        drafted_by_id=officer.id, total_excl_vat_cents=5_000_00,
                        total_incl_vat_cents=6_000_00, vat_cents=1_000_00,
                        number="BC-2020-0001", number_year=2020, number_seq=1,
                        ordered_on=date(2020, 3, 1))  # fmt: skip
        db.session.add(earlier)
        db.session.commit()
        return {
            "lot": lot.id, "operation": operation.id, "items": items,
            "reference": household.reference, "officer": officer.username,
            "manager": manager.username,
        }  # fmt: skip

    return live_server.run(make)


def _expected_number(live_server) -> str:
    """The number the next approval gives: the year's count of numbered orders + 1 (on a
    fresh database, BC-YYYY-0001)."""

    def count() -> int:
        from sqlalchemy import func, select

        from capintra.extensions import db
        from capintra.orders.models import Order

        year = clock.today().year
        return db.session.scalar(select(func.count(Order.id)).where(Order.number_year == year))

    return f"BC-{clock.today().year}-{live_server.run(count) + 1:04d}"


def check_page(page, where: str) -> None:
    """axe-core clean, then no sideways scroll at 390 px (the page loaded with its sheets);
    the viewport is put back as it was."""
    page.wait_for_load_state("load")
    assert_accessible(page, where)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    width = page.evaluate(WIDE)
    assert width <= PHONE["width"], f"{where}: {width} px wide at 390 px"
    assert_accessible(page, f"{where} at 390 px")
    page.set_viewport_size(size)


def _totals(page) -> tuple[str, str]:
    excl = normalised(page.locator("#total-excl").inner_text())
    incl = normalised(page.locator("#total-incl").inner_text())
    return excl, incl


def test_draft_submit_approve_and_print_an_order(live_server, page):
    data = _reference_data(live_server)
    page.set_viewport_size(DESKTOP)

    # --- the officer drafts the order under the lot ---------------------------------------
    sign_in(page, live_server, data["officer"], factories.PASSWORD)
    page.goto(live_server.url(f"/orders/new?lot={data['lot']}"))
    check_page(page, "/orders/new")
    assert page.get_by_label("Lot", exact=True).input_value() == str(data["lot"])
    page.get_by_label("Opération").select_option(str(data["operation"]))
    page.get_by_label("Lieu d’exécution").fill("Îlot Tarentaize, 8 rue Beaubrun, Saint-Étienne")
    page.get_by_label("Début d’exécution").fill("2027-01-04")
    page.get_by_label("Fin d’exécution").fill("2027-06-30")
    page.get_by_label("Ligne budgétaire").fill("6228-MOUS-2027")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/orders/\d+$"))
    page.get_by_text("Brouillon de bon de commande créé").wait_for()
    order_id = int(page.url.rsplit("/", 1)[1])
    assert _totals(page) == ("0,00 €", "0,00 €")

    # --- three lines, in place ------------------------------------------------------------
    page.evaluate("() => { window.stillTheSamePage = true; }")
    lines = (("DIAG", "2", "1 080,00 €"),                 # 900,00 HT
             ("RELOG", "1", "2 561,47 €"),                # + 1 234,56 = 2 134,56 HT
             ("ASR", "1,5", "3 119,93 €"))  # + 465,38 = 2 599,94 HT  # fmt: skip
    for code, quantity, incl in lines:
        form = page.locator("form.add-line")
        form.get_by_label("Prestation").select_option(str(data["items"][code]))
        form.get_by_label("Quantité").fill(quantity)
        form.get_by_role("button", name="Ajouter la ligne").click()
        page.wait_for_function(
            "want => document.querySelector('#total-incl').innerText"
            ".replace(/[\\u202f\\u00a0]/g, ' ').trim() === want",
            arg=incl,
        )
    assert page.evaluate("() => window.stillTheSamePage") is True  # no reload
    assert _totals(page) == ("2 599,94 €", "3 119,93 €")
    assert page.locator("table.order-lines tbody tr").count() == 3
    assert page.url == live_server.url(f"/orders/{order_id}")

    # --- a household by reference ---------------------------------------------------------
    page.get_by_label("Ajouter par référence").fill(data["reference"])
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.locator(".order-households").get_by_role("link", name=data["reference"]).wait_for()
    check_page(page, "the draft with its lines")

    # --- submitted ------------------------------------------------------------------------
    page.get_by_role("button", name="Soumettre à l’approbation").click()
    page.get_by_text("Bon soumis à l’approbation.").wait_for()
    assert page.locator(".order-status").inner_text() == "Soumis"
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r".*/login"))

    # --- the manager approves -------------------------------------------------------------
    expected = _expected_number(live_server)
    sign_in(page, live_server, data["manager"], factories.PASSWORD)
    page.goto(live_server.url(f"/orders/{order_id}"))
    page.get_by_role("link", name="Examiner pour approbation").click()
    page.wait_for_url(f"**/orders/{order_id}/approval")
    figures = {
        normalised(row.locator("th").inner_text()): normalised(row.locator("td").inner_text())
        for row in page.locator("table.approval-figures tbody tr").all()
    }
    assert figures == {
        "Maximum du lot (avenants compris)": "20 000,00 €",
        "Engagé avant ce bon": "5 000,00 €",
        "Ce bon (HT)": "2 599,94 €",
        "Engagé après ce bon": "7 599,94 €",
        "Reste disponible": "12 400,06 €",
    }
    delegation = normalised(page.locator(".approval-delegation").inner_text())
    assert "jusqu’à 50 000,00 € HT par bon" in delegation
    assert "Décision DG 2026-07" in delegation
    assert page.locator(".approval-refusals").count() == 0
    check_page(page, "the approval screen")
    page.get_by_role("button", name="Approuver et numéroter").click()
    page.wait_for_url(f"**/orders/{order_id}")
    page.get_by_text(f"Bon approuvé : {expected}.").wait_for()
    assert page.locator(".order-label").inner_text() == expected
    assert page.locator(".order-status").inner_text() == "Approuvé"

    # --- the PDF --------------------------------------------------------------------------
    response = page.request.get(live_server.url(f"/orders/{order_id}.pdf"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert f'filename="{expected}.pdf"' in response.headers["content-disposition"]

    # --- the print page: its style sheet loads under the CSP ------------------------------
    page.goto(live_server.url(f"/orders/{order_id}/print"))
    page.wait_for_load_state("load")
    assert page.locator("table.lines").evaluate(
        "t => getComputedStyle(t).borderCollapse") == "collapse"  # fmt: skip
    assert expected in page.locator("h1").inner_text()
    assert "BENSALEM" not in page.content()
    check_page(page, "the print page")

    # --- the register and the contracts ---------------------------------------------------
    for path in ("/orders/", "/contracts/"):
        page.goto(live_server.url(path))
        check_page(page, path)
    page.goto(live_server.url("/orders/"))
    row = page.locator(f"#order-{order_id}")
    assert expected in row.inner_text() and "Approuvé" in row.inner_text()
