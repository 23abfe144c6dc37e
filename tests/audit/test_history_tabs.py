"""The history tabs (issue 12, item 1): buildings, units and contracts have one; who
changed what and when, in French; events about confidential content only for officers
and admins; the fields a reader may not read do not exist there; the household's history
lists who opened the file for officers and admins only."""

from __future__ import annotations

import re

import pytest

from capintra.extensions import db
from capintra.orders.demo import example_contract
from tests.buildings import make as bmake
from tests.conftest import login
from tests.documents.samples import stored_document


@pytest.fixture
def browser_for(app_ctx, make):
    def _browser(who="officer"):
        user = make.user(who) if isinstance(who, str) else who
        return login(app_ctx.test_client(), user)

    return _browser


def _rows(html: str) -> list[str]:
    """The history table's rows, tags stripped."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def test_the_building_s_history_and_who_sees_its_confidential_document(make, browser_for):
    building = bmake.building(address="12 rue Émile-Zola")
    unit = bmake.unit(building, lot_number="A1")
    officer = make.user("officer", full_name="Claire Référente")
    stored_document(building, uploader=officer, confidential=True, title="Constat")
    editor = browser_for(make.user("assistant", full_name="Annie Saisie"))
    form = editor.get(f"/buildings/{building.id}/edit").get_data(as_text=True)
    assert "Modifier" in form
    building.commune = "Firminy"  # an edit by the application (no one signed in)
    db.session.commit()

    url = f"/buildings/{building.id}/history"
    for role in ("assistant", "manager"):
        response = browser_for(role).get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Historique" in html
        rows = _rows(html)
        assert any("Commune" in r and "→ Firminy" in r for r in rows), rows
        assert any(f"Logement · Lot {unit.lot_number}" in r for r in rows), rows
        assert not any("Pièce jointe" in r for r in rows), (role, rows)  # confidential
        assert "building" not in " ".join(rows) and "unit" not in " ".join(rows)
    for role in ("officer", "admin"):
        rows = _rows(browser_for(role).get(url).get_data(as_text=True))
        assert any("Création Pièce jointe" in r for r in rows), (role, rows)
    # the tab is one of the page's tabs, and an htmx request gets the tab alone
    page = browser_for("manager").get(f"/buildings/{building.id}").get_data(as_text=True)
    assert f'href="{url}"' in page
    fragment = browser_for("manager").htmx("GET", url, target="tab-content")
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)


def test_the_unit_s_history_without_rent_for_managers(make, browser_for):
    unit = bmake.unit(bmake.building(), lot_number="B2")
    household = make.household()
    period = bmake.period(unit, household, rent_cents=45_000)
    period.rent_cents = 47_000  # a change of the rent alone
    db.session.commit()
    url = f"/units/{unit.id}/history"

    officer = browser_for("officer").get(url).get_data(as_text=True)
    assert any("Modification" in r and "Occupation" in r and "Loyer" in r for r in _rows(officer))
    for role in ("manager", "admin"):
        html = browser_for(role).get(url).get_data(as_text=True)
        rows = _rows(html)
        assert any("Création" in r and "Occupation" in r for r in rows), (role, rows)
        assert not any("Modification" in r for r in rows), (role, rows)  # nothing they read
        assert "Loyer" not in html and "470" not in html, role
    # the unit's page keeps its first tab
    page = browser_for("manager").get(f"/units/{unit.id}").get_data(as_text=True)
    assert "Historique d’occupation" in page and f'href="{url}"' in page


def test_the_contract_s_history(make, browser_for):
    contract = example_contract()
    db.session.commit()
    contract.title = "Accompagnement social 2027"
    db.session.commit()
    for role in ("assistant", "officer", "manager", "admin"):
        html = browser_for(role).get(f"/contracts/{contract.id}/history").get_data(as_text=True)
        rows = _rows(html)
        assert any("Intitulé" in r and "Accompagnement social 2027" in r for r in rows), rows
        assert any("Création" in r and "Accord-cadre" in r for r in rows), rows
    page = browser_for("manager").get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Consommation au" in page


def test_officers_and_admins_read_who_opened_the_file(make, browser_for):
    officer = make.user("officer", full_name="Claire Référente")
    household = make.household(officer_id=officer.id)
    assert browser_for(officer).get(f"/households/{household.id}").status_code == 200
    confidential = browser_for(officer).post(
        f"/households/{household.id}/notes",
        data={"kind": "entretien", "note_date": "2026-11-20", "body": "Santé fragile"},
    )
    assert confidential.status_code == 303
    url = f"/households/{household.id}/history"

    for role in ("officer", "admin"):
        html = browser_for(role).get(url).get_data(as_text=True)
        section = html.partition('id="consultations"')[2].partition("</table>")[0]
        assert "Ouverture du dossier" in section and "Claire Référente" in section, role
        changes = html.partition("Modifications")[2]
        assert any("Création" in r and "Note" in r for r in _rows(changes)), role
        assert "Santé fragile" not in html  # a note's body is never in the trail
    for role in ("assistant", "manager"):
        html = browser_for(role).get(url).get_data(as_text=True)
        assert 'id="consultations"' not in html and "Ouverture du dossier" not in html, role
        assert not any("Note" in r for r in _rows(html)), role  # the confidential note


def test_a_building_s_history_costs_the_same_queries_for_2_or_20_units(make, browser_for):
    from tests.households.helpers import statements_for

    building = bmake.building()
    browser = browser_for("manager")
    url = f"/buildings/{building.id}/history"

    def units(n: int) -> None:
        for _ in range(n):
            unit = bmake.unit(building)
            unit.remark = "Visité"
        db.session.commit()

    units(2)
    few = len(statements_for(browser, url))
    units(18)
    assert len(_rows(browser.get(url).get_data(as_text=True))) > 20
    assert len(statements_for(browser, url)) == few


def test_the_file_s_history_leads_trail_readers_to_its_events(make, browser_for):
    household = make.household()
    link = f'href="/audit/?household={household.reference}"'
    for role in ("manager", "admin"):
        html = browser_for(role).get(f"/households/{household.id}/history").get_data(as_text=True)
        assert link in html, role
    html = browser_for("officer").get(f"/households/{household.id}/history").get_data(as_text=True)
    assert link not in html
