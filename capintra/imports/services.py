"""Importing the occupancy spreadsheet: upload → preview → commit (issue 9, DESIGN §3).

The file is read by `capintra.buildings.importing` (pure); here its rows are played
against the database through the features' own services: buildings matched by normalised
address within the operation or created, units matched by building and lot or created,
household files created by `households.services.create_household`, periods opened by
`buildings.services.add_period` (its rules: overlaps, one open period per household).

The same function, `apply_rows`, makes the preview and the commit: at upload it runs
inside a savepoint rolled back at once (nothing stays), so the preview says exactly what
the commit will do; the commit runs it again for real and keeps it only when no row has
an error (all or nothing). A row already in the database (same unit, same occupant, same
entry date) is reported « déjà présent » and left alone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from capintra import clock
from capintra.admin.models import Operation
from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.buildings import services as building_services
from capintra.buildings.importing import COLUMNS, ParsedImport, ParsedRow, RowError
from capintra.buildings.models import (
    Building,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
    Unit,
    UnitCondition,
    UnitType,
    address_key,
)
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households import services as household_services
from capintra.households.models import Household, Note, NoteKind
from capintra.imports.models import ImportBatch, ImportStatus
from capintra.models import utcnow
from capintra.text import normalise

#: The largest spreadsheet accepted (a 10,000-row CSV is about 1 MB), and its most rows:
#: the upload and the commit each play every row inside one request, which a gunicorn
#: worker must answer within its 60 s timeout (`make bench` times 10,000 rows, about
#: 10 to 20 ms a row and a pass on a busy 2-CPU machine). A larger sheet is imported in
#: several files.
MAX_IMPORT_SIZE = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 2_000

#: The parser's occupancy statuses → the model's.
STATUSES = {
    "locataire": OccupantStatus.LOCATAIRE,
    "propriétaire occupant": OccupantStatus.PROPRIETAIRE,
    "occupant de bonne foi": OccupantStatus.BONNE_FOI,
    "sous-locataire": OccupantStatus.SOUS_LOCATAIRE,
    "hébergé": OccupantStatus.HEBERGE,
    "sans droit ni titre": OccupantStatus.SANS_TITRE,
    "occupation temporaire": OccupantStatus.TEMPORAIRE,
}
UNIT_TYPES = {
    **{f"T{n}": UnitType(f"t{n}") for n in range(1, 7)},
    "commerce": UnitType.COMMERCE,
    "cave": UnitType.CAVE,
    "autre": UnitType.AUTRE,
}

#: What `counts` holds, in the order pages show them.
COUNT_NAMES = (
    "rows",
    "errors",
    "present",
    "buildings",
    "units",
    "households",
    "periods",
    "labelled",
    "walled_up",
    "notes",
    "remarks",
)


# --- rows as stored (JSON) ---------------------------------------------------------------


def row_to_json(row: ParsedRow) -> dict[str, Any]:
    return {
        "n": row.row_number,
        "operation": row.operation,
        "address": row.address,
        "commune": row.commune,
        "lot": row.lot,
        "floor": row.floor,
        "unit_type": row.unit_type,
        "surface": None if row.surface is None else str(row.surface),
        "occupant": row.occupant,
        "status": row.status,
        "vacant": row.vacant,
        "condition": row.condition,
        "non_household": row.non_household,
        "start_date": None if row.start_date is None else row.start_date.isoformat(),
        "rent_cents": row.rent_cents,
        "phone": row.phone,
        "observations": row.observations,
        "parse_errors": [[e.column_label, e.message_fr] for e in row.errors],
    }


def row_from_json(data: dict[str, Any]) -> ParsedRow:
    number = data["n"]
    return ParsedRow(
        row_number=number,
        operation=data["operation"],
        address=data["address"],
        commune=data["commune"],
        lot=data["lot"],
        floor=data["floor"],
        unit_type=data["unit_type"],
        surface=None if data["surface"] is None else Decimal(data["surface"]),
        occupant=data["occupant"],
        status=data["status"],
        vacant=data["vacant"],
        condition=data["condition"],
        non_household=data["non_household"],
        start_date=None if data["start_date"] is None else date.fromisoformat(data["start_date"]),
        rent_cents=data["rent_cents"],
        phone=data["phone"],
        observations=data["observations"],
        errors=[RowError(number, column, message) for column, message in data["parse_errors"]],
    )


# --- playing the rows ----------------------------------------------------------------------


@dataclass
class RowOutcome:
    """What one row gives (kept as JSON on the batch, shown by the preview)."""

    errors: list[list[str]] = field(default_factory=list)
    #: "created" | "matched" | None (for the building and the unit); a building created
    #: by an earlier row of the file: "in_file"
    building: str | None = None
    unit: str | None = None
    #: "household" (a new file) | "label" (a shop, a company) | None
    occupant: str | None = None
    period: bool = False
    walled_up: bool = False
    note: bool = False
    remark: bool = False
    present: bool = False
    household_reference: str = ""

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _label(labels: dict[str, str], name: str) -> str:
    return labels.get(name) or COLUMNS[name][0]


def _surface_dm2(surface: Decimal | None) -> int | None:
    if surface is None:
        return None
    return int((surface * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class _Index:
    """What the database already holds for the rows' operations: buildings by address
    key, units by lot, live periods by unit — read in a fixed number of queries."""

    def __init__(self, rows: list[ParsedRow]):
        self.operations = {
            normalise(op.name): op
            for op in db.session.scalars(select(Operation).order_by(Operation.name))
        }
        wanted_ops = {
            self.operations[key].id
            for key in {normalise(r.operation) for r in rows}
            if key in self.operations
        }
        keys = {address_key(r.address, r.commune) for r in rows}
        self.buildings: dict[tuple[int, str], Building] = {}
        self.created_buildings: set[int] = set()
        if wanted_ops:
            for building in db.session.scalars(
                select(Building)
                .where(Building.operation_id.in_(wanted_ops), Building.deleted_at.is_(None))
                .order_by(Building.id)
            ):
                if building.address_key in keys:
                    key = (building.operation_id, building.address_key)
                    self.buildings.setdefault(key, building)
        building_ids = [b.id for b in self.buildings.values()]
        self.units: dict[tuple[int, str], Unit] = {}
        self.periods: dict[int, list[tuple[Occupancy, str]]] = defaultdict(list)
        if building_ids:
            for unit in db.session.scalars(
                select(Unit)
                .where(Unit.building_id.in_(building_ids), Unit.deleted_at.is_(None))
                .order_by(Unit.id)
            ):
                self.units.setdefault((unit.building_id, _lot_key(unit.lot_number)), unit)
            for period, name in db.session.execute(
                select(Occupancy, Household.name)
                .join(Unit, Unit.id == Occupancy.unit_id)
                .outerjoin(Household, Household.id == Occupancy.household_id)
                .where(Unit.building_id.in_(building_ids), Occupancy.deleted_at.is_(None))
            ):
                self.periods[period.unit_id].append((period, normalise(name or "")))

    def known_operations(self) -> str:
        return ", ".join(f"« {op.name} »" for op in self.operations.values())


def _lot_key(lot: str) -> str:
    return normalise(lot) or lot.strip()


def _already_there(index: _Index, unit: Unit, row: ParsedRow) -> bool:
    """A live period of the unit with this occupant and this entry date."""
    name = normalise(row.occupant)
    for period, household_name in index.periods.get(unit.id, ()):
        occupant = household_name if period.household_id else normalise(period.occupant_label)
        if occupant == name and period.start_date == row.start_date:
            return True
    return False


@dataclass
class Applied:
    outcomes: list[RowOutcome]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.counts["errors"] == 0


def apply_rows(
    rows: list[ParsedRow], labels: dict[str, str], author: User, filename: str
) -> Applied:
    """Play every row against the database (the caller keeps or rolls back the writes).
    A row refused by a rule gets the rule's message; the other rows are still played."""
    index = _Index(rows)
    today = clock.today()
    counts = dict.fromkeys(COUNT_NAMES, 0)
    counts["rows"] = len(rows)
    outcomes: list[RowOutcome] = []
    #: (building id, lot key) → the row that first described the unit in this file.
    described: dict[tuple[int, str], int] = {}

    for row in rows:
        out = RowOutcome(errors=[[e.column_label, e.message_fr] for e in row.errors])
        outcomes.append(out)

        def error(name: str, message: str, out: RowOutcome = out) -> None:
            out.errors.append([_label(labels, name), message])

        operation = index.operations.get(normalise(row.operation))
        if row.operation and operation is None:
            error(
                "operation",
                _(
                    "Opération inconnue « %(name)s ». Opérations connues : %(known)s.",
                    name=row.operation,
                    known=index.known_operations() or _("aucune"),
                ),
            )
        occupied = not row.vacant and row.status is not None
        if (
            occupied
            and row.start_date is None
            and _label(labels, "start_date") not in {e.column_label for e in row.errors}
        ):
            error(
                "start_date",
                _("Date d’entrée manquante : elle ouvre la période d’occupation (jj/mm/aaaa)."),
            )
        if len(row.lot) > 20:
            error("lot", _("Numéro de lot trop long (20 caractères au plus)."))
        if len(row.address) > 300 or len(row.commune) > 100 or len(row.occupant) > 200:
            error("address", _("Adresse, commune ou occupant trop long : vérifiez la ligne."))
        if out.errors or operation is None:
            counts["errors"] += 1
            continue

        try:
            _play(row, out, index, operation, author, filename, today, described, labels)
        except DomainError as refused:
            error("status", refused.message)
        if out.errors:
            counts["errors"] += 1
            continue
        if out.present:
            counts["present"] += 1
        counts["buildings"] += out.building == "created"
        counts["units"] += out.unit == "created"
        counts["households"] += out.occupant == "household" and out.period
        counts["periods"] += out.period
        counts["labelled"] += out.occupant == "label" and out.period
        counts["walled_up"] += out.walled_up
        counts["notes"] += out.note
        counts["remarks"] += out.remark
    return Applied(outcomes, counts)


def _play(
    row: ParsedRow,
    out: RowOutcome,
    index: _Index,
    operation: Operation,
    author: User,
    filename: str,
    today: date,
    described: dict[tuple[int, str], int],
    labels: dict[str, str],
) -> None:
    key = (operation.id, address_key(row.address, row.commune))
    building = index.buildings.get(key)
    if building is None:
        building = Building(operation_id=operation.id, address=row.address, commune=row.commune)
        db.session.add(building)
        db.session.flush()
        index.buildings[key] = building
        index.created_buildings.add(building.id)
        out.building = "created"
    elif building.id in index.created_buildings:
        out.building = "in_file"  # created by an earlier row of this file
    else:
        out.building = "matched"

    lot = (building.id, _lot_key(row.lot))
    first = described.get(lot)
    hosted = row.status == "hébergé"
    if first is not None and not hosted:
        out.errors.append(
            [
                _label(labels, "lot"),
                _(
                    "Le lot %(lot)s de cet immeuble figure déjà ligne %(row)d : une ligne par "
                    "logement (sauf un occupant hébergé).",
                    lot=row.lot,
                    row=first,
                ),
            ]
        )
        return
    described.setdefault(lot, row.row_number)
    unit = index.units.get(lot)
    if unit is None:
        unit = Unit(
            building_id=building.id,
            lot_number=row.lot,
            floor=row.floor if row.floor is not None else 0,
            unit_type=UNIT_TYPES.get(row.unit_type or "", UnitType.AUTRE),
            surface_dm2=_surface_dm2(row.surface),
            condition=UnitCondition.NORMAL,
        )
        db.session.add(unit)
        db.session.flush()
        index.units[lot] = unit
        out.unit = "created"
    else:
        out.unit = "matched"

    occupied = not row.vacant and row.status is not None
    if occupied:
        if out.unit == "matched" and _already_there(index, unit, row):
            out.present = True
            return
        status = STATUSES[row.status]
        kind = OccupancyKind.HOSTED if hosted else OccupancyKind.PRINCIPAL
        if row.non_household:
            period = building_services.add_period(
                unit,
                start=row.start_date,
                status=status,
                kind=kind,
                occupant_label=row.occupant,
                rent_cents=row.rent_cents,
            )
            out.occupant = "label"
        else:
            household = household_services.create_household(
                {
                    "name": row.occupant,
                    "operation_id": operation.id,
                    "address": building.address,
                    "commune": building.commune,
                    "phone": row.phone[:40],
                },
                author,
            )
            period = building_services.add_period(
                unit,
                start=row.start_date,
                status=status,
                kind=kind,
                household=household,
                rent_cents=row.rent_cents,
            )
            out.occupant = "household"
            out.household_reference = household.reference
            if row.observations:
                note = Note(household_id=household.id, kind=NoteKind.AUTRE, note_date=today)
                household_services.save_note(
                    note,
                    {"body": _observation(row.observations, filename), "shared": True},
                    author,
                )
                db.session.add(note)
                out.note = True
        index.periods[unit.id].append((period, normalise(row.occupant)))
        out.period = True
    elif row.condition == "muré" and unit.condition is not UnitCondition.MURE:
        if building_services.is_occupied(unit, today):
            out.errors.append(
                [
                    _label(labels, "status"),
                    _(
                        "Le lot %(lot)s est occupé aujourd’hui d’après capintra : terminez "
                        "l’occupation avant de le déclarer muré.",
                        lot=row.lot,
                    ),
                ]
            )
            return
        unit.condition = UnitCondition.MURE
        out.walled_up = True
    if row.observations and not out.note and row.observations not in (unit.remark or ""):
        unit.remark = f"{unit.remark}\n{row.observations}" if unit.remark else row.observations
        out.remark = True
    if out.unit == "matched" and not (out.period or out.walled_up or out.remark):
        out.present = True
    db.session.flush()


def _observation(text: str, filename: str) -> str:
    return _("Observations du tableau « %(file)s » : %(text)s", file=filename, text=text)


# --- batches -------------------------------------------------------------------------------


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def create_batch(parsed: ParsedImport, *, data: bytes, filename: str, author: User) -> ImportBatch:
    """A new batch in preview: the rows played in a savepoint rolled back at once, so the
    preview says what the commit will do and nothing stays written."""
    if not parsed.rows:
        raise DomainError(
            _(
                "Le fichier « %(file)s » ne contient aucune ligne sous ses intitulés : "
                "rien à importer.",
                file=filename,
            )
        )
    limit = int(current_app.config.get("MAX_IMPORT_ROWS", MAX_IMPORT_ROWS))
    if len(parsed.rows) > limit:
        raise DomainError(
            _(
                "Le fichier « %(file)s » compte %(rows)s lignes : %(max)s au plus par import. "
                "Découpez le tableau (par opération, par exemple) et importez chaque partie.",
                file=filename,
                rows=format_decimal(len(parsed.rows), locale="fr_FR"),
                max=format_decimal(limit, locale="fr_FR"),
            )
        )
    applied = _dry_run(parsed.rows, parsed.labels, author, filename)
    warnings = []
    if parsed.ignored_columns:
        names = ", ".join(f"« {c} »" for c in parsed.ignored_columns)
        warnings.append(_("Colonnes non reconnues, ignorées : %(names)s.", names=names))
    warnings += [d.message_fr for d in parsed.duplicates]
    batch = ImportBatch(
        uploaded_by_id=author.id,
        filename=filename,
        size_bytes=len(data),
        checksum=checksum(data),
        status=ImportStatus.PREVIEW,
        warnings=warnings,
    )
    _store(batch, parsed.rows, parsed.labels, applied)
    db.session.add(batch)
    db.session.flush()
    return batch


def _dry_run(rows: list[ParsedRow], labels: dict[str, str], author: User, filename: str):
    savepoint = db.session.begin_nested()
    try:
        return apply_rows(rows, labels, author, filename)
    finally:
        savepoint.rollback()


def _store(batch: ImportBatch, rows: list[ParsedRow], labels: dict[str, str], applied) -> None:
    stored = []
    for row, outcome in zip(rows, applied.outcomes, strict=True):
        stored.append({**row_to_json(row), "outcome": outcome.as_json()})
    batch.rows = stored
    batch.counts = {**applied.counts, "labels": labels}
    batch.row_count = applied.counts["rows"]
    batch.error_count = applied.counts["errors"]


def batch_rows(batch: ImportBatch) -> list[ParsedRow]:
    return [row_from_json(data) for data in batch.rows]


def batch_labels(batch: ImportBatch) -> dict[str, str]:
    return dict((batch.counts or {}).get("labels") or {})


class ImportHasErrors(DomainError):
    """The commit found rows in error: nothing written (409, with the preview)."""


def commit_batch(batch: ImportBatch, author: User) -> Applied:
    """Write every row, or none: refused (DomainError, nothing kept) when the batch is no
    longer in preview or when a row is in error now — the preview is then brought up to
    date by the caller (`refresh_preview`)."""
    if batch.status is ImportStatus.COMMITTED:
        raise DomainError(_("Ce fichier a déjà été importé : rien n’a été réécrit."), batch)
    if batch.status is not ImportStatus.PREVIEW:
        raise DomainError(_("Cet import a été abandonné : déposez le fichier à nouveau."), batch)
    rows = batch_rows(batch)
    applied = apply_rows(rows, batch_labels(batch), author, batch.filename)
    if not applied.ok:
        raise ImportHasErrors(
            _(
                "Import refusé : %(rows)s. Rien n’a été écrit ; corrigez le fichier puis "
                "déposez-le à nouveau.",
                rows=_rows_in_error(applied),
            ),
            batch,
        )
    _store(batch, rows, batch_labels(batch), applied)
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = utcnow()
    batch.committed_by_id = author.id
    db.session.flush()
    record_event(
        "import_committed",
        batch,
        changes={name: [None, applied.counts[name]] for name in COUNT_NAMES},
    )
    return applied


def _rows_in_error(applied: Applied) -> str:
    return _("%(num)s ligne(s) en erreur", num=applied.counts["errors"])


def refresh_preview(batch: ImportBatch, author: User) -> None:
    """After a refused commit (rolled back): the preview as the database stands now."""
    rows = batch_rows(batch)
    labels = batch_labels(batch)
    _store(batch, rows, labels, _dry_run(rows, labels, author, batch.filename))
    db.session.flush()


def abandon_batch(batch: ImportBatch) -> None:
    if batch.status is not ImportStatus.PREVIEW:
        raise DomainError(_("Seul un import en attente de validation peut être abandonné."), batch)
    batch.status = ImportStatus.ABANDONED
    db.session.flush()
