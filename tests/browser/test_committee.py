"""The follow-up committee, the occupancy report and the officer's relocation lists in a
real browser: nothing scrolls sideways at 390 px, axe-core finds nothing, and a decision
recorded in place redraws its row."""

from __future__ import annotations

from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER

WIDE = "document.documentElement.scrollWidth"


def _data(live_server, officer_username: str) -> int:
    def make():
        from capintra import clock
        from capintra.auth.models import User
        from capintra.buildings import services
        from capintra.buildings.models import OccupantStatus
        from capintra.extensions import db
        from capintra.households.models import Phase, Task, TaskKind
        from capintra.relocation.models import Channel, Offer
        from tests.buildings import make as bmake

        officer = db.session.query(User).filter_by(username=officer_username).one()
        today = clock.today()
        operation = factories.operation(name="Îlot Gambetta")
        household = factories.household(
            operation.id, name="KACI-BENALI Aïcha", phase=Phase.RECHERCHE, officer_id=officer.id,
            committee_flag=True, committee_blocking_point="Refuse tout logement hors centre-ville",
        )  # fmt: skip
        db.session.add_all([
            Offer(household_id=household.id, formal=True, sent_on=today - timedelta(days=20),
                  channel=Channel.RECOMMANDE, answer_deadline=today + timedelta(days=4),
                  caleol_on=today + timedelta(days=9), commune="Firminy"),
            Task(household_id=household.id, kind=TaskKind.FOLLOW_UP, title="Suivi à 6 mois",
                 due_date=today + timedelta(days=10), assignee_id=officer.id),
        ])  # fmt: skip
        building = bmake.building(operation.id, address="12 rue du Onze-Novembre-1918",
                                  target_vacancy_date=date(2027, 6, 30))  # fmt: skip
        unit = bmake.unit(building)
        bmake.unit(building)
        services.add_period(unit, household=household, status=OccupantStatus.LOCATAIRE,
                            start=date(2020, 1, 1))  # fmt: skip
        db.session.commit()
        return household.id

    return live_server.run(make)


def test_committee_report_and_dashboard_fit_a_phone_and_pass_axe(live_server, page):
    username, password = live_server.make_user("officer")
    household_id = _data(live_server, username)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, username, password)
    for path in ("/", "/committee/", "/committee/print", "/reports/occupancy",
                 "/reports/relocation", "/reports/relocation/diffusion"):  # fmt: skip
        page.goto(live_server.url(path))
        width = page.evaluate(WIDE)
        assert width <= 390, f"{path}: {width} px wide at 390 px"
        assert_accessible(page, path)

    page.goto(live_server.url("/committee/"))
    row = page.locator(f"#committee-row-{household_id}")
    row.locator("textarea").fill("Proposer un T3 au centre de Firminy")
    row.get_by_role("button", name="Enregistrer la décision").click()
    # The row's cells already match any row selector: wait for the answer's message.
    page.get_by_text("Décision enregistrée", exact=False).first.wait_for()
    assert row.locator("textarea").input_value() == "Proposer un T3 au centre de Firminy"
    assert_accessible(page, "/committee/ after a decision")
