"""The occupancy report (/reports/occupancy and its CSV): per operation and building, as
of a date, counted like the buildings' list, checked against a hand-computed fixture;
the CSV read back (BOM, `;`, accents, formulas kept as text) and audited as an export;
the page costs the same statements whatever the number of buildings."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from capintra.audit.changes import kept_values
from capintra.audit.models import AuditEvent
from capintra.buildings import services
from capintra.buildings.models import EndReason, OccupantStatus, UnitCondition
from capintra.buildings.report import occupancy_report
from capintra.extensions import db
from tests.buildings import make as bmake
from tests.conftest import login
from tests.households.helpers import count_statements, text_of

LOC = OccupantStatus.LOCATAIRE


@pytest.fixture
def browser_for(app_ctx, make):
    def _browser(role):
        return login(app_ctx.test_client(), make.user(role))

    return _browser


ON = date(2026, 11, 25)
JANUARY = date(2026, 1, 1)


@pytest.fixture
def fixture(make):
    """Îlot Gambetta: B1 (a household, a shop, a vacant unit, a walled-up one; target
    30/06/2027) and B2 (its household left on 04/05/2026); ORI Rive-de-Gier: B3 (one
    household), whose address starts like a formula."""
    gambetta = make.operation(name="Îlot Gambetta")
    ori = make.operation(name="ORI Rive-de-Gier")
    b1 = bmake.building(gambetta.id, address="3 rue Émile Zola", commune="Saint-Chamond",
                        target_vacancy_date=date(2027, 6, 30))  # fmt: skip
    b2 = bmake.building(gambetta.id, address="5 rue Gambetta", commune="Saint-Chamond")
    b3 = bmake.building(ori.id, address='=HYPERLINK("http://x")', commune="Rive-de-Gier")
    u1, u2, _u3 = (bmake.unit(b1) for _ in range(3))
    bmake.unit(b1, condition=UnitCondition.MURE)
    u5 = bmake.unit(b2)
    u6 = bmake.unit(b3)
    services.add_period(u1, household=make.household(), status=LOC, start=date(2020, 1, 1))
    services.add_period(u2, occupant_label="Boulangerie", status=LOC, start=date(2018, 1, 1))
    leaving = services.add_period(u5, household=make.household(), status=LOC,
                                  start=date(2015, 1, 1))  # fmt: skip
    services.end_period(leaving, date(2026, 5, 4), EndReason.DEPART_VOLONTAIRE)
    services.add_period(u6, household=make.household(), status=LOC, start=date(2021, 3, 1))
    db.session.commit()
    return {"gambetta": gambetta, "ori": ori, "b1": b1, "b2": b2, "b3": b3}


def _counts(t):
    return (t.units, t.occupied, t.vacant, t.walled_up, t.to_rehouse)


def test_counts_per_building_operation_and_in_total(app_ctx, fixture):
    report = occupancy_report(ON)
    blocks = {block.operation.name: block for block in report.operations}
    assert set(blocks) == {"Îlot Gambetta", "ORI Rive-de-Gier"}
    gambetta, ori = blocks["Îlot Gambetta"], blocks["ORI Rive-de-Gier"]
    by_building = {row.id: _counts(row) for row in gambetta.rows}
    assert by_building == {fixture["b1"].id: (4, 2, 2, 1, 1), fixture["b2"].id: (1, 0, 1, 0, 0)}
    assert _counts(gambetta.totals) == (5, 2, 3, 1, 1)
    assert [_counts(row) for row in ori.rows] == [(1, 1, 0, 0, 1)]
    assert _counts(report.totals) == (6, 3, 3, 1, 2)
    # as of January, B2's household was still there
    january = occupancy_report(JANUARY)
    (gambetta,) = [b for b in january.operations if b.operation.name == "Îlot Gambetta"]
    assert _counts(gambetta.totals) == (5, 3, 2, 1, 2)
    # one operation only
    only = occupancy_report(ON, fixture["ori"].id)
    assert [b.operation.name for b in only.operations] == ["ORI Rive-de-Gier"]


def test_the_page_as_of_a_french_date(app_ctx, fixture, login_as):
    manager = login_as("manager")
    page = manager.get("/reports/occupancy?date=01/01/2026")
    assert page.status_code == 200
    html = text_of(page)
    assert "Rapport d’occupation au 01/01/2026" in html
    # all operations: a line each, its buildings once it is chosen
    total = html.split(f'id="report-operation-{fixture["gambetta"].id}"')[1].split("</tr>")[0]
    assert [cell for cell in total.split('class="num"')[1:]][0].startswith(
        ' data-label="Logements">5<'
    )
    assert 'data-label="Immeubles">2<' in total
    assert "report-building-" not in html and 'id="occupancy-detail-hint"' in html
    assert "30/06/2027" not in html
    gambetta = fixture["gambetta"].id
    html = text_of(manager.get(f"/reports/occupancy?date=01/01/2026&operation={gambetta}"))
    assert f'id="report-building-{fixture["b1"].id}"' in html
    assert "30/06/2027" in html
    total = html.split(f'id="report-operation-{gambetta}"')[1].split("</tr>")[0]
    assert ' data-label="Logements">5<' in total


def test_the_csv_reads_back_with_accents_bom_and_formulas_as_text(
    app_ctx, fixture, login_as, browser_for
):
    officer = login_as("officer")
    response = officer.get(f"/reports/occupancy.csv?date={ON.isoformat()}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Opération", "Immeuble", "Commune", "Logements", "Occupés", "Vacants",
                       "Murés", "Ménages à reloger", "Date de libération visée"]  # fmt: skip
    assert ["Îlot Gambetta", "3 rue Émile Zola", "Saint-Chamond", "4", "2", "2", "1", "1",
            "30/06/2027"] in rows  # fmt: skip
    assert ["Îlot Gambetta", "Total de l’opération", "", "5", "2", "3", "1", "1", ""] in rows
    formula = [row for row in rows if row[0] == "ORI Rive-de-Gier" and "HYPERLINK" in row[1]]
    assert formula and formula[0][1] == '\'=HYPERLINK("http://x")'
    assert rows[-1] == ["Toutes opérations", "Total général", "", "6", "3", "3", "1", "2", ""]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert event.user_id == officer.user.id
    assert event.changes["Export"] == [None, "Rapport d’occupation au 25/11/2026"]
    assert event.changes["Format"] == [None, "CSV"]
    trail = text_of(browser_for("manager").get("/audit/"))
    assert "Rapport d’occupation au 25/11/2026" in trail


def test_the_report_costs_the_same_statements_as_buildings_grow(app_ctx, fixture, login_as):
    manager = login_as("manager")
    path = f"/reports/occupancy?date=2026-11-25&operation={fixture['ori'].id}"
    manager.get(path)
    kept_values(app_ctx).clear()  # the report computed, not the one kept since
    with count_statements() as few:
        assert manager.get(path).status_code == 200
    for _ in range(5):
        building = bmake.building(fixture["ori"].id)
        for _ in range(3):
            unit = bmake.unit(building)
            bmake.period(unit)
    with count_statements() as many:
        assert manager.get(path).status_code == 200
    assert len(many) == len(few)
    with count_statements() as exported:
        assert manager.get("/reports/occupancy.csv").status_code == 200
    assert len(exported) <= len(few) + 2  # + the audit event
