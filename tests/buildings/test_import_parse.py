"""Issue 9: reading the occupancy spreadsheet staff keep (pure parsing, no database)."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from capintra.buildings.importing import (
    TEMPLATE_HEADERS,
    ImportRefused,
    parse_amount,
    parse_date,
    parse_file,
    parse_floor,
    read_table,
    template_csv,
)

SAMPLE = Path(__file__).parent / "data" / "suivi-occupation.csv"
TODAY = date(2026, 5, 1)


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def sample_text() -> str:
    return sample_bytes().decode("cp1252")


def to_xlsx(text: str, delimiter: str = ";") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in text.splitlines():
        row = line.split(delimiter)
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # written as text, as a user typing '=… would
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


HEADER = ";".join(TEMPLATE_HEADERS)
GOOD = "Op;1 rue A;Firminy;1;1er;T3;60;DUPONT Jean;Locataire;01/02/2010;450,00;06 11 22 33 44;"


def comparable(rows):
    return [
        {k: v for k, v in vars(r).items() if k != "errors"} | {"errors": r.errors} for r in rows
    ]


# --- The sample ----------------------------------------------------------------------------


def test_the_shared_sample_parses():
    result = parse_file(sample_bytes(), "suivi-occupation.csv", today=TODAY)
    assert len(result.rows) == 43
    assert result.errors == []
    assert result.ignored_columns == []
    statuses = Counter((r.status, r.condition) for r in result.rows)
    assert statuses == {
        ("locataire", None): 23,
        ("sans droit ni titre", None): 5,
        ("propriétaire occupant", None): 5,
        (None, None): 8,
        (None, "muré"): 2,
    }
    assert sum(r.vacant for r in result.rows) == 10
    first, second = result.rows[0], result.rows[1]
    assert first.operation == "OPAH-RU Saint-Étienne Centre"
    assert first.address == "12 rue de la République"
    assert (first.row_number, first.floor, first.unit_type) == (2, 0, "commerce")
    assert first.surface == Decimal("71.5")
    assert first.rent_cents == 49200
    assert first.non_household and first.occupant == "SARL Le Fournil"
    assert second.occupant == "ÉLOI Cécile"
    assert (second.floor, second.start_date, second.rent_cents) == (1, date(2011, 9, 20), 38275)
    assert not second.non_household
    assert result.rows[2].phone == "06 75 38 62 70"
    assert result.rows[2].observations == "Bail verbal"
    walled = [r for r in result.rows if r.condition == "muré"]
    assert all(r.vacant and r.status is None and not r.occupant for r in walled)
    assert {r.floor for r in result.rows} == {0, 1, 2, 3, 4}
    assert result.rows[-1].occupant == "ÖZTÜRK Jérôme"


def test_same_content_in_every_encoding_delimiter_and_format():
    reference = comparable(parse_file(sample_bytes(), "a.csv", today=TODAY).rows)
    text = sample_text()
    comma = "\r\n".join(
        ",".join(f'"{c}"' if "," in c else c for c in line.split(";")) for line in text.splitlines()
    )
    variants = {
        "utf8-bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf8": text.encode("utf-8"),
        "comma": comma.encode("utf-8"),
        "xlsx": to_xlsx(text),
    }
    for name, data in variants.items():
        rows = parse_file(data, f"suivi.{name}", today=TODAY).rows
        assert comparable(rows) == reference, name


def test_xlsx_is_sniffed_by_content_not_by_name():
    rows = parse_file(to_xlsx(sample_text()), "suivi.csv", today=TODAY).rows
    assert len(rows) == 43


# --- Headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        "OPERATION;adresse;COMMUNE;N° lot;Niveau;Typologie;Surface;Nom de l’occupant;Statut;"
        "Entrée le;Loyer;Tél.;Commentaire",
        "Opération ; Adresse ;Commune;Numéro de lot;étage;type;SURFACE (M²);Occupant(s);"
        "Statut d’occupation;Date entrée;Loyer (€);Tel;Remarques",
        "operation;adresse;commune;Lot n°;ETAGE;Type;Surface [m2];occupant;"
        "statut d'occupation;date d'entree;LOYER (EUR);telephone;observations",
    ],
)
def test_header_variants(headers):
    result = parse_file(csv_bytes([headers, GOOD]), "x.csv", today=TODAY)
    assert result.ignored_columns == []
    [row] = result.rows
    assert row.errors == []
    assert (row.lot, row.floor, row.unit_type, row.status) == ("1", 1, "T3", "locataire")
    assert (row.rent_cents, row.phone) == (45000, "06 11 22 33 44")


def test_unknown_columns_are_ignored_and_reported():
    data = csv_bytes([HEADER + ";Propriétaire;Clé", GOOD + ";M. X;12"])
    result = parse_file(data, "x.csv", today=TODAY)
    assert result.ignored_columns == ["Propriétaire", "Clé"]
    assert "« Propriétaire », « Clé »" in result.warnings[0]
    assert result.rows[0].errors == []


def test_missing_required_columns_are_named_in_french():
    data = csv_bytes(["Opération;Adresse;Lot;Type;Occupant", "Op;1 rue A;1;T2;X"])
    with pytest.raises(ImportRefused) as refused:
        read_table(data, "x.csv")
    message = refused.value.message
    assert "« Commune »" in message
    assert "« Étage »" in message
    assert "« Statut d'occupation »" in message
    assert "modèle" in message


def test_a_title_line_above_the_header_is_allowed():
    data = csv_bytes(["Suivi occupation mai 2026;;;", "", HEADER, GOOD])
    [row] = parse_file(data, "x.csv", today=TODAY).rows
    assert row.row_number == 4 and row.errors == []


# --- Rows ----------------------------------------------------------------------------------


def test_one_bad_row_gives_row_errors_the_others_parse():
    bad = "Op;1 rue A;Firminy;2;9ème sous-sol;T9;beaucoup;MARTIN Léa;Locataire;31/02/2010;12,345;;"
    data = csv_bytes([HEADER, GOOD, bad, GOOD.replace(";1;", ";3;")])
    result = parse_file(data, "x.csv", today=TODAY)
    good1, wrong, good2 = result.rows
    assert good1.errors == [] and good2.errors == []
    assert {(e.row_number, e.column_label) for e in wrong.errors} == {
        (3, "Étage"),
        (3, "Type"),
        (3, "Surface (m²)"),
        (3, "Date d'entrée"),
        (3, "Loyer (€)"),
    }
    by_column = {e.column_label: e.message_fr for e in wrong.errors}
    assert "Date impossible" in by_column["Date d'entrée"]
    assert "Type inconnu « T9 »" in by_column["Type"]
    assert "deux décimales" in by_column["Loyer (€)"]
    assert wrong.occupant == "MARTIN Léa" and wrong.status == "locataire"


def test_status_and_occupant_must_agree():
    data = csv_bytes(
        [
            HEADER,
            "Op;1 rue A;F;1;RDC;T2;30;;Locataire;;;;",
            "Op;1 rue A;F;2;RDC;T2;30;DURAND Paul;Vacant;;;;",
            "Op;1 rue A;F;3;RDC;T2;30;DURAND Paul;;;;;",
            "Op;1 rue A;F;4;RDC;T2;30;X;Squatteur;;;;",
            "Op;;F;;RDC;T2;30;;Vacant;;;;",
        ]
    )
    rows = parse_file(data, "x.csv", today=TODAY).rows
    assert [e.column_label for e in rows[0].errors] == ["Occupant"]
    assert [e.column_label for e in rows[1].errors] == ["Occupant"]
    assert [e.column_label for e in rows[2].errors] == ["Statut d'occupation"]
    assert "Statut inconnu" in rows[3].errors[0].message_fr
    assert {e.column_label for e in rows[4].errors} == {"Adresse", "Lot"}


@pytest.mark.parametrize(
    ("status", "expected", "vacant", "condition"),
    [
        ("Locataire", "locataire", False, None),
        ("Propriétaire occupant", "propriétaire occupant", False, None),
        ("Occupant sans titre", "sans droit ni titre", False, None),
        ("Occupant de bonne foi", "occupant de bonne foi", False, None),
        ("Sous-locataire", "sous-locataire", False, None),
        ("Hébergé", "hébergé", False, None),
        ("VACANT", None, True, None),
        ("Muré", None, True, "muré"),
    ],
)
def test_statuses(status, expected, vacant, condition):
    occupant = "" if vacant else "DUPONT Jean"
    line = f"Op;1 rue A;F;1;2e;T2;30;{occupant};{status};;;;"
    [row] = parse_file(csv_bytes([HEADER, line]), "x.csv", today=TODAY).rows
    assert row.errors == []
    assert (row.status, row.vacant, row.condition) == (expected, vacant, condition)


@pytest.mark.parametrize(
    ("occupant", "unit_type", "label"),
    [
        ("SARL Le Fournil", "T2", True),
        ("S.C.I. du Parc", "T3", True),
        ("Boulangerie Martin SAS", "T2", True),
        ("EURL Durand", "T2", True),
        ("Tabac de la place", "Commerce", True),
        ("SALAH Sami", "T2", False),
        ("DUPONT Jean", "T2", False),
    ],
)
def test_non_household_occupants(occupant, unit_type, label):
    line = f"Op;1 rue A;F;1;RDC;{unit_type};30;{occupant};Locataire;;;;"
    [row] = parse_file(csv_bytes([HEADER, line]), "x.csv", today=TODAY).rows
    assert row.non_household is label


def test_formula_like_cells_are_text():
    cells = ['=HYPERLINK("http://x")', "+33 6 11 22 33 44", "-1", "@SUM(A1)"]
    line = f"Op;1 rue A;F;1;-1;T2;30;{cells[0]};Locataire;;;{cells[1]};{cells[3]}"
    text = HEADER + "\r\n" + line
    for data in (text.encode("utf-8"), to_xlsx(text)):
        [row] = parse_file(data, "x", today=TODAY).rows
        assert row.occupant == cells[0]
        assert row.phone == cells[1]
        assert row.observations == cells[3]
        assert row.floor == -1
        assert row.errors == []


def test_xlsx_formula_cell_without_a_kept_value_stays_text():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(["Op", "1 rue A", "F", 1, "RDC", "T2", 30.5, "X", "Locataire", None, 450.5])
    sheet["L2"] = '=HYPERLINK("tel:0611223344")'  # a real formula, no cached value
    sheet["M2"] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    [row] = parse_file(buffer.getvalue(), "x.xlsx", today=TODAY).rows
    assert row.observations == "=1+1"
    assert row.surface == Decimal("30.5") and row.rent_cents == 45050
    assert row.phone == '=HYPERLINK("tel:0611223344")'
    assert [e.column_label for e in row.errors] == ["Téléphone"]


def test_duplicate_names_are_warnings_not_merges():
    result = parse_file(sample_bytes(), "x.csv", today=TODAY)
    found = {d.name: d.row_numbers for d in result.duplicates}
    assert found == {"SARL Le Fournil": (2, 13, 29), "ROBIN Aïcha": (30, 32)}
    assert len(result.rows) == 43  # nothing merged
    assert any("ROBIN Aïcha" in w and "30 et 32" in w for w in result.warnings)
    data = csv_bytes(
        [HEADER, GOOD, GOOD.replace("DUPONT Jean", "Dupont  JEAN").replace(";1;", ";2;")]
    )
    [dup] = parse_file(data, "x.csv", today=TODAY).duplicates
    assert dup.row_numbers == (2, 3)


# --- Refused files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "vide"),
        (b"\xef\xbb\xbf\r\n  \r\n", "vide"),
        (bytes(range(256)) * 40, "ni un classeur Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "ni un classeur Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "ancien classeur"),
        (b"PK\x03\x04" + bytes(50), "pas un classeur Excel"),
    ],
)
def test_unreadable_files_are_refused_in_french(data, words):
    with pytest.raises(ImportRefused) as refused:
        parse_file(data, "suivi.csv")
    assert words in refused.value.message
    assert ".xlsx" in refused.value.message or "modèle" in refused.value.message


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(ImportRefused, match="pas un classeur Excel"):
        parse_file(buffer.getvalue(), "suivi.xlsx")


# --- Values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "floor"),
    [
        ("RDC", 0),
        ("rdc", 0),
        ("Rez-de-chaussée", 0),
        ("0", 0),
        ("1er", 1),
        ("1", 1),
        ("2e", 2),
        ("2ème", 2),
        ("3ème étage", 3),
        ("-1", -1),
        ("Sous-sol", -1),
    ],
)
def test_floors(text, floor):
    assert parse_floor(text) == floor


@pytest.mark.parametrize("text", ["grenier", "1.5", "--1", "9ème sous-sol"])
def test_bad_floors(text):
    with pytest.raises(ValueError, match="Étage illisible"):
        parse_floor(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("17/06/2010", date(2010, 6, 17)), ("1/2/2003", date(2003, 2, 1)), ("29/02/2024", None)],
)
def test_dates(text, expected):
    assert parse_date(text, TODAY) == (expected or date(2024, 2, 29))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2010", "Date impossible"),
        ("29/02/2023", "Date impossible"),
        ("12/13/2010", "Date impossible"),
        ("02/05/2026", "futur"),
        ("01/01/1899", "antérieure à 1900"),
        ("2010-06-17", "Date illisible"),
        ("17/06/10", "Date illisible"),
    ],
)
def test_bad_dates(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text, TODAY)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,56", 123456),
        ("492,00", 49200),
        ("1234.5", 123450),
        ("1234,5 €", 123450),
        ("1\u00a0234,56\u00a0€", 123456),
        ("1\u202f234,56\u202f€", 123456),
        ("€ 12", 1200),
        ("0", 0),
    ],
)
def test_amounts(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["12,345", "douze", "-5", "1,2,3", "=A1*2"])
def test_bad_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


# --- Template and size ---------------------------------------------------------------------


def test_template_csv_is_utf8_with_bom_and_reads_back():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip().split(";") == TEMPLATE_HEADERS
    table = read_table(data, "modele.csv")
    assert table.records == [] and table.ignored_columns == []
    assert table.labels["operation"] == "Opération"


def test_ten_thousand_rows():
    lines = [HEADER] + [
        f"Op;{n} rue A;Firminy;{n};{n % 5}e;T3;60,5;NOM{n} Prénom;Locataire;01/02/2010;450,00;;"
        for n in range(1, 10_001)
    ]
    result = parse_file(csv_bytes(lines), "big.csv", today=TODAY)
    assert len(result.rows) == 10_000
    assert result.duplicates == []
