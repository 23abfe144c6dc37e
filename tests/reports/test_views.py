"""The relocation report's pages, exports and charts over HTTP."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from capintra.audit.changes import kept_values
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.relocation.models import Relocation, RelocationKind
from tests import factories
from tests.buildings import make as bmake
from tests.checks import assert_csp_safe_html, parse_csp
from tests.conftest import login
from tests.households.helpers import count_statements
from tests.reports.fixture import FORMULA_COMMUNE
from tests.reports.fixture import build as dataset


@pytest.fixture
def data(app_ctx):
    return dataset()


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def _row(rows, reference):
    return next(row for row in rows if row[0] == reference)


def test_page_shows_the_counts_under_the_strict_policy(data, login_as):
    browser = login_as("manager")
    response = browser.get("/reports/relocation")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_csp_safe_html(html)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "Îlot Test" in html and "Sans solution acceptée" in html
    assert data.h["H2"].reference in html  # without an accepted solution, by reference
    assert "SECRETNOM" not in html
    assert '<img class="img-fluid" src="/reports/relocation/months.svg' in html
    assert 'id="report-months"' in html  # figures beside the chart
    # Every operation: their lines only, the target date from their buildings; a line per
    # building (thousands at scale) once an operation is chosen, and in the exports.
    assert "1 rue Alpha" not in html and 'id="report-buildings"' not in html
    assert 'id="report-detail-hint"' in html and "30/06/2027" in html
    html = browser.get(f"/reports/relocation?operation={data.op.id}").get_data(as_text=True)
    assert "1 rue Alpha" in html and "2 rue Beta" in html
    assert 'id="report-buildings"' in html and "/reports/relocation/buildings.svg" in html
    assert 'id="report-detail-hint"' not in html


def test_diffusion_masks_small_counts_and_lists_no_household(data, login_as):
    browser = login_as("officer")
    html = browser.get("/reports/relocation/diffusion").get_data(as_text=True)
    assert data.h["H2"].reference not in html
    assert "<img" not in html
    # total concerned 7 shown, relocated 2 masked
    assert '<td class="num">7</td>' in html and "&lt; 5" in html
    rows = _csv(browser.get("/reports/relocation/diffusion.csv"))
    assert rows[0] == ["Périmètre", "Indicateur", "Valeur"]
    values = {(scope, name): value for scope, name, value in rows[1:]}
    assert values[("Total", "Ménages concernés")] == "7"
    assert values[("Total", "Relogés définitivement")] == "< 5"
    assert values[("Îlot Test", "Ménages concernés")] == "6"
    assert values[("Îlot Test", "Avec droit au relogement")] == "5"
    assert values[("Îlot Test", "En recherche")] == "< 5"
    assert values[("Total", "Jours du premier entretien au relogement (médiane)")] == "< 5"
    assert not any(data.h[k].reference in ";".join(r) for r in rows for k in data.h)
    sheet = _xlsx(browser.get("/reports/relocation/diffusion.xlsx"))
    cells = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells[("Total", "Ménages concernés")] == 7
    assert cells[("Total", "Relogés définitivement")] == "< 5"


def test_officer_csv_gives_amounts_by_reference_with_accents_and_no_formula(data, login_as):
    browser = login_as("officer")
    response = browser.get("/reports/relocation.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["Référence", "Opération", "Immeuble (n°)"]
    assert "Reste à charge avant (€)" in rows[0]
    assert len(rows) == 3  # H1 and H6
    h1 = dict(zip(rows[0], _row(rows, data.h["H1"].reference), strict=True))
    assert h1["Opération"] == "Îlot Test"
    assert h1["Date du relogement"] == "10/03/2026"
    assert h1["Reste à charge avant (€)"] == "280,00"
    assert h1["Reste à charge après (€)"] == "250,00"
    assert h1["Taux d’effort après"] == "0,1667"
    assert h1["Reste à charge au m² après (€)"] == "3,85"
    assert h1["Reste à charge non augmenté"] == "oui"
    assert h1["Propositions formelles"] == "2"
    assert h1["Jours du premier entretien au relogement"] == "68"
    h6 = dict(zip(rows[0], _row(rows, data.h["H6"].reference), strict=True))
    assert h6["Commune"] == "'" + FORMULA_COMMUNE
    assert h6["Relogement temporaire préalable"] == "oui"
    body = response.get_data().decode("utf-8-sig")
    assert "SECRETNOM" not in body and "rue" not in body


def test_manager_exports_bands_never_amounts(data, login_as):
    browser = login_as("manager")
    rows = _csv(browser.get("/reports/relocation.csv"))
    assert not any("€)" in header for header in rows[0])
    h1 = dict(zip(rows[0], _row(rows, data.h["H1"].reference), strict=True))
    assert h1["Reste à charge avant (tranche)"] == "200 à 299 €"
    assert h1["Taux d’effort après (tranche)"] == "10 à 19 %"
    flat = ";".join(";".join(r) for r in rows)
    assert "280,00" not in flat and "250,00" not in flat and "0,1667" not in flat
    sheet = _xlsx(browser.get("/reports/relocation.xlsx"))
    values = [v for row in sheet.iter_rows(values_only=True) for v in row]
    assert 250 not in values and "250,00" not in values
    assert "200 à 299 €" in values


def test_xlsx_reads_back_with_a_formula_kept_as_text(data, login_as):
    browser = login_as("officer")
    response = browser.get("/reports/relocation.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = _xlsx(response)
    head = [c.value for c in sheet[1]]
    assert head[0] == "Référence"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    h6 = rows[data.h["H6"].reference]
    commune = h6[head.index("Commune")]
    assert commune.value == FORMULA_COMMUNE and commune.data_type == "s"
    h1 = rows[data.h["H1"].reference]
    assert h1[head.index("Date du relogement")].value.date() == date(2026, 3, 10)
    assert float(h1[head.index("Reste à charge après (€)")].value) == 250.0
    # shown as a French spreadsheet shows them: euros and percentages
    assert h1[head.index("Reste à charge après (€)")].number_format == '#,##0.00 "€"'
    assert h1[head.index("Taux d’effort après")].number_format == "0.0%"
    assert h1[head.index("Opération")].value == "Îlot Test"


def test_every_export_is_an_audit_event(data, login_as):
    browser = login_as("manager")
    paths = ("relocation.csv", "relocation.xlsx", "relocation/diffusion.csv",
             "relocation/diffusion.xlsx")  # fmt: skip
    for path in ("/reports/" + p for p in paths):
        assert browser.get(path + "?operation=" + str(data.op.id)).status_code == 200
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "export", AuditEvent.entity_type == "report")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.changes["format"][1], e.changes["version"][1]) for e in events] == [
        ("csv", "complete"), ("xlsx", "complete"), ("csv", "diffusion"), ("xlsx", "diffusion"),
    ]  # fmt: skip
    assert all(e.user_id == browser.user.id for e in events)
    assert events[0].changes["filters"][1] == {"operation": str(data.op.id)}


@pytest.mark.parametrize("chart", ["months", "buildings"])
def test_charts_are_static_svg_with_their_own_policy(data, login_as, chart):
    browser = login_as("officer")
    response = browser.get(f"/reports/relocation/{chart}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<script" not in svg.lower() and " style=" not in svg
    assert "<svg" in svg
    policy = parse_csp(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'none'"]
    assert policy["style-src"] and all(s.startswith("'sha256-") for s in policy["style-src"])
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    # the page keeps the strict policy
    page = browser.get("/reports/relocation")
    assert "'sha256-" not in page.headers["Content-Security-Policy"]


def test_chart_hash_matches_its_style(data, login_as):
    import base64
    import hashlib
    import re

    browser = login_as("officer")
    response = browser.get("/reports/relocation/months.svg")
    svg = response.get_data(as_text=True)
    styles = re.findall(r"<(?:\w+:)?style[^>]*>(.*?)</(?:\w+:)?style>", svg, re.S)
    assert styles
    import html as htmlmod

    digest = hashlib.sha256(htmlmod.unescape(styles[0]).encode()).digest()
    assert base64.b64encode(digest).decode() in response.headers["Content-Security-Policy"]


def test_managers_dashboard_shows_progress_per_operation(data, login_as):
    html = login_as("manager").get("/").get_data(as_text=True)
    assert "Relogement : indicateurs par opération" in html
    assert '<progress max="6" value="3"' in html
    assert "30/06/2027" in html  # the latest target vacancy date of Îlot Test
    assert_csp_safe_html(html)


def test_assistants_do_not_see_the_reports(app_ctx, login_as):
    browser = login_as("assistant")
    assert browser.get("/reports/relocation").status_code == 403
    assert "Relogement : indicateurs par opération" not in browser.get("/").get_data(as_text=True)


def _grow(op, building, n):
    for _ in range(n):
        household = factories.household(op.id)
        bmake.period(bmake.unit(building), household)
        factories.member(household, birth_date=date(1980, 1, 1))
        db.session.add(
            Relocation(
                household_id=household.id,
                kind=RelocationKind.DEFINITIF,
                relocated_on=date(2026, 5, 2),
                keys_on=date(2026, 5, 2),
                rent_cents=100,
            )  # fmt: skip
        )
    db.session.commit()


@pytest.mark.parametrize(
    "path",
    ["/reports/relocation", "/reports/relocation/diffusion", "/reports/relocation.csv",
     "/reports/relocation/months.svg", "/"],
)  # fmt: skip
def test_query_count_is_flat_as_households_grow(app_ctx, login_as, path):
    op = factories.operation()
    building = bmake.building(op.id)
    browser = login_as("manager")
    _grow(op, building, 5)
    browser.get(path)
    kept_values(app_ctx).clear()  # the report computed, not the one kept since
    with count_statements() as few:
        assert browser.get(path).status_code == 200
    _grow(op, building, 45)
    with count_statements() as many:
        assert browser.get(path).status_code == 200
    assert len(many) == len(few), (len(few), len(many))


def test_managers_read_no_cost_average_over_fewer_than_5_households(data, app_ctx, make):
    """Two relocations: an average over them is close to an individual amount."""
    officer = login(app_ctx.test_client(), make.user("officer"))
    html = officer.get("/reports/relocation").get_data(as_text=True)
    assert "375,00" in html  # mean remaining charge after: (250 + 500) / 2
    manager = login(app_ctx.test_client(), make.user("manager"))
    manager = manager.get("/reports/relocation").get_data(as_text=True)
    assert "375,00" not in manager and "290,00" not in manager
    assert "Les coûts ne sont affichés qu’à partir de 5 ménages" in manager
