"""Reading the occupancy spreadsheet staff keep today (issue 9): pure functions, no database.

`parse_file(data, filename)` reads an XLSX or CSV file (sniffed from its content, not its
name), matches the French headers whatever their spelling, and gives one typed `ParsedRow`
per line with the `RowError`s found on it; a file that cannot be read at all raises
`ImportRefused` with a French message saying what to do. Nothing here writes anything:
saving the rows is the caller's business.

Every cell is text: a cell starting with `=`, `+`, `-` or `@` is never evaluated nor
turned back into a formula. In an XLSX, a formula cell gives the value the spreadsheet
last showed, or, when the file keeps none, its formula as plain text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal

from capintra import clock
from capintra.text import normalise

# --- Columns -------------------------------------------------------------------------------

#: The downloadable template's headers, in order (the labels error messages use).
TEMPLATE_HEADERS = [
    "Opération",
    "Adresse",
    "Commune",
    "Lot",
    "Étage",
    "Type",
    "Surface (m²)",
    "Occupant",
    "Statut d'occupation",
    "Date d'entrée",
    "Loyer (€)",
    "Téléphone",
    "Observations",
]

#: field name → (template label, accepted spellings). Spellings are compared once folded
#: by `_header_key` (case, accents, spaces, apostrophes, units in brackets ignored).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "operation": ("Opération", ("Opération", "Nom de l'opération")),
    "address": ("Adresse", ("Adresse", "Adresse de l'immeuble", "Adresse immeuble")),
    "commune": ("Commune", ("Commune", "Ville")),
    "lot": (
        "Lot",
        ("Lot", "N° lot", "N° de lot", "No lot", "Numéro de lot", "Numéro lot", "Lot n°"),
    ),
    "floor": ("Étage", ("Étage", "Niveau")),
    "unit_type": ("Type", ("Type", "Typologie", "Type de logement", "Type de lot")),
    "surface": ("Surface (m²)", ("Surface", "Surface habitable")),
    "occupant": ("Occupant", ("Occupant", "Nom de l'occupant", "Occupants", "Nom occupant")),
    "status": (
        "Statut d'occupation",
        ("Statut d'occupation", "Statut", "Statut occupation", "Statut de l'occupant"),
    ),
    "start_date": (
        "Date d'entrée",
        ("Date d'entrée", "Entrée le", "Date entrée", "Date d'entrée dans les lieux"),
    ),
    "rent": ("Loyer (€)", ("Loyer", "Loyer mensuel", "Loyer hors charges")),
    "phone": ("Téléphone", ("Téléphone", "Tél.", "Tel", "Tél", "Portable")),
    "observations": ("Observations", ("Observations", "Commentaire", "Commentaires", "Remarques")),
}

#: Columns without which the file is refused.
REQUIRED = ("operation", "address", "commune", "lot", "floor", "occupant", "status")

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _header_key(label: str) -> str:
    """`Surface (m²)` → `surface`, `Nom de l’occupant` → `nomdeloccupant`, `Lot n°` → `lotn`."""
    return normalise(_BRACKETS.sub(" ", label)).replace(" ", "")


_ALIASES: dict[str, str] = {
    _header_key(spelling): name
    for name, (_label, spellings) in COLUMNS.items()
    for spelling in spellings
}


# --- Results --------------------------------------------------------------------------------


class ImportRefused(Exception):
    """The file cannot be read at all; `message` (French) says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """A value that could not be read: its row in the spreadsheet (the header is row 1 in a
    file that starts with it), the column as the file names it, and a French message."""

    row_number: int
    column_label: str
    message_fr: str


@dataclass
class Record:
    """One line of the table: its row number and its cells by field name (text)."""

    row_number: int
    values: dict[str, str]


@dataclass
class Table:
    """The file's lines keyed by field. `labels` gives each field's header as written."""

    labels: dict[str, str]
    records: list[Record]
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ParsedRow:
    """One unit and its occupant as the spreadsheet describes it, typed.

    `status` is the occupancy status (`locataire`, `propriétaire occupant`, `occupant de
    bonne foi`, `sous-locataire`, `hébergé`, `sans droit ni titre`, `occupation
    temporaire`) or None when the unit is vacant (no period to create); `condition` is
    `muré` for a walled-up unit. `non_household` marks an occupant that is a label (a
    company, a shop) rather than a household."""

    row_number: int
    operation: str = ""
    address: str = ""
    commune: str = ""
    lot: str = ""
    floor: int | None = None
    unit_type: str | None = None
    surface: Decimal | None = None
    occupant: str = ""
    status: str | None = None
    vacant: bool = False
    condition: str | None = None
    non_household: bool = False
    start_date: date | None = None
    rent_cents: int | None = None
    phone: str = ""
    observations: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class DuplicateName:
    """Several rows name the same occupant: shown to the user, never merged."""

    name: str
    row_numbers: tuple[int, ...]

    @property
    def message_fr(self) -> str:
        rows = ", ".join(str(n) for n in self.row_numbers[:-1])
        return (
            f"« {self.name} » figure aux lignes {rows} et {self.row_numbers[-1]} : "
            "vérifiez s'il s'agit du même occupant (rien n'est fusionné automatiquement)."
        )


@dataclass
class ParsedImport:
    rows: list[ParsedRow]
    ignored_columns: list[str]
    duplicates: list[DuplicateName]
    #: field name → the file's header for it (what a later error names the column by).
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def warnings(self) -> list[str]:
        warnings = [d.message_fr for d in self.duplicates]
        if self.ignored_columns:
            names = ", ".join(f"« {c} »" for c in self.ignored_columns)
            warnings.insert(0, f"Colonnes non reconnues, ignorées : {names}.")
        return warnings


# --- Reading the file -----------------------------------------------------------------------

_HOW_TO = (
    "Enregistrez le tableau au format Excel (.xlsx) ou CSV (séparateur point-virgule) "
    "depuis votre tableur, ou partez du modèle à télécharger."
)


def read_cells(data: bytes, filename: str = "") -> Iterator[list[str]]:
    """The file's rows as lists of text cells; XLSX or CSV told apart by content."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused(f"Le fichier « {filename} » est vide. {_HOW_TO}")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_cells(data, filename)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            f"« {filename} » est un ancien classeur Excel (.xls), qui n'est pas lu. {_HOW_TO}"
        )
    return _csv_cells(_decode(data, filename))


def _decode(data: bytes, filename: str) -> str:
    bom = data.startswith(b"\xef\xbb\xbf")
    encodings = ("utf-8-sig",) if bom else ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        break
    raise ImportRefused(
        f"« {filename} » n'est ni un classeur Excel (.xlsx) ni un fichier CSV lisible. {_HOW_TO}"
    )


def _looks_like_text(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for c in sample if c < " " and c not in "\t\r\n")
    return "\x00" not in sample and controls <= len(sample) // 1000


def _csv_cells(text: str) -> Iterator[list[str]]:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [cell.strip() for cell in row]


#: What a workbook may unzip to (a 10,000-row sheet is a few megabytes).
MAX_UNZIPPED = 200 * 1024 * 1024


def _xlsx_cells(data: bytes, filename: str) -> Iterator[list[str]]:
    import openpyxl  # only when a workbook comes

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        names, archive = set(), None
    if archive is None or "xl/workbook.xml" not in names:
        raise ImportRefused(f"« {filename} » n'est pas un classeur Excel (.xlsx). {_HOW_TO}")
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        # A few megabytes that unzip to gigabytes: not a staff spreadsheet.
        raise ImportRefused(
            f"Le classeur « {filename} » est trop volumineux une fois décompressé. {_HOW_TO}"
        )
    has_formulas = any(
        b"</f>" in archive.read(n) or b"<f " in archive.read(n)
        for n in names
        if n.startswith("xl/worksheets/") and n.endswith(".xml")
    )
    try:
        shown = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        typed = (
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if has_formulas
            else None
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportRefused(
            f"Le classeur « {filename} » est illisible ou endommagé. {_HOW_TO}"
        ) from exc
    return _xlsx_rows(shown, typed)


def _xlsx_rows(shown, typed) -> Iterator[list[str]]:
    try:
        rows = shown.worksheets[0].iter_rows(values_only=True)
        if typed is None:
            for row in rows:
                yield [_cell_text(v) for v in row]
        else:
            formulas = typed.worksheets[0].iter_rows(values_only=True)
            for row, raw in zip(rows, formulas, strict=False):
                # No value kept for a formula cell: its formula, as plain text.
                yield [
                    _cell_text(r if v is None and isinstance(r, str) else v)
                    for v, r in zip(row, raw, strict=False)
                ]
    finally:
        shown.close()
        if typed is not None:
            typed.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def read_table(data: bytes, filename: str = "") -> Table:
    """The file's lines keyed by field (see COLUMNS). The header is the first line that
    names at least three known columns (a title line above it is allowed)."""
    rows = read_cells(data, filename)
    header: tuple[int, list[str], list[str | None]] | None = None
    for row_number, row in enumerate(rows, start=1):
        fields = [_ALIASES.get(_header_key(cell)) if cell else None for cell in row]
        if header is None and any(row):
            header = (row_number, row, fields)  # the first line, unless a better one comes
        if sum(1 for f in fields if f) >= 3:
            header = (row_number, row, fields)
            break
        if row_number >= 10:
            break
    if header is None:
        raise ImportRefused(f"Le fichier « {filename} » est vide. {_HOW_TO}")
    row_number, row, fields = header
    labels: dict[str, str] = {}
    positions: list[tuple[int, str]] = []
    ignored = []
    for position, (cell, name) in enumerate(zip(row, fields, strict=True)):
        if name is None:
            if cell:
                ignored.append(cell)
        elif name in labels:
            raise ImportRefused(
                f"Les colonnes « {labels[name]} » et « {cell} » désignent la même "
                "information : gardez-en une seule."
            )
        else:
            labels[name] = cell
            positions.append((position, name))
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in labels]
    if missing:
        names = ", ".join(f"« {m} »" for m in missing)
        raise ImportRefused(
            f"Colonnes obligatoires absentes : {names}. Ajoutez-les en première ligne du "
            "tableau, avec les intitulés du modèle à télécharger."
        )
    records = []
    for number, cells in enumerate(rows, start=row_number + 1):
        if not any(cells):
            continue
        values = {name: cells[p] if p < len(cells) else "" for p, name in positions}
        records.append(Record(number, values))
    return Table(labels=labels, records=records, ignored_columns=ignored)


# --- Values ---------------------------------------------------------------------------------

_FLOOR = re.compile(r"^(\d{1,2})\s*(?:er|ere|e|eme|em|me|nd|nde)?(?:\s*etage)?$")
_GROUND = {"rdc", "r d c", "rez de chaussee", "rez chaussee", "0"}
_BASEMENT = re.compile(r"^(?:sous sol|ss)(?:\s*(\d))?$")


def parse_floor(text: str) -> int:
    """`RDC` → 0, `1er` → 1, `3ème étage` → 3, `-1` / `Sous-sol` → -1. ValueError (French)."""
    raw = text.strip().replace("−", "-")
    key = normalise(raw)
    if key in _GROUND:
        return 0
    if basement := _BASEMENT.match(key):
        return -int(basement.group(1) or 1)
    if re.fullmatch(r"-\s*[1-5]", raw):
        return -int(key)
    if (match := _FLOOR.match(key)) and not raw.startswith("-"):
        return int(match.group(1))
    raise ValueError(f"Étage illisible « {text} » : écrivez RDC, 1er, 2e… ou -1 (sous-sol).")


_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str, today: date | None = None) -> date:
    """`jj/mm/aaaa` (or `j/m/aaaa`) → date; impossible, future or pre-1900 dates refused."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"Date illisible « {text} » : écrivez-la jj/mm/aaaa.")
    day, month, year = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(f"Date impossible « {text} » : ce jour n'existe pas.") from None
    if year < 1900:
        raise ValueError(f"Date « {text} » antérieure à 1900 : vérifiez l'année.")
    if value > (today or clock.today()):
        raise ValueError(f"Date « {text} » dans le futur : vérifiez-la.")
    return value


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")


def _decimal(text: str, unit: re.Pattern[str]) -> Decimal:
    cleaned = _SPACES.sub("", unit.sub("", text))
    if "," in cleaned and "." in cleaned and cleaned.index(".") < cleaned.index(","):
        cleaned = cleaned.replace(".", "")  # 1.234,56
    if not re.fullmatch(r"\d+(?:[.,]\d+)?", cleaned):
        raise ValueError
    try:
        return parse_decimal(cleaned, locale="fr_FR")
    except (NumberFormatError, InvalidOperation):
        raise ValueError from None


_EURO = re.compile(r"€|eur(?:os?)?\b", re.IGNORECASE)


def parse_amount(text: str) -> int:
    """`1 234,56 €`, `492,00`, `1234.5` → integer cents (Babel, French locale)."""
    try:
        value = _decimal(text, _EURO)
    except ValueError:
        raise ValueError(f"Montant illisible « {text} » : écrivez-le 1 234,56.") from None
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"Montant « {text} » : pas plus de deux décimales.")
    return int(cents)


_SQUARE_METRES = re.compile(r"m²|m2\b", re.IGNORECASE)


def parse_surface(text: str) -> Decimal:
    """`71,5` → Decimal('71.5') (square metres)."""
    try:
        value = _decimal(text, _SQUARE_METRES)
    except ValueError:
        raise ValueError(f"Surface illisible « {text} » : écrivez-la 71,5.") from None
    if not 0 < value < 10000:
        raise ValueError(f"Surface « {text} » invraisemblable : vérifiez-la.")
    return value


_TYPES = {
    **{f"t{n}": f"T{n}" for n in range(1, 7)},
    **{f"f{n}": f"T{n}" for n in range(1, 7)},
    "studio": "T1",
    "commerce": "commerce",
    "local commercial": "commerce",
    "boutique": "commerce",
    "cave": "cave",
    "autre": "autre",
}


def parse_unit_type(text: str) -> str:
    """`T1`…`T6` (also `F3`, `studio`), `commerce`, `cave`, `autre`."""
    key = normalise(text).replace(" ", "") if re.match(r"^\s*[tTfF]\s*\d", text) else None
    value = _TYPES.get(key or normalise(text))
    if value is None:
        raise ValueError(f"Type inconnu « {text} » : T1 à T6, Commerce, Cave ou Autre.")
    return value


#: folded spelling → (occupancy status or None for no period, unit condition)
_STATUSES: dict[str, tuple[str | None, str | None]] = {
    "locataire": ("locataire", None),
    "proprietaire occupant": ("propriétaire occupant", None),
    "proprietaire": ("propriétaire occupant", None),
    "occupant sans titre": ("sans droit ni titre", None),
    "sans titre": ("sans droit ni titre", None),
    "sans droit ni titre": ("sans droit ni titre", None),
    "occupant sans droit ni titre": ("sans droit ni titre", None),
    "occupant de bonne foi": ("occupant de bonne foi", None),
    "sous locataire": ("sous-locataire", None),
    "heberge": ("hébergé", None),
    "hebergee": ("hébergé", None),
    "heberges": ("hébergé", None),
    "occupation temporaire": ("occupation temporaire", None),
    "vacant": (None, None),
    "vide": (None, None),
    "libre": (None, None),
    "mure": (None, "muré"),
    "muree": (None, "muré"),
}


def parse_status(text: str) -> tuple[str | None, str | None]:
    """(occupancy status or None when vacant, unit condition: `muré` or None)."""
    try:
        return _STATUSES[normalise(text)]
    except KeyError:
        raise ValueError(
            f"Statut inconnu « {text} » : Locataire, Propriétaire occupant, Occupant sans "
            "titre, Occupant de bonne foi, Sous-locataire, Hébergé, Vacant ou Muré."
        ) from None


_COMPANY_FORMS = {
    "sarl", "sas", "sasu", "sci", "eurl", "sa", "snc", "scp", "sca", "scs", "sem", "spl",
    "scop", "selarl", "selas", "gie", "gaec", "association", "ste", "societe",
}  # fmt: skip


def is_company(name: str) -> bool:
    """An occupant named with a company form (`SARL Le Fournil`, `S.C.I. du Parc`)."""
    return any(word in _COMPANY_FORMS for word in normalise(name.replace(".", "")).split())


_PHONE = re.compile(r"^[0-9 +().\-/\u00a0]+$")


# --- Rows -----------------------------------------------------------------------------------


def parse_record(record: Record, labels: dict[str, str], today: date | None = None) -> ParsedRow:
    """One line typed; every value that cannot be read gives a RowError, the rest is kept."""
    values = record.values
    row = ParsedRow(row_number=record.row_number)

    def error(name: str, message: str) -> None:
        row.errors.append(RowError(record.row_number, labels[name], message))

    def typed(name: str, parser):
        text = values.get(name, "")
        if not text:
            return None
        try:
            return parser(text)
        except ValueError as exc:
            error(name, str(exc))
            return None

    for name in ("operation", "address", "commune", "lot"):
        setattr(row, name, values[name])
        if not values[name]:
            error(name, f"{COLUMNS[name][0]} manquant(e) : renseignez la cellule.")
    row.occupant = values["occupant"]
    row.phone = values.get("phone", "")
    row.observations = values.get("observations", "")
    row.floor = typed("floor", parse_floor)
    if not values["floor"]:
        error("floor", "Étage manquant : écrivez RDC, 1er, 2e…")
    row.unit_type = typed("unit_type", parse_unit_type)
    row.surface = typed("surface", parse_surface)
    row.start_date = typed("start_date", lambda t: parse_date(t, today))
    row.rent_cents = typed("rent", parse_amount)
    if row.phone and (not _PHONE.match(row.phone) or not any(c.isdigit() for c in row.phone)):
        error("phone", f"Téléphone illisible « {row.phone} » : chiffres et espaces seulement.")

    status_text = values["status"]
    if status_text:
        parsed = typed("status", parse_status)
        if parsed is not None:
            row.status, row.condition = parsed
            row.vacant = row.status is None
            if row.vacant and row.occupant:
                error(
                    "occupant",
                    f"Un logement « {status_text} » n'a pas d'occupant : videz la cellule "
                    "ou corrigez le statut.",
                )
            if not row.vacant and not row.occupant:
                error("occupant", f"Occupant manquant pour le statut « {status_text} ».")
    elif row.occupant:
        error("status", "Statut d'occupation manquant pour cet occupant.")
    else:
        row.vacant = True
    if row.occupant and not row.vacant:
        row.non_household = row.unit_type == "commerce" or is_company(row.occupant)
    return row


def parse_rows(table: Table, today: date | None = None) -> list[ParsedRow]:
    return [parse_record(record, table.labels, today) for record in table.records]


def duplicate_names(rows: Iterable[ParsedRow]) -> list[DuplicateName]:
    """Occupant names found on several rows (case and accents ignored): warnings only."""
    seen: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        if row.occupant:
            seen[normalise(row.occupant)].append(row)
    return [
        DuplicateName(same[0].occupant, tuple(r.row_number for r in same))
        for same in seen.values()
        if len(same) > 1
    ]


def parse_file(data: bytes, filename: str = "", today: date | None = None) -> ParsedImport:
    """Read, match the headers, type every row, look for repeated names."""
    table = read_table(data, filename)
    rows = parse_rows(table, today)
    return ParsedImport(rows, table.ignored_columns, duplicate_names(rows), table.labels)


def template_csv() -> bytes:
    """The empty template: UTF-8 with a BOM (so Excel reads the accents), `;` separated."""
    return ("\ufeff" + ";".join(TEMPLATE_HEADERS) + "\r\n").encode("utf-8")


def template_xlsx() -> bytes:
    """The empty template as an Excel workbook: the headers in bold, frozen, every column
    stored as text so the spreadsheet turns no lot number or date into something else."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Occupation"
    sheet.append(TEMPLATE_HEADERS)
    for position, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        letter = openpyxl.utils.get_column_letter(position)
        sheet.column_dimensions[letter].width = max(12, len(cell.value) + 4)
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
