"""The buildings' pages: the list and its counts (one statement whatever the number of
buildings), the building's page and its grid, a unit's page, the unit's condition
changed in place (htmx and plain; stale, empty)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from capintra import clock
from capintra.buildings import queries, services
from capintra.buildings.models import (
    EndReason,
    OccupancyKind,
    OccupantStatus,
    Unit,
    UnitCondition,
)
from capintra.extensions import db
from capintra.models import utcnow
from tests.buildings import make as bmake
from tests.households.helpers import count_statements

LOC = OccupantStatus.LOCATAIRE


def _busy_building(make, **kw):
    """Three floors: an occupied unit (a household with an alert), a shop, a vacant
    unit, a walled-up one, an unsafe one."""
    operation = make.operation(name="Îlot Gambetta")
    building = bmake.building(operation.id, address="12 rue Émile-Zola", **kw)
    home = bmake.unit(building, lot_number="A1", floor=1)
    shop = bmake.unit(building, lot_number="C0", floor=0)
    bmake.unit(building, lot_number="B2", floor=2)
    bmake.unit(building, lot_number="M1", floor=1, condition=UnitCondition.MURE)
    bmake.unit(building, lot_number="S2", floor=2, condition=UnitCondition.INSALUBRE)
    household = make.household(
        operation.id, name="KACI Aïcha", alert_note="Ne pas communiquer l’adresse"
    )
    services.add_period(home, household=household, status=LOC, start=date(2020, 1, 1),
                        rent_cents=45000)  # fmt: skip
    services.add_period(shop, occupant_label="Boucherie Martin", status=LOC,
                        start=date(2019, 1, 1))  # fmt: skip
    db.session.commit()
    return building, household, home


# --- the list ----------------------------------------------------------------------------


def test_the_list_counts_per_operation_as_of_a_date(make, login_as):
    building, household, home = _busy_building(
        make, target_vacancy_date=clock.today() - timedelta(days=3)
    )
    other = bmake.building(address="3 place Dorian")
    browser = login_as("manager")
    html = browser.get("/buildings/").get_data(as_text=True)
    row = re.search(rf'<tr id="building-{building.id}">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="num"[^>]*>(\d+)</td>', row)
    assert cells == ["5", "2", "3", "1", "1"]  # units, occupied, vacant, walled up, to rehouse
    assert "en retard de 3 jours" in row  # said in words, not only in red
    assert "Îlot Gambetta" in html and "3 place Dorian" in html

    # before anyone moved in: nobody to rehouse, everything vacant
    html = browser.get("/buildings/?date=2018-06-01").get_data(as_text=True)
    row = re.search(rf'<tr id="building-{building.id}">.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num"[^>]*>(\d+)</td>', row) == ["5", "0", "5", "1", "0"]

    # filters: the operation; the address without accents
    html = browser.get(f"/buildings/?operation={building.operation_id}").get_data(as_text=True)
    assert "12 rue Émile-Zola" in html and "3 place Dorian" not in html
    html = browser.get("/buildings/?q=emile zola").get_data(as_text=True)
    assert "12 rue Émile-Zola" in html and "3 place Dorian" not in html
    assert other.id  # listed without the filters above


def test_days_left_and_plurals(make, login_as):
    bmake.building(address="1 rue Un", target_vacancy_date=clock.today() + timedelta(days=1))
    html = login_as("assistant").get("/buildings/").get_data(as_text=True)
    assert "1 jour restant" in html


def _buildings(make, n):
    operation = make.operation()
    for i in range(n):
        building = bmake.building(operation.id)
        unit = bmake.unit(building)
        services.add_period(unit, household=make.household(operation.id), status=LOC,
                            start=date(2020, 1, 1))  # fmt: skip
    db.session.commit()


def test_the_list_costs_the_same_statements_for_5_or_500_buildings(make, login_as):
    browser = login_as("officer")
    _buildings(make, 5)
    browser.get("/buildings/")
    with count_statements() as few:
        assert browser.get("/buildings/").status_code == 200
    _buildings(make, 495)
    with count_statements() as many:
        html = browser.get("/buildings/").get_data(as_text=True)
    assert html.count('<tr id="building-') == 20  # a page (PAGE_SIZE in tests)
    assert "500 immeubles" in html
    assert len(many) == len(few), (few, many)
    # a later page costs one statement more (where it starts), whatever the page
    after = re.search(r'href="/buildings/\?after=(\d+)', html).group(1)
    with count_statements() as later:
        assert browser.get(f"/buildings/?after={after}").status_code == 200
    assert len(later) == len(few) + 1


def test_the_count_stops_past_its_cap(make, login_as, monkeypatch):
    """Counted up to COUNT_CAP + 1, as the households' list: « plus de 1 000 » beyond,
    so that counting costs the same for 6,000 buildings as for 60."""
    _buildings(make, 5)
    browser = login_as("manager")
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    assert "5 immeubles ·" in browser.get("/buildings/").get_data(as_text=True)
    monkeypatch.setattr(queries, "COUNT_CAP", 4)
    html = browser.get("/buildings/").get_data(as_text=True)
    assert "plus de 4 immeubles ·" in html and html.count('<tr id="building-') == 5
    # the statement stops counting there
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    assert queries.building_count(clock.today(), queries.BuildingFilters()) == 3


def test_the_pages_follow_one_another_without_gaps_or_repeats(make, login_as):
    operation = make.operation(name="Îlot Gambetta")
    other = make.operation(name="Centre-ville Firminy")
    made = {bmake.building(operation.id, address=f"{i} rue Gambetta").id for i in range(23)}
    made |= {bmake.building(other.id, address=f"{i} rue Foch").id for i in range(24)}
    db.session.commit()
    browser = login_as("manager")
    seen: list[int] = []
    url = "/buildings/"
    while url:
        html = browser.get(url).get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'<tr id="building-(\d+)">', html)]
        assert "47 immeubles ·" in html  # every page counts them all
        found = re.search(r'href="(/buildings/\?after=[^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == len(set(seen)) == 47
    assert set(seen) == made
    # the operation filter is kept from page to page
    html = browser.get(f"/buildings/?operation={other.id}").get_data(as_text=True)
    link = re.search(r'href="(/buildings/\?after=[^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"operation={other.id}" in link
    html = browser.get(link).get_data(as_text=True)
    assert html.count('<tr id="building-') == 4 and "rue Gambetta" not in html
    assert "Immeubles suivants" not in html and "Première page" in html
    assert "24 immeubles ·" in html
    # after the last one: an empty page, still counting what the filters find
    html = browser.get(f"/buildings/?operation={other.id}&after={seen[-1]}").get_data(as_text=True)
    assert '<tr id="building-' not in html and "24 immeubles ·" in html
    html = browser.get("/buildings/?q=gambetta").get_data(as_text=True)
    assert "23 immeubles ·" in html
    # a cursor that is not a building, or not a number, starts from the beginning
    for bad in ("999999", "abc", "-1"):
        assert browser.get(f"/buildings/?after={bad}").status_code == 200


def test_the_past_target_filter(make, login_as):
    late = bmake.building(address="1 rue Tard", target_vacancy_date=clock.today() - timedelta(1))
    bmake.building(address="2 rue Futur", target_vacancy_date=clock.today() + timedelta(9))
    bmake.building(address="3 rue Sans date")
    html = login_as("assistant").get("/buildings/?past_target=1").get_data(as_text=True)
    assert re.findall(r'<tr id="building-(\d+)">', html) == [str(late.id)]


def test_building_list_counts_in_one_statement(make):
    building, _household, _home = _busy_building(make)
    with count_statements() as statements:
        rows, next_after, count = queries.building_list(date(2026, 1, 1))
    assert len(statements) == 1 and next_after is None and count == len(rows)
    row = next(r for r in rows if r.id == building.id)
    assert (row.units, row.occupied, row.vacant, row.walled_up, row.to_rehouse) == (5, 2, 3, 1, 1)


def test_a_deleted_file_is_not_a_household_to_rehouse(make):
    """Still in its unit (an open period), a deleted file is counted occupied, not to
    rehouse — by the list and the occupancy report alike."""
    building, _household, _home = _busy_building(make)
    gone = make.household()
    services.add_period(bmake.unit(building, lot_number="D1", floor=1), household=gone,
                        status=LOC, start=date(2020, 1, 1))  # fmt: skip
    gone.deleted_at = utcnow()
    db.session.commit()
    on = date(2026, 1, 1)
    listed = next(r for r in queries.building_list(on)[0] if r.id == building.id)
    reported = next(r for r in queries.all_building_rows(on) if r.id == building.id)
    for row in (listed, reported):
        assert (row.units, row.occupied, row.vacant, row.to_rehouse) == (6, 3, 3, 1)


# --- the building's page -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_the_building_s_page_and_tabs_for_each_role(make, login_as, role):
    building, household, home = _busy_building(make)
    bmake.arrete(building_id=building.id, lifted_on=date(2026, 6, 1), arrete_date=date(2025, 1, 1))
    bmake.arrete(unit_id=home.id, arrete_date=date(2024, 1, 1))
    bmake.incident(building_id=building.id, description="Porte fracturée")
    browser = login_as(role)
    html = browser.get(f"/buildings/{building.id}").get_data(as_text=True)
    # floors from the top: the ground floor last
    assert html.index("Lot B2") < html.index("Lot A1") < html.index("Lot C0")
    assert "Rez-de-chaussée" in html
    # states in words, with a legend; the occupant: the household (name, reference, alert)
    for label in ("Occupé", "Vacant", "Muré", "Vacant, insalubre ou sinistré"):
        assert label in html
    assert "KACI Aïcha" in html and household.reference in html
    assert "Ne pas communiquer l’adresse" in html and "Boucherie Martin" in html
    assert f'href="/units/{home.id}"' in html
    assert ("unit-condition-form" in html) == (role != "manager")

    arretes = browser.get(f"/buildings/{building.id}/arretes").get_data(as_text=True)
    assert arretes.index("En vigueur") < arretes.index("Levé")
    assert "Lot A1" in arretes
    incidents = browser.get(f"/buildings/{building.id}/incidents").get_data(as_text=True)
    assert "Porte fracturée" in incidents
    documents = browser.get(f"/buildings/{building.id}/documents")
    assert documents.status_code == 200
    assert ("document-upload-form" in documents.get_data(as_text=True)) == (role != "manager")
    # htmx: the tab alone
    partial = browser.htmx("GET", f"/buildings/{building.id}/incidents", target="tab-content")
    assert "<html" not in partial.get_data(as_text=True)


def test_the_grid_as_of_a_date(make, login_as):
    building, household, home = _busy_building(make)
    html = (
        login_as("officer").get(f"/buildings/{building.id}?date=2019-06-01").get_data(as_text=True)
    )
    assert "KACI Aïcha" not in html  # moved in in 2020
    assert "Boucherie Martin" in html


def test_a_hidden_building_answers_404(make, login_as):
    building = bmake.building()
    building.soft_delete()
    db.session.commit()
    assert login_as("officer").get(f"/buildings/{building.id}").status_code == 404


# --- a unit's page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_a_unit_s_history_and_its_finances(make, login_as, role):
    building, household, home = _busy_building(make)
    period = db.session.scalars(db.select(services.Occupancy).filter_by(unit_id=home.id)).one()
    services.end_period(period, date(2024, 3, 1), EndReason.DEPART_VOLONTAIRE)
    db.session.commit()
    html = login_as(role).get(f"/units/{home.id}").get_data(as_text=True)
    assert "KACI Aïcha" in html and "Départ volontaire" in html and "01/03/2024" in html
    assert ("Loyer" in html) == (role != "manager")
    assert ("450,00" in html) == (role != "manager")


# --- the unit's condition, in place ------------------------------------------------------


def _card(html, unit_id):
    return re.search(rf'<article id="unit-{unit_id}".*?</article>', html, re.S).group(0)


def test_change_a_unit_s_condition_with_htmx(make, login_as):
    building, _household, _home = _busy_building(make)
    unit = bmake.unit(building, lot_number="V3", floor=3)
    browser = login_as("assistant")
    response = browser.htmx("POST", f"/units/{unit.id}/condition", target=f"unit-{unit.id}",
                            data={"condition": "mure", "version": unit.version})  # fmt: skip
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "unit-walled_up" in _card(html, unit.id) and "Muré" in html
    assert "état « Muré » enregistré" in html  # the message, out of band
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).condition is UnitCondition.MURE


def test_change_a_unit_s_condition_without_javascript(make, login_as):
    building, _household, _home = _busy_building(make)
    unit = bmake.unit(building, lot_number="V3", floor=3)
    browser = login_as("officer")
    response = browser.post(f"/units/{unit.id}/condition",
                            data={"condition": "sinistre", "version": unit.version})  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/buildings/{building.id}#unit-{unit.id}")
    html = browser.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "unit-unsafe" in _card(html, unit.id)
    assert "état « Sinistré » enregistré" in html


def test_a_stale_condition_answers_409_and_an_empty_one_422(make, login_as):
    building, _household, _home = _busy_building(make)
    unit = bmake.unit(building, lot_number="V3", floor=3)
    old = unit.version
    unit.condition = UnitCondition.INSALUBRE
    db.session.commit()
    browser = login_as("officer")
    stale = browser.htmx("POST", f"/units/{unit.id}/condition", target=f"unit-{unit.id}",
                         data={"condition": "mure", "version": old})  # fmt: skip
    assert stale.status_code == 409
    card = _card(stale.get_data(as_text=True), unit.id)
    assert "modifié par quelqu’un d’autre" in card and "unit-unsafe" in card
    plain = browser.post(f"/units/{unit.id}/condition", data={"condition": "mure", "version": old})
    assert plain.status_code == 409
    assert "modifié par quelqu’un d’autre" in plain.get_data(as_text=True)
    empty = browser.htmx("POST", f"/units/{unit.id}/condition", target=f"unit-{unit.id}", data={})
    assert empty.status_code == 422
    assert (
        browser.post(f"/units/{unit.id}/condition", data={"version": unit.version}).status_code
        == 422
    )
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).condition is UnitCondition.INSALUBRE


def test_a_manager_may_not_change_a_condition(make, login_as):
    unit = bmake.unit()
    data = {"condition": "mure", "version": unit.version}
    response = login_as("manager").post(f"/units/{unit.id}/condition", data=data)
    assert response.status_code == 403


# --- ending a period ---------------------------------------------------------------------


def test_end_a_period_but_never_as_relogé(make, login_as):
    building, household, home = _busy_building(make)
    period = db.session.scalars(db.select(services.Occupancy).filter_by(unit_id=home.id)).one()
    browser = login_as("officer")
    refused = browser.post(f"/occupancies/{period.id}/close", data={
        "end_date": "2026-01-10", "end_reason": "reloge", "version": period.version})  # fmt: skip
    assert refused.status_code == 422
    data = {"end_date": "2026-01-10", "end_reason": "depart_volontaire"}
    done = browser.post(f"/occupancies/{period.id}/close", data={**data, "version": period.version})
    assert done.status_code == 303
    db.session.expire_all()
    period = db.session.get(services.Occupancy, period.id)
    assert period.end_date == date(2026, 1, 10) and period.kind is OccupancyKind.PRINCIPAL


# --- the dashboard -------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "shown"), [("manager", True), ("officer", True),
                                             ("assistant", False)])  # fmt: skip
def test_late_buildings_on_the_dashboard(make, login_as, role, shown):
    """Past their target vacancy date with households still there: the manager's (and the
    officer's) dashboard lists them, the latest first; on time or emptied, they are not."""
    late, _household, _home = _busy_building(
        make, target_vacancy_date=clock.today() - timedelta(days=40)
    )
    on_time = bmake.building(
        address="9 rue À L’heure", target_vacancy_date=clock.today() + timedelta(days=9)
    )
    services.add_period(bmake.unit(on_time), household=make.household(), status=LOC,
                        start=date(2020, 1, 1))  # fmt: skip
    emptied = bmake.building(address="7 rue Vide", target_vacancy_date=date(2020, 1, 1))
    bmake.unit(emptied)
    db.session.commit()
    html = login_as(role).get("/").get_data(as_text=True)
    assert ("Immeubles en retard sur la libération visée" in html) is shown
    if shown:
        section = html.split('id="dash-late-buildings"', 1)[1].split("</section>", 1)[0]
        assert f'href="/buildings/{late.id}"' in section and "en retard de 40 jours" in section
        assert f'href="/buildings/{on_time.id}"' not in section
        assert f'href="/buildings/{emptied.id}"' not in section


def test_the_dashboard_shows_the_ten_latest_buildings_their_households_and_how_many_more(
    make, login_as
):
    """Twelve late buildings still housing households: the ten latest are listed, the most
    late first, each with its households to rehouse (two in some); « et 2 autres » links
    to the rest. A late building whose only household was deleted is none of them."""
    today = clock.today()
    late = []
    for i in range(12):
        building = bmake.building(
            address=f"{i + 1} rue du Retard", target_vacancy_date=today - timedelta(days=100 - i)
        )
        for lot in range(1 + i % 2):  # one household, or two
            services.add_period(bmake.unit(building, lot_number=f"L{lot}"),
                                household=make.household(), status=LOC,
                                start=date(2020, 1, 1))  # fmt: skip
        late.append(building)
    gone = bmake.building(address="1 rue Partie", target_vacancy_date=today - timedelta(days=500))
    deleted = make.household()
    services.add_period(bmake.unit(gone), household=deleted, status=LOC, start=date(2020, 1, 1))
    deleted.deleted_at = utcnow()
    db.session.commit()
    html = login_as("manager").get("/").get_data(as_text=True)
    section = html.split('id="dash-late-buildings"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(
        r'href="/buildings/(\d+)">.*?en retard de (\d+) jours.*?class="num">(\d+)<', section, re.S
    )
    assert rows == [(str(b.id), str(100 - i), str(1 + i % 2)) for i, b in enumerate(late[:10])]
    assert "et 2 autres" in section and f'href="/buildings/{gone.id}"' not in section


def test_a_unit_s_surface_is_written_the_french_way(make, login_as):
    unit = bmake.unit(surface_dm2=3888)
    html = login_as("assistant").get(f"/units/{unit.id}").get_data(as_text=True)
    assert "38,88 m²" in html


def test_the_building_page_counts_its_units_as_of_a_date(make, login_as):
    building, _household, home = _busy_building(
        make, target_vacancy_date=clock.today() - timedelta(days=2)
    )
    home.acquired_on = date(2021, 3, 1)
    db.session.commit()
    browser = login_as("manager")

    def counts(url):
        html = browser.get(url).get_data(as_text=True)
        found = dict(re.findall(r'class="unit-count-(\w+)">(\d+)<', html))
        return found, html

    found, html = counts(f"/buildings/{building.id}")
    assert found == {"occupied": "2", "vacant": "1", "unsafe": "1", "walled_up": "1"}
    assert "5 logements" in html and "1 ménage à reloger" in html
    assert "maîtrise foncière : 1 / 5" in html and "en retard de 2 jours" in html
    # before anyone moved in, and before the acquisition
    found, html = counts(f"/buildings/{building.id}?date=2018-06-01")
    assert found == {"occupied": "0", "vacant": "3", "unsafe": "1", "walled_up": "1"}
    assert "0 ménage à reloger" in html and "maîtrise foncière : 0 / 5" in html
