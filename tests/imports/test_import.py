"""The spreadsheet import through the real routes: upload → preview → commit, all or
nothing; the shared sample, files refused, a file imported twice, formula-like cells,
the template, the dashboard's recent imports."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from capintra.buildings import services as building_services
from capintra.buildings.importing import TEMPLATE_HEADERS, parse_file
from capintra.buildings.models import (
    Building,
    Occupancy,
    OccupantStatus,
    Unit,
    UnitCondition,
)
from capintra.extensions import db
from capintra.households.models import Household, Member, Note, Phase, Relation
from capintra.imports.models import ImportBatch, ImportStatus
from capintra.imports.services import head_names
from tests.buildings import make as bmake

SAMPLE = Path(__file__).parent.parent / "buildings" / "data" / "suivi-occupation.csv"
OPERATIONS = (
    "OPAH-RU Saint-Étienne Centre",
    "Îlot Gambetta",
    "ORI Rive-de-Gier",
    "Contrat de ville La Ricamarie",
    "Centre-ville Firminy",
)

#: The sample's rows, counted by hand (tests/buildings/data/suivi-occupation.csv).
SAMPLE_COUNTS = {
    "rows": 43,
    "errors": 0,
    "present": 0,
    "buildings": 5,
    "units": 43,
    "households": 30,  # 7 + 4 + 5 + 6 + 8 tenants, owners and occupants sans titre
    "periods": 33,  # the households' and the three shops' (SARL Le Fournil)
    "labelled": 3,
    "walled_up": 2,
    "notes": 17,  # a household's Observations
    "remarks": 3,  # two walled-up units' and a shop's Observations
}


@pytest.fixture
def operations(make):
    return {name: make.operation(name=name) for name in OPERATIONS}


def upload(browser, data: bytes, name: str = "suivi-occupation.csv"):
    return browser.post(
        "/import/", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def batch_from(response) -> ImportBatch:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r".*/import/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return db.session.get(ImportBatch, int(match.group(1)))


def commit(browser, batch: ImportBatch, version: int | None = None):
    db.session.refresh(batch)
    return browser.post(
        f"/import/{batch.id}/commit",
        data={"version": batch.version if version is None else version},
    )


def counts() -> dict[str, int]:
    return {
        "buildings": db.session.scalar(select(func.count(Building.id))),
        "units": db.session.scalar(select(func.count(Unit.id))),
        "households": db.session.scalar(select(func.count(Household.id))),
        "periods": db.session.scalar(select(func.count(Occupancy.id))),
        "notes": db.session.scalar(select(func.count(Note.id))),
    }


def csv_file(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    lines = [";".join(TEMPLATE_HEADERS)] + [";".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def row(
    lot: str,
    occupant: str = "",
    status: str = "Vacant",
    start: str = "",
    *,
    operation: str = "OPAH-RU Saint-Étienne Centre",
    address: str = "7 rue Brossard",
    commune: str = "Saint-Étienne",
    kind: str = "T3",
    observations: str = "",
) -> list[str]:
    return [operation, address, commune, lot, "1er", kind, "60", occupant, status, start,
            "", "", observations]  # fmt: skip


# --- the shared sample -----------------------------------------------------------------------


def test_the_sample_previews_then_commits_with_the_right_counts(operations, login_as):
    browser = login_as("assistant")
    before = counts()
    before_members = db.session.scalar(select(func.count()).select_from(Member))
    batch = batch_from(upload(browser, SAMPLE.read_bytes()))

    # The preview writes nothing but the batch, and says what the commit will do.
    assert counts() == before
    assert batch.status is ImportStatus.PREVIEW
    assert {k: batch.counts[k] for k in SAMPLE_COUNTS} == SAMPLE_COUNTS
    html = browser.get(f"/import/{batch.id}").get_data(as_text=True)
    assert html.count('<tr id="row-') == 43
    assert "Valider l’import" in html
    assert "« SARL Le Fournil » figure aux lignes 2, 13 et 29" in html  # warned, not merged
    assert "Nouveau dossier ménage" in html and "Occupation hors ménage" in html
    assert "Immeuble nouveau (lignes précédentes)" in html  # row 3, created by row 2

    response = commit(browser, batch)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/import/{batch.id}")
    after = counts()
    assert after["buildings"] - before["buildings"] == 5
    assert after["units"] - before["units"] == 43
    assert after["households"] - before["households"] == 30
    assert after["periods"] - before["periods"] == 33
    assert after["notes"] - before["notes"] == 17
    db.session.refresh(batch)
    assert batch.status is ImportStatus.COMMITTED
    assert batch.committed_by_id == browser.user.id
    assert {k: batch.counts[k] for k in SAMPLE_COUNTS} == SAMPLE_COUNTS

    # What the rows became, read back (cp1252 accents included).
    operation = operations["OPAH-RU Saint-Étienne Centre"]
    building = db.session.scalar(
        select(Building).where(
            Building.operation_id == operation.id, Building.address == "12 rue de la République"
        )  # fmt: skip
    )
    assert building.commune == "Saint-Étienne"
    eloi = db.session.scalar(select(Household).where(Household.name == "ÉLOI Cécile"))
    assert eloi.phase is Phase.A_RENCONTRER and eloi.operation_id == operation.id
    assert re.fullmatch(r"MEN-\d{4}-\d{4,}", eloi.reference)
    period = db.session.scalar(select(Occupancy).where(Occupancy.household_id == eloi.id))
    assert (period.status, period.start_date, period.rent_cents, period.end_date) == (
        OccupantStatus.LOCATAIRE, date(2011, 9, 20), 38275, None)  # fmt: skip
    note = db.session.scalar(select(Note).where(Note.household_id == eloi.id))
    assert "Humidité signalée" in note.body and note.confidential is False
    kaci = db.session.scalar(select(Household).where(Household.name == "KACI Aïcha"))
    assert kaci.phone == "06 75 38 62 70"
    # every new file's composition starts with its head, named as in the sheet
    heads = db.session.execute(
        select(Member.last_name, Member.first_name, Member.relation)
        .where(Member.household_id.in_([eloi.id, kaci.id]))
        .order_by(Member.household_id)
    ).all()
    assert [tuple(h) for h in heads] == [
        ("ÉLOI", "Cécile", Relation.CHEF), ("KACI", "Aïcha", Relation.CHEF)]  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Member)) - before_members == 30
    kaci_period = db.session.scalar(select(Occupancy).where(Occupancy.household_id == kaci.id))
    assert kaci_period.status is OccupantStatus.SANS_TITRE
    shop = db.session.scalar(
        select(Occupancy).join(Unit).where(Unit.building_id == building.id, Unit.lot_number == "1")
    )
    assert (shop.household_id, shop.occupant_label) == (None, "SARL Le Fournil")
    walled = db.session.scalar(
        select(Unit).where(Unit.building_id == building.id, Unit.lot_number == "6")
    )
    assert walled.condition is UnitCondition.MURE and walled.remark == "Muré après départ"
    # Two rows named ROBIN Aïcha are two files: never merged.
    assert db.session.scalar(select(func.count()).where(Household.name == "ROBIN Aïcha")) == 2

    page = browser.get(f"/import/{batch.id}").get_data(as_text=True)
    assert eloi.reference in page and "Valider l’import" not in page


def test_the_same_file_twice_is_recognised_and_the_new_rows_still_import(operations, login_as):
    browser = login_as("officer")
    assert commit(browser, batch_from(upload(browser, SAMPLE.read_bytes()))).status_code == 303
    before = counts()

    extra = "\r\n".join(
        [
            "OPAH-RU Saint-Étienne Centre;12 rue de la République;Saint-Étienne;12;5e;T2;40;"
            "BERTRAND Jules;Locataire;01/02/2015;400,00;;",
            "Îlot Gambetta;2 rue Neuve;Saint-Chamond;1;RDC;T3;60;;Vacant;;;;",
        ]
    )
    again = SAMPLE.read_bytes() + extra.encode("cp1252") + b"\r\n"
    batch = batch_from(upload(browser, again, "suivi-occupation-v2.csv"))
    assert batch.counts["present"] == 43
    assert (batch.counts["households"], batch.counts["periods"], batch.counts["buildings"],
            batch.counts["units"], batch.counts["errors"]) == (1, 1, 1, 2, 0)  # fmt: skip
    html = browser.get(f"/import/{batch.id}").get_data(as_text=True)
    assert html.count("Déjà présent") == 43
    assert commit(browser, batch).status_code == 303

    after = counts()
    assert after["households"] - before["households"] == 1
    assert after["periods"] - before["periods"] == 1
    assert after["buildings"] - before["buildings"] == 1
    assert after["units"] - before["units"] == 2
    assert after["notes"] == before["notes"]  # no note written twice
    assert db.session.scalar(select(func.count()).where(Household.name == "ÉLOI Cécile")) == 1


def test_a_file_with_one_bad_row_commits_nothing(operations, login_as):
    browser = login_as("assistant")
    data = SAMPLE.read_bytes().replace(b"20/09/2011", b"31/02/2011")
    before = counts()
    batch = batch_from(upload(browser, data))
    assert batch.error_count == 1
    html = browser.get(f"/import/{batch.id}").get_data(as_text=True)
    assert "Date impossible « 31/02/2011 »" in html
    assert re.search(r'<tr id="row-3" class="import-row-error">', html)
    assert "Valider l’import" not in html  # nothing to validate

    response = commit(browser, batch)  # posted anyway
    assert response.status_code == 409
    assert "Import refusé" in response.get_data(as_text=True)
    assert counts() == before
    db.session.refresh(batch)
    assert batch.status is ImportStatus.PREVIEW


def test_a_row_the_database_contradicts_is_an_error_and_nothing_is_written(make, login_as):
    """The sheet puts a new tenant in a unit whose tenant capintra knows (add_period's
    overlap rule); the other rows are fine: nothing is written."""
    operation = make.operation(name="OPAH-RU Saint-Étienne Centre")
    building = bmake.building(operation.id, address="7 rue Brossard", commune="Saint-Étienne")
    unit = bmake.unit(building, lot_number="2")
    tenant = make.household(operation.id)
    building_services.add_period(
        unit, household=tenant, status=OccupantStatus.LOCATAIRE, start=date(2019, 1, 1)
    )
    db.session.commit()
    browser = login_as("assistant")
    before = counts()
    batch = batch_from(upload(browser, csv_file([
        row("1", "MARTIN Paul", "Locataire", "01/01/2018"),
        row("2", "DURAND Lise", "Locataire", "01/06/2020"),
    ])))  # fmt: skip
    assert batch.error_count == 1
    assert "déjà un occupant principal depuis le 01/01/2019" in str(batch.rows[1]["outcome"])
    assert commit(browser, batch).status_code == 409
    assert counts() == before


def test_an_error_appearing_after_the_preview_refuses_the_commit(make, login_as):
    """Someone opens a period on the unit between the preview and the commit: the commit
    plays the rows again, finds the clash, writes nothing and shows the preview anew."""
    operation = make.operation(name="OPAH-RU Saint-Étienne Centre")
    building = bmake.building(operation.id, address="7 rue Brossard", commune="Saint-Étienne")
    unit = bmake.unit(building, lot_number="2")
    browser = login_as("assistant")
    batch = batch_from(upload(browser, csv_file([row("2", "DURAND Lise", "Locataire",
                                                     "01/06/2020")])))  # fmt: skip
    assert batch.error_count == 0
    tenant = make.household(operation.id)
    building_services.add_period(
        unit, household=tenant, status=OccupantStatus.LOCATAIRE, start=date(2019, 1, 1)
    )
    db.session.commit()
    before = counts()
    response = commit(browser, batch)
    assert response.status_code == 409
    assert "déjà un occupant principal" in response.get_data(as_text=True)
    assert counts() == before
    db.session.refresh(batch)
    assert batch.status is ImportStatus.PREVIEW and batch.error_count == 1


def test_an_unknown_operation_is_a_row_error_naming_the_known_ones(make, login_as):
    make.operation(name="Îlot Gambetta")
    browser = login_as("assistant")
    batch = batch_from(upload(browser, csv_file([row("1", operation="Ilot Gambeta")])))
    assert batch.error_count == 1
    html = browser.get(f"/import/{batch.id}").get_data(as_text=True)
    assert "Opération inconnue « Ilot Gambeta »" in html
    assert "« Îlot Gambetta »" in html


def test_an_occupied_row_without_an_entry_date_is_an_error(make, login_as):
    make.operation(name="OPAH-RU Saint-Étienne Centre")
    browser = login_as("assistant")
    rows = [row("1", "MARTIN Paul", "Locataire"), row("2", "SIMON Léa", "Locataire", "2015")]
    batch = batch_from(upload(browser, csv_file(rows)))
    assert batch.error_count == 2
    assert batch.rows[0]["outcome"]["errors"] == [
        ["Date d'entrée", "Date d’entrée manquante : elle ouvre la période d’occupation "
         "(jj/mm/aaaa)."]
    ]  # fmt: skip
    # An unreadable date says so, once (not « manquante » besides).
    assert [e[1][:15] for e in batch.rows[1]["outcome"]["errors"]] == ["Date illisible "]


# --- files refused -----------------------------------------------------------------------------


def _no_batch_written() -> int:
    return db.session.scalar(select(func.count(ImportBatch.id)))


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"", "vide.csv", "est vide"),
        (b"\xef\xbb\xbf\r\n  \r\n", "blanc.csv", "est vide"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)) * 4, "photo.csv",
         "n’est ni un classeur Excel (.xlsx) ni un fichier CSV lisible"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(32)) * 200, "scan.csv",
         "n’est ni un classeur Excel (.xlsx) ni un fichier CSV lisible"),
        (b"PK\x03\x04not really a zip", "faux.xlsx", "n’est pas un classeur Excel"),
        (";".join(TEMPLATE_HEADERS).encode() + b"\r\n", "entete.csv", "aucune ligne"),
        (b"Nom;Prenom\r\nDUPONT;Jean\r\n", "autre.csv", "Colonnes obligatoires absentes"),
    ],
    ids=["empty", "blank", "png-renamed", "pdf-renamed", "broken-xlsx", "header-only",
         "other-table"],
)  # fmt: skip
def test_an_unreadable_file_is_refused_with_a_french_message(login_as, data, name, said):
    browser = login_as("assistant")
    before = _no_batch_written()
    response = upload(browser, data, name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert said.replace("’", "'") in html.replace("’", "'").replace("&#39;", "'"), html[-3000:]
    assert 'type="file"' in html  # the form again
    assert _no_batch_written() == before


def test_a_workbook_that_unzips_to_gigabytes_is_refused(login_as):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (201 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    response = upload(login_as("assistant"), out.getvalue(), "bombe.xlsx")
    assert response.status_code == 422
    assert "trop volumineux une fois décompressé" in response.get_data(as_text=True)


def test_no_file_is_a_422(login_as):
    browser = login_as("assistant")
    response = browser.post("/import/", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choisissez le fichier du tableau" in response.get_data(as_text=True)


def test_a_file_too_large_is_refused_with_413_and_nothing_written(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMPORT_SIZE", 1024)
    browser = login_as("assistant")
    before = _no_batch_written()
    response = upload(browser, SAMPLE.read_bytes())
    assert response.status_code == 413
    assert "dépasse 1 ko" in response.get_data(as_text=True).replace("\u00a0", " ")
    assert _no_batch_written() == before


def test_a_file_with_too_many_rows_is_refused(app, make, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_IMPORT_ROWS", 2)
    make.operation(name="OPAH-RU Saint-Étienne Centre")
    browser = login_as("assistant")
    before = _no_batch_written()
    response = upload(browser, csv_file([row("1"), row("2"), row("3")]))
    assert response.status_code == 422
    assert "compte 3 lignes : 2 au plus par import" in response.get_data(as_text=True)
    assert _no_batch_written() == before
    assert upload(browser, csv_file([row("1"), row("2")])).status_code == 303


# --- formula-like cells ------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://exemple.invalid/";"<b>Cliquez</b>")'


def test_formula_like_cells_stay_plain_text_end_to_end(make, login_as):
    make.operation(name="OPAH-RU Saint-Étienne Centre")
    browser = login_as("assistant")
    rows = [row("1", '"' + FORMULA.replace('"', '""') + '"', "Locataire", "01/01/2010",
                observations="@SUM(A1:A9)"),
            row("2", "+33 rue", "Locataire", "01/01/2011", kind="Commerce")]  # fmt: skip
    batch = batch_from(upload(browser, csv_file(rows)))
    assert batch.error_count == 0
    html = browser.get(f"/import/{batch.id}").get_data(as_text=True)
    assert "<b>Cliquez</b>" not in html
    assert "&lt;b&gt;Cliquez&lt;/b&gt;" in html and "=HYPERLINK(" in html
    assert commit(browser, batch).status_code == 303

    household = db.session.scalar(select(Household).where(Household.name == FORMULA))
    assert household is not None  # stored as typed, not evaluated
    note = db.session.scalar(select(Note).where(Note.household_id == household.id))
    assert note.body.endswith(": @SUM(A1:A9)")
    assert db.session.scalar(select(Occupancy).where(Occupancy.occupant_label == "+33 rue"))
    page = browser.get(f"/households/{household.id}").get_data(as_text=True)
    assert "<b>Cliquez</b>" not in page and "&lt;b&gt;Cliquez&lt;/b&gt;" in page


# --- the commit's guards -----------------------------------------------------------------------


def test_a_committed_batch_cannot_be_committed_again(operations, login_as):
    browser = login_as("assistant")
    batch = batch_from(upload(browser, SAMPLE.read_bytes()))
    version = batch.version
    assert commit(browser, batch).status_code == 303
    before = counts()
    stale = commit(browser, batch, version=version)  # the page left open, posted again
    assert stale.status_code == 409
    fresh = commit(browser, batch)  # a fresh page of a committed batch
    assert fresh.status_code == 409
    assert "déjà été importé" in fresh.get_data(as_text=True)
    assert counts() == before


def test_a_commit_without_its_version_is_a_422(operations, login_as):
    browser = login_as("assistant")
    batch = batch_from(upload(browser, SAMPLE.read_bytes()))
    before = counts()
    response = browser.post(f"/import/{batch.id}/commit", data={})
    assert response.status_code == 422
    assert counts() == before


def test_an_abandoned_batch_writes_nothing_and_cannot_be_committed(operations, login_as):
    browser = login_as("officer")
    batch = batch_from(upload(browser, SAMPLE.read_bytes()))
    response = browser.post(f"/import/{batch.id}/abandon", data={"version": batch.version})
    assert response.status_code == 303
    db.session.refresh(batch)
    assert batch.status is ImportStatus.ABANDONED
    before = counts()
    assert commit(browser, batch).status_code == 409
    assert counts() == before


def test_a_missing_batch_is_a_404(login_as):
    assert login_as("assistant").get("/import/987654").status_code == 404


def test_the_commit_is_audited_with_its_counts(operations, login_as):
    from capintra.audit.models import AuditEvent

    browser = login_as("assistant")
    batch = batch_from(upload(browser, SAMPLE.read_bytes()))
    commit(browser, batch)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "import_committed", AuditEvent.entity_id == batch.id
        )  # fmt: skip
    )
    assert event.user_id == browser.user.id
    assert event.changes["households"] == [None, 30]


# --- the template, the page, the dashboard -------------------------------------------------


def test_the_templates_download_and_read_back(login_as):
    browser = login_as("assistant")
    page = browser.get("/import/").get_data(as_text=True)
    assert "/import/modele.xlsx" in page and "/import/modele.csv" in page
    xlsx = browser.get("/import/modele.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADERS
    csv = browser.get("/import/modele.csv")
    assert csv.data.startswith(b"\xef\xbb\xbf")
    # A template filled with one row reads back.
    sheet.append(row("1"))
    out = io.BytesIO()
    sheet.parent.save(out)
    assert parse_file(out.getvalue(), "modele.xlsx").rows[0].lot == "1"


def test_the_assistant_s_dashboard_lists_recent_imports(operations, login_as):
    browser = login_as("assistant")
    batch = batch_from(upload(browser, SAMPLE.read_bytes()))
    html = browser.get("/").get_data(as_text=True)
    assert "Imports récents" in html
    assert f"/import/{batch.id}" in html and "À valider" in html
    assert browser.post("/logout").status_code == 303
    manager = login_as("manager")
    assert "Imports récents" not in manager.get("/").get_data(as_text=True)


def test_an_excel_workbook_imports_like_a_csv(make, login_as):
    make.operation(name="Îlot Gambetta")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Suivi de l’occupation — Îlot Gambetta"])  # a title line above the headers
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(["Îlot Gambetta", "27 rue Gambetta", "Saint-Chamond", 3, "1er", "T4", 66,
                  "CLÉMENT Gaëlle", "Propriétaire occupant", date(2018, 2, 12), None,
                  "06 46 25 89 99", "Bail verbal"])  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    browser = login_as("officer")
    batch = batch_from(upload(browser, out.getvalue(), "suivi.xlsx"))
    assert (batch.error_count, batch.counts["households"], batch.counts["notes"]) == (0, 1, 1)
    assert commit(browser, batch).status_code == 303
    household = db.session.scalar(select(Household).where(Household.name == "CLÉMENT Gaëlle"))
    assert household.officer_id == browser.user.id  # an officer's import: their files
    period = db.session.scalar(select(Occupancy).where(Occupancy.household_id == household.id))
    assert (period.status, period.start_date) == (OccupantStatus.PROPRIETAIRE, date(2018, 2, 12))


@pytest.mark.parametrize(
    ("sheet", "last", "first"),
    [
        ("KACI Aïcha", "KACI", "Aïcha"),
        ("DA SILVA Maria Clara", "DA SILVA", "Maria Clara"),
        ("ÉLOI Cécile", "ÉLOI", "Cécile"),
        ("Famille Martin", "Famille Martin", ""),
        ("NGUYEN", "NGUYEN", ""),
    ],
)
def test_the_head_s_names_as_the_sheet_writes_them(sheet, last, first):
    assert head_names(sheet) == {"last_name": last, "first_name": first}
