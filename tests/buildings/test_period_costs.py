"""Rent, charges and APL on the occupancy period (capintra.housing, buildings' « Loyer et
charges » form): the household's remaining charge and effort rate come from its current
principal period; assistants and officers edit them, version-checked; managers never see
them — unit page, household tabs, history."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from capintra import clock
from capintra.buildings import services
from capintra.buildings.models import CostsOnHold, EndReason, OccupancyKind, OccupantStatus
from capintra.extensions import db
from capintra.housing import housing_costs, housing_costs_of
from tests import factories
from tests.buildings import make
from tests.conftest import login
from tests.households.helpers import count_statements, text_of


@pytest.fixture
def browser_for(app_ctx):
    """browser_for("manager"): a signed-in Browser on its own client."""
    return lambda role: login(app_ctx.test_client(), factories.user(role))


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


@pytest.fixture
def housed(app_ctx):
    """A household in lot 03 since 2020 (rent 456 €, charges 52 €, APL 123 €), after an
    earlier home whose rent was lower."""
    operation = factories.operation()
    household = factories.household(
        operation.id, name="MARCHAL Odile", monthly_resources_cents=150_000
    )
    building = make.building(operation.id, address="12 rue Gambetta")
    old = make.period(
        make.unit(building, lot_number="07"),
        household,
        start_date=date(2015, 4, 1),
        end_date=date(2020, 6, 30),
        end_reason=EndReason.AUTRE,
        rent_cents=38_000,
    )
    unit = make.unit(building, lot_number="03")
    period = make.period(
        unit,
        household,
        start_date=date(2020, 6, 30),
        rent_cents=45_600,
        charges_cents=5_200,
        apl_cents=12_300,
    )
    return household, unit, period, old


def _form(period, **values) -> dict:
    return {
        "rent_cents": "",
        "charges_cents": "",
        "apl_cents": "",
        "version": period.version,
        **values,
    }


# --- the household's costs: its current principal period --------------------------------


def test_the_costs_are_the_current_principal_periods(housed, app_ctx):
    household, unit, period, old = housed
    with app_ctx.test_request_context():
        costs = housing_costs_of(household.id, clock.today())
        assert (costs.rent_cents, costs.charges_cents, costs.apl_cents) == (45_600, 5_200, 12_300)
        assert costs.remaining_charge_cents == 38_500 and costs.period_id == period.id
        assert "Lot 03" in costs.source
        # the day before the move, the earlier home's
        before = housing_costs_of(household.id, date(2020, 6, 29))
        assert before.rent_cents == 38_000 and before.period_id == old.id
        # keys handed back: no current period, no costs
        services.end_period(period, clock.today(), EndReason.DEPART_VOLONTAIRE)
        assert housing_costs_of(household.id, clock.today()) is None


def test_a_hosted_period_brings_no_costs(app_ctx):
    host, guest = factories.household(), factories.household()
    unit = make.unit()
    principal = make.period(unit, host, rent_cents=50_000)
    make.period(
        unit,
        guest,
        kind=OccupancyKind.HOSTED,
        host_id=principal.id,
        status=OccupantStatus.HEBERGE,
        rent_cents=10_000,
    )
    with app_ctx.test_request_context():
        found = housing_costs([host.id, guest.id], clock.today())
    assert set(found) == {host.id} and found[host.id].rent_cents == 50_000


def test_costs_of_many_households_cost_one_statement(app_ctx):
    households = [factories.household() for _ in range(12)]
    for i, household in enumerate(households[:8]):
        make.period(make.unit(), household, rent_cents=40_000 + i)
    make.costs_on_hold(households[9], rent_cents=30_000)
    ids = [h.id for h in households]
    with app_ctx.test_request_context(), count_statements() as statements:
        found = housing_costs(ids, clock.today())
    assert len(statements) == 1
    assert len(found) == 9 and found[ids[9]].rent_cents == 30_000
    assert found[ids[9]].period_id is None


def test_held_costs_count_until_an_open_principal_period_takes_them(app_ctx):
    household = factories.household()
    held = make.costs_on_hold(household, rent_cents=41_000, apl_cents=9_000)
    unit = make.unit()
    # a past period does not take them (they are today's amounts)
    services.add_period(
        unit,
        start=date(2010, 1, 1),
        end=date(2012, 1, 1),
        status=OccupantStatus.LOCATAIRE,
        household=household,
    )
    assert db.session.get(CostsOnHold, held.id) is not None
    period = services.add_period(
        unit,
        start=date(2012, 1, 1),
        status=OccupantStatus.LOCATAIRE,
        household=household,
        charges_cents=4_000,
    )
    assert (period.rent_cents, period.charges_cents, period.apl_cents) == (41_000, 4_000, 9_000)
    assert (
        db.session.scalar(select(CostsOnHold).where(CostsOnHold.household_id == household.id))
        is None
    )


# --- the summary shows them to who reads finances ----------------------------------------


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_the_summary_computes_from_the_period(housed, browser_for, role):
    household, unit, period, old = housed
    html = text_of(browser_for(role).get(f"/households/{household.id}"))
    readers = role != "manager"
    assert ("385,00\xa0€" in html) is readers  # 456 + 52 − 123
    assert ("25,7\u202f%" in html) is readers  # 385 / 1 500
    assert ("Reste à charge" in html) is readers and ("Taux d’effort" in html) is readers
    assert ("456,00" in html) is readers


# --- the « Loyer et charges » form ---------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "assistant"])
def test_assistants_and_officers_edit_the_costs_the_french_way(housed, browser_for, role):
    household, unit, period, old = housed
    browser = browser_for(role)
    shown = period.version
    tab = text_of(browser.get(f"/households/{household.id}/occupancy"))
    assert f"/occupancies/{period.id}/costs" in tab
    assert f"/occupancies/{period.id}/costs" in text_of(browser.get(f"/units/{unit.id}"))
    page = browser.get(f"/occupancies/{period.id}/costs")
    assert page.status_code == 200 and 'value="456,00"' in text_of(page)
    response = browser.post(
        f"/occupancies/{period.id}/costs",
        data=_form(period, rent_cents="1\u202f234,5", charges_cents="49,50 €", apl_cents="120.25"),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{household.id}/occupancy")
    saved = fresh(period)
    assert (saved.rent_cents, saved.charges_cents, saved.apl_cents) == (123_450, 4_950, 12_025)
    assert saved.version == shown + 1
    tab = text_of(browser.get(f"/households/{household.id}/occupancy"))
    assert "Loyer et charges enregistrés." in tab and "1\u202f234,50\xa0€" in tab
    history = text_of(browser.get(f"/households/{household.id}/history"))
    assert "Loyer" in history and "APL" in history


def test_opened_from_the_unit_page_the_form_leads_back_there(housed, browser_for):
    household, unit, period, old = housed
    browser = browser_for("assistant")
    link = f"/occupancies/{period.id}/costs?from=unit"
    assert link in text_of(browser.get(f"/units/{unit.id}"))
    page = text_of(browser.get(link))
    assert f'action="{link}"' in page and f'href="/units/{unit.id}"' in page  # cancel too
    response = browser.post(link, data=_form(period, rent_cents="500"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/units/{unit.id}")
    # any other value is ignored: never a way to send the user elsewhere
    other = browser.post(
        f"/occupancies/{period.id}/costs?from=https://example.org",
        data=_form(fresh(period), rent_cents="510"),
    )
    assert other.headers["Location"].endswith(f"/households/{household.id}/occupancy")


def test_htmx_saves_answer_with_hx_redirect_and_a_shop_goes_back_to_its_unit(app_ctx, browser_for):
    shop = make.period(occupant_label="SARL Boulangerie Forézienne", rent_cents=90_000)
    response = browser_for("assistant").htmx(
        "POST", f"/occupancies/{shop.id}/costs", data=_form(shop, rent_cents="950")
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/units/{shop.unit_id}"
    assert fresh(shop).rent_cents == 95_000


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"rent_cents": "abc"}, "rent_cents", "Montant invalide"),
        ({"rent_cents": "12,345"}, "rent_cents", "deux décimales au plus"),
        ({"rent_cents": "-450"}, "rent_cents", "Montant négatif"),
        ({"rent_cents": "450", "apl_cents": "-1"}, "apl_cents", "Montant négatif"),
        ({"charges_cents": "40"}, "rent_cents", "Indiquez le loyer"),
    ],
)
def test_bad_amounts_are_422_in_french_and_nothing_is_written(
    housed, browser_for, values, field, message
):
    household, unit, period, old = housed
    shown = period.version
    response = browser_for("officer").post(
        f"/occupancies/{period.id}/costs", data=_form(period, **values)
    )
    html = text_of(response)
    assert response.status_code == 422
    assert f'id="{field}-errors"' in html and message in html
    saved = fresh(period)
    assert (saved.rent_cents, saved.charges_cents, saved.apl_cents) == (45_600, 5_200, 12_300)
    assert saved.version == shown


def test_a_stale_save_is_409_with_the_current_amounts(housed, browser_for):
    household, unit, period, old = housed
    shown = period.version
    first, second = browser_for("officer"), browser_for("assistant")
    assert (
        second.post(
            f"/occupancies/{period.id}/costs", data=_form(period, rent_cents="500")
        ).status_code
        == 303
    )
    response = first.post(
        f"/occupancies/{period.id}/costs",
        data=_form(period, rent_cents="470", charges_cents="52", version=shown),
    )
    html = text_of(response)
    assert response.status_code == 409
    assert "Modifié par quelqu’un d’autre" in html
    assert 'value="470"' in html  # what she typed is kept
    assert "<strong>500,00\xa0€</strong>" in html  # what is saved now
    saved = fresh(period)
    assert (saved.rent_cents, saved.charges_cents, saved.apl_cents) == (50_000, None, None)
    current = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(current) == saved.version


def test_an_unknown_or_deleted_period_is_404(housed, browser_for):
    household, unit, period, old = housed
    period.soft_delete()
    db.session.commit()
    browser = browser_for("officer")
    assert browser.get(f"/occupancies/{period.id}/costs").status_code == 404
    assert browser.get("/occupancies/999999/costs").status_code == 404


# --- managers never see them ---------------------------------------------------------------


def test_managers_see_no_amount_anywhere_and_cannot_reach_the_form(housed, browser_for):
    household, unit, period, old = housed
    make.costs_on_hold(factories.household(), rent_cents=47_700)
    assistant = browser_for("assistant")
    assert (
        assistant.post(
            f"/occupancies/{period.id}/costs",
            data=_form(period, rent_cents="612,40", charges_cents="50", apl_cents="100"),
        ).status_code
        == 303
    )
    manager = browser_for("manager")
    pages = {
        "unit": manager.get(f"/units/{unit.id}"),
        "old unit": manager.get(f"/units/{old.unit_id}"),
        "building": manager.get(f"/buildings/{unit.building_id}"),
        "summary": manager.get(f"/households/{household.id}"),
        "occupancy": manager.get(f"/households/{household.id}/occupancy"),
        "occupancy partial": manager.htmx(
            "GET", f"/households/{household.id}/occupancy", "tab-content"
        ),
        "history": manager.get(f"/households/{household.id}/history"),
        "audit": manager.get("/audit/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = text_of(response)
        for needle in (
            "612,40",
            "456,00",
            "380,00",
            "52,00",
            "123,00",
            "477,00",
            "100,00",
            "Loyer",
            "APL",
            "Reste à charge",
            "Taux d’effort",
        ):
            assert needle not in html, (name, needle)
    assert "MARCHAL" in text_of(pages["occupancy"]) and "Lot 03" in text_of(pages["unit"])
    assert "Occupation" in text_of(pages["history"])  # the period's change, without the amounts
    assert manager.get(f"/occupancies/{period.id}/costs").status_code == 403
    assert (
        manager.post(
            f"/occupancies/{period.id}/costs", data=_form(period, rent_cents="1")
        ).status_code
        == 403
    )
    assert fresh(period).rent_cents == 61_240
    # the control: an officer reads them on the same pages
    officer = browser_for("officer")
    assert "612,40" in text_of(officer.get(f"/units/{unit.id}"))
    assert "612,40" in text_of(officer.get(f"/households/{household.id}/occupancy"))
    assert "Loyer" in text_of(officer.get(f"/households/{household.id}/history"))
    assert "380,00" in text_of(officer.get(f"/units/{old.unit_id}"))


def test_held_costs_show_on_the_occupancy_tab_to_finance_readers_only(app_ctx, browser_for):
    household = factories.household(monthly_resources_cents=100_000)
    make.costs_on_hold(household, rent_cents=41_000, charges_cents=3_000, apl_cents=9_000)
    url = f"/households/{household.id}/occupancy"
    for role in ("assistant", "officer"):
        html = text_of(browser_for(role).get(url))
        assert "Loyer en attente d’une occupation" in html, role
        assert "410,00\xa0€" in html and "90,00\xa0€" in html, role
        summary = text_of(browser_for(role).get(f"/households/{household.id}"))
        assert "350,00\xa0€" in summary and "en attente d’une occupation" in summary, role
    html = text_of(browser_for("manager").get(url))
    assert "attente" not in html and "410,00" not in html and "Aucune occupation" in html
