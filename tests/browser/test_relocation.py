"""The relocation journey in a real browser (issue 11): an officer records an offer,
records the household's refusal with its reason, records a second offer, accepted, then
the final relocation; the home shows vacant on the building's grid and the 6-month
follow-up appears on the officer's dashboard. All inline (htmx), under the strict CSP."""

from __future__ import annotations

from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER


def _a_household_at_home(live_server, officer_username: str) -> tuple[int, int, int]:
    def make():
        from sqlalchemy import select

        from capintra.auth.models import User
        from capintra.buildings import services
        from capintra.buildings.models import OccupantStatus
        from capintra.extensions import db
        from capintra.households.models import Phase
        from tests.buildings import make as bmake

        officer = db.session.scalar(select(User).where(User.username == officer_username))
        operation = factories.operation()
        building = bmake.building(operation.id, address="7 rue de la Montat",
                                  commune="Saint-Étienne")  # fmt: skip
        home = bmake.unit(building, lot_number="2B", floor=2, surface_dm2=5_800)
        bmake.unit(building, lot_number="1A", floor=1)
        household = factories.household(
            operation.id, name="BERTRAND Odile", phase=Phase.RECHERCHE,
            officer_id=officer.id, monthly_resources_cents=142_000,
        )  # fmt: skip
        services.add_period(
            home, household=household, status=OccupantStatus.LOCATAIRE,
            start=date(2018, 6, 1), rent_cents=39_000, charges_cents=4_500, apl_cents=15_000,
        )  # fmt: skip
        db.session.commit()
        return household.id, building.id, home.id

    return live_server.run(make)


def _months_ago(months: int, today: date) -> date:
    index = today.month - 1 - months
    year, month = today.year + index // 12, index % 12 + 1
    return date(year, month, min(today.day, 28))


def _add_offer(page, address: str, answer: str, sent_on: str, answered_on: str = "") -> None:
    form = page.locator("form[action$='/offers']")
    form.get_by_label("Proposition formelle").check()
    form.get_by_label("Envoyée le").fill(sent_on)
    form.get_by_label("Mode d’envoi").select_option("recommande")
    form.get_by_label("Adresse du logement").fill(address)
    form.get_by_label("Commune", exact=True).fill("Firminy")
    form.get_by_label("Loyer (€ par mois)").fill("410,50")
    form.get_by_label("Réponse du ménage").select_option(answer)
    if answered_on:
        form.get_by_label("Réponse le").fill(answered_on)
    form.get_by_role("button", name="Enregistrer").click()


def test_offers_then_final_relocation_frees_the_unit_and_schedules_the_follow_up(live_server, page):
    username, password = live_server.make_user("officer")
    household_id, building_id, home_id = _a_household_at_home(live_server, username)
    today = date.today()
    moved = _months_ago(6, today) + timedelta(days=3)  # its follow-up: due within the week
    first_sent = (moved - timedelta(days=60)).isoformat()
    second_sent = (moved - timedelta(days=30)).isoformat()

    sign_in(page, live_server, username, password)
    page.goto(live_server.url(f"/households/{household_id}/offers"))

    # 1. A first offer, pending
    _add_offer(page, "12 rue Michelet", "en_attente", first_sent)
    page.get_by_text("Proposition enregistrée.").wait_for()
    row = page.locator("tr", has_text="12 rue Michelet")
    assert "En attente" in row.inner_text()

    # 2. …refused by the household, with its reason
    row.get_by_role("link", name="Modifier").click()
    edit = page.locator("form[action*='/offers/']")
    edit.get_by_label("Réponse du ménage").select_option("refusee")
    edit.get_by_label("Réponse le").fill((moved - timedelta(days=50)).isoformat())
    edit.get_by_label("Motif du refus").select_option("localisation")
    edit.get_by_label("Précisions sur le refus").fill("Trop loin de l’école des enfants")
    edit.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Proposition modifiée.").wait_for()
    refused = page.locator("tr", has_text="12 rue Michelet").inner_text()
    assert "Refusée" in refused and "Localisation" in refused and "Trop loin" in refused

    # 3. A second offer, accepted
    _add_offer(page, "4 rue Paul Bert", "acceptee", second_sent,
               (moved - timedelta(days=20)).isoformat())  # fmt: skip
    page.get_by_text("Proposition enregistrée.").wait_for()
    assert "Acceptée" in page.locator("tr", has_text="4 rue Paul Bert").inner_text()
    assert page.url.endswith(f"/households/{household_id}/offers")  # all in place

    # 4. The final relocation, from the accepted offer
    page.get_by_role("link", name="Relogement", exact=True).click()
    form = page.locator("#relocation-add")
    form.wait_for()
    assert_accessible(page, "relocation form")
    form.get_by_label("Type de relogement").select_option("definitif")
    form.get_by_label("Relogé le").fill(moved.isoformat())
    form.get_by_label("Remise des clés du logement quitté le").fill(moved.isoformat())
    accepted = f"4 rue Paul Bert, Firminy — {date.fromisoformat(second_sent):%d/%m/%Y}"
    form.get_by_label("Proposition acceptée").select_option(label=accepted)
    form.get_by_label("Adresse du nouveau logement").fill("4 rue Paul Bert")
    form.get_by_label("Loyer (€ par mois)").fill("410,50")
    form.get_by_label("Charges (€ par mois)").fill("45")
    form.get_by_label("APL (€ par mois)").fill("160")
    form.get_by_role("button", name="Enregistrer le relogement").click()
    page.get_by_text("Relogement définitif enregistré").wait_for()
    tab = page.locator("#tab-content")
    assert "Relogé définitivement" in tab.inner_text()
    costs = tab.locator("table.relocation-costs").inner_text()
    assert "285,00" in costs and "295,50" in costs  # remaining charge before, after
    assert_accessible(page, "relocation tab")

    # 5. The home is vacant on the building's grid
    page.goto(live_server.url(f"/buildings/{building_id}"))
    assert "Vacant" in page.locator(f"#unit-{home_id} .unit-state").inner_text()

    # 6. The 6-month follow-up on the officer's dashboard
    page.goto(live_server.url("/"))
    page.get_by_text("Suivi à 6 mois du relogement").first.wait_for()
    assert "BERTRAND Odile" in page.locator("main").inner_text()
