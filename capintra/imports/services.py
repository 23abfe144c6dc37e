"""Importing the occupancy spreadsheet: upload → preview → commit (issue 9, DESIGN §3).

The file is read by `capintra.buildings.importing` (pure). Here its rows are played
against what the database holds: buildings matched by normalised address within the
operation or created, units matched by building and lot or created, a household file per
occupant (`households.services.create_households`), a period per occupied row.

**Played in memory, written in bulk.** `apply_rows` reads, in a fixed number of
queries, what the database holds for the file (`_Index`: buildings by address key, units
by lot, their live periods with their occupants' names), then plays every row against
it with the services' own rules — the occupancy rules are `buildings.rules`, the very
functions `buildings.services.add_period` applies, so a row and a form are refused alike
and in the same words — and with the file's earlier rows (a building or a period a
previous row adds counts for the next). It writes nothing: it gives each row's outcome
and the plan of what to write.

- The upload (preview) runs it and stores the outcomes: nothing else is written.
- The commit runs it again (after locking the matched buildings' units on PostgreSQL, so
  the periods it reads stay true; SQLite: the POST holds the write lock), refuses all
  when any row is in error, and otherwise writes the plan by kind — buildings, units,
  household files (one block of reference numbers), principal then hosted periods,
  notes — in a handful of flushes. The flush listeners still do their work per object:
  every object written gets its own audit event (a household file's history shows its
  creation, a unit's its condition), every household its search terms; they run once
  per flush over all its objects, which is what makes 10,000 rows take seconds rather
  than minutes (a flush per row did: each flush pays the listeners' queries).
- A constraint the rules cannot see (a reference number, a lot, an open period written
  by a concurrent request) makes the flush fail: the commit is refused, « réessayez »,
  and the caller rolls everything back.

A row already in the database (same unit, same occupant, same entry date) is reported
« déjà présent » and left alone. A new household file holds no amounts on hold and no
open period, so `add_period`'s checks of those have nothing to find for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capintra import clock
from capintra.admin.models import Operation
from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.buildings import rules
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
from capintra.households.models import Household, Member, Note, NoteKind, Relation
from capintra.imports.models import ImportBatch, ImportStatus
from capintra.models import utcnow
from capintra.text import normalise

#: The largest spreadsheet accepted (a 10,000-row CSV is about 1 MB), and its most rows:
#: the upload and the commit each play every row inside one request, which a gunicorn
#: worker must answer within its 60 s timeout (`tools/bench_import.py` times 10,000
#: rows: see docs/bench.md). A larger sheet is imported in several files.
MAX_IMPORT_SIZE = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000

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


@dataclass(eq=False)
class _BuildingPlan:
    """A building the file names: found in the database (`building`) or to create."""

    operation_id: int
    address: str
    commune: str
    building: Building | None = None
    new: bool = False


@dataclass(eq=False)
class _UnitPlan:
    """A unit the file names, as the rows leave it: its condition, its remark and its
    live periods (those in the database, then those the rows open), each with its
    occupant's folded name."""

    building: _BuildingPlan
    lot: str
    unit: Unit | None = None
    new: bool = False
    floor: int = 0
    unit_type: UnitType = UnitType.AUTRE
    surface_dm2: int | None = None
    condition: UnitCondition = UnitCondition.NORMAL
    remark: str = ""
    periods: list[tuple[Any, str]] = field(default_factory=list)


@dataclass(eq=False)
class _HouseholdPlan:
    data: dict[str, Any]
    outcome: RowOutcome
    note: str = ""
    household: Household | None = None
    #: The head of the household as the sheet names them (its member row).
    head: Member | None = None


@dataclass(eq=False)
class _PeriodPlan:
    """A period a row opens (the fields `buildings.rules` reads, and what to write)."""

    unit: _UnitPlan
    start_date: date
    kind: OccupancyKind
    status: OccupantStatus
    rent_cents: int | None
    occupant_label: str = ""
    household: _HouseholdPlan | None = None
    #: the principal period a hosted one lives in: an `Occupancy` or a `_PeriodPlan`
    host: Any = None
    end_date: date | None = None
    period: Occupancy | None = None


@dataclass
class _Plan:
    """What the rows write, by kind, in row order."""

    buildings: list[_BuildingPlan] = field(default_factory=list)
    units: list[_UnitPlan] = field(default_factory=list)
    households: list[_HouseholdPlan] = field(default_factory=list)
    periods: list[_PeriodPlan] = field(default_factory=list)
    #: units of the database whose condition or remark the rows change
    changed_units: dict[int, _UnitPlan] = field(default_factory=dict)


class _Index:
    """What the database already holds for the rows' operations: buildings by address
    key, units by lot, live periods by unit — read in a fixed number of queries. With
    `lock` (the commit), the rows' operations are locked first, then the matched
    buildings' units (`SELECT … FOR UPDATE` on PostgreSQL, as `add_period` locks its
    unit; SQLite: the POST holds the write lock already), so the buildings and periods
    read next stay true until the commit."""

    def __init__(self, rows: list[ParsedRow], *, lock: bool = False):
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
        #: (operation id, address key) → building; (…, lot key) → unit
        self.buildings: dict[tuple[int, str], _BuildingPlan] = {}
        self.units: dict[tuple[int, str, str], _UnitPlan] = {}
        if not wanted_ops:
            return
        if lock:
            # Two commits into one operation take turns (PostgreSQL: its row locked, the
            # key left shareable so other files may still point to it): the second reads
            # the buildings the first created and matches them instead of creating them
            # again — nothing else would stop it, an address is not unique.
            db.session.execute(
                select(Operation.id)
                .where(Operation.id.in_(wanted_ops))
                .order_by(Operation.id)
                .with_for_update(key_share=True)
            )
        by_id: dict[int, tuple[int, str]] = {}
        for building in db.session.scalars(
            select(Building)
            .where(Building.operation_id.in_(wanted_ops), Building.deleted_at.is_(None))
            .order_by(Building.id)
        ):
            if building.address_key in keys:
                key = (building.operation_id, building.address_key)
                if key not in self.buildings:
                    self.buildings[key] = _BuildingPlan(
                        building.operation_id, building.address, building.commune, building
                    )
                    by_id[building.id] = key
        if not by_id:
            return
        building_ids = list(by_id)
        if lock:
            db.session.execute(
                select(Unit.id).where(Unit.building_id.in_(building_ids)).with_for_update()
            )
        units: dict[int, _UnitPlan] = {}
        for unit in db.session.scalars(
            select(Unit)
            .where(Unit.building_id.in_(building_ids), Unit.deleted_at.is_(None))
            .order_by(Unit.id)
        ):
            building = self.buildings[by_id[unit.building_id]]
            key = (*by_id[unit.building_id], _lot_key(unit.lot_number))
            if key not in self.units:
                self.units[key] = units[unit.id] = _UnitPlan(
                    building,
                    unit.lot_number,
                    unit,
                    condition=unit.condition,
                    remark=unit.remark or "",
                )
        for period, name in db.session.execute(
            select(Occupancy, Household.name)
            .join(Unit, Unit.id == Occupancy.unit_id)
            .outerjoin(Household, Household.id == Occupancy.household_id)
            .where(Unit.building_id.in_(building_ids), Occupancy.deleted_at.is_(None))
            .order_by(Occupancy.id)
        ):
            if period.unit_id in units:
                occupant = name if period.household_id else period.occupant_label
                units[period.unit_id].periods.append((period, normalise(occupant or "")))

    def known_operations(self) -> str:
        return ", ".join(f"« {op.name} »" for op in self.operations.values())


def _lot_key(lot: str) -> str:
    return normalise(lot) or lot.strip()


def _already_there(unit: _UnitPlan, row: ParsedRow) -> bool:
    """A live period of the unit with this occupant and this entry date."""
    name = normalise(row.occupant)
    return any(
        occupant == name and period.start_date == row.start_date
        for period, occupant in unit.periods
    )


@dataclass
class Applied:
    outcomes: list[RowOutcome]
    counts: dict[str, int]
    plan: _Plan = field(default_factory=_Plan)

    @property
    def ok(self) -> bool:
        return self.counts["errors"] == 0


def apply_rows(
    rows: list[ParsedRow], labels: dict[str, str], filename: str, *, lock: bool = False
) -> Applied:
    """Play every row in memory against what the database holds (`_Index`), with the
    services' rules: what each row gives or why it is refused, and the plan of what to
    write. Nothing is written. A refused row gets the rule's message; the other rows are
    still played."""
    index = _Index(rows, lock=lock)
    today = clock.today()
    counts = dict.fromkeys(COUNT_NAMES, 0)
    counts["rows"] = len(rows)
    outcomes: list[RowOutcome] = []
    plan = _Plan()
    #: (operation id, address key, lot key) → the row that first described the unit.
    described: dict[tuple[int, str, str], int] = {}

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

        _play(row, out, index, plan, operation, filename, today, described, labels)
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
    return Applied(outcomes, counts, plan)


def _play(
    row: ParsedRow,
    out: RowOutcome,
    index: _Index,
    plan: _Plan,
    operation: Operation,
    filename: str,
    today: date,
    described: dict[tuple[int, str, str], int],
    labels: dict[str, str],
) -> None:
    """One row, in memory: its building and unit found or planned, its period checked by
    `buildings.rules` against the unit's periods (the database's and the earlier rows'),
    its muré checked against them, its observations placed."""

    def error(name: str, message: str) -> None:
        out.errors.append([_label(labels, name), message])

    key = (operation.id, address_key(row.address, row.commune))
    building = index.buildings.get(key)
    if building is None:
        building = _BuildingPlan(operation.id, row.address, row.commune, new=True)
        index.buildings[key] = building
        plan.buildings.append(building)
        out.building = "created"
    elif building.new:
        out.building = "in_file"  # created by an earlier row of this file
    else:
        out.building = "matched"

    lot = (*key, _lot_key(row.lot))
    first = described.get(lot)
    hosted = row.status == "hébergé"
    if first is not None and not hosted:
        error(
            "lot",
            _(
                "Le lot %(lot)s de cet immeuble figure déjà ligne %(row)d : une ligne par "
                "logement (sauf un occupant hébergé).",
                lot=row.lot,
                row=first,
            ),
        )
        return
    described.setdefault(lot, row.row_number)
    unit = index.units.get(lot)
    if unit is None:
        unit = _UnitPlan(
            building,
            row.lot,
            new=True,
            floor=row.floor if row.floor is not None else 0,
            unit_type=UNIT_TYPES.get(row.unit_type or "", UnitType.AUTRE),
            surface_dm2=_surface_dm2(row.surface),
        )
        index.units[lot] = unit
        plan.units.append(unit)
        out.unit = "created"
    else:
        out.unit = "matched"  # in the database, or described by an earlier row

    occupied = not row.vacant and row.status is not None
    if occupied:
        if out.unit == "matched" and _already_there(unit, row):
            out.present = True
            return
        kind = OccupancyKind.HOSTED if hosted else OccupancyKind.PRINCIPAL
        periods = [period for period, _name in unit.periods]
        host = None
        if kind is OccupancyKind.PRINCIPAL:
            clash = rules.principal_clash(periods, row.start_date, None)
            if clash is not None:
                error("status", rules.overlap_message(clash))
                return
        else:
            host = rules.host_of(periods, row.start_date)
            if host is None:
                error("status", rules.no_host_message(row.start_date))
                return
        period = _PeriodPlan(
            unit, row.start_date, kind, STATUSES[row.status], row.rent_cents, host=host
        )
        if row.non_household:
            period.occupant_label = row.occupant
            out.occupant = "label"
        else:
            period.household = _HouseholdPlan(
                {
                    "name": row.occupant,
                    "operation_id": operation.id,
                    "address": building.address,
                    "commune": building.commune,
                    "phone": row.phone[:40],
                },
                out,
            )
            plan.households.append(period.household)
            out.occupant = "household"
            if row.observations:
                period.household.note = _observation(row.observations, filename)
                out.note = True
        plan.periods.append(period)
        unit.periods.append((period, normalise(row.occupant)))
        out.period = True
    elif row.condition == "muré" and unit.condition is not UnitCondition.MURE:
        if rules.occupied((period for period, _name in unit.periods), today):
            error(
                "status",
                _(
                    "Le lot %(lot)s est occupé aujourd’hui d’après capintra : terminez "
                    "l’occupation avant de le déclarer muré.",
                    lot=row.lot,
                ),
            )
            return
        unit.condition = UnitCondition.MURE
        out.walled_up = True
    if row.observations and not out.note and row.observations not in unit.remark:
        unit.remark = f"{unit.remark}\n{row.observations}" if unit.remark else row.observations
        out.remark = True
    if unit.unit is not None and (out.walled_up or out.remark):
        plan.changed_units[unit.unit.id] = unit
    if out.unit == "matched" and not (out.period or out.walled_up or out.remark):
        out.present = True


def _write(applied: Applied, author: User) -> None:
    """The plan written by kind, in a handful of flushes (each flush's listeners — the
    audit trail, the household search key — handle all its objects at once)."""
    plan = applied.plan
    today = clock.today()
    for building in plan.buildings:
        building.building = Building(
            operation_id=building.operation_id, address=building.address, commune=building.commune
        )
    db.session.add_all([b.building for b in plan.buildings])
    db.session.flush()

    for unit in plan.units:
        unit.unit = Unit(
            building_id=unit.building.building.id,
            lot_number=unit.lot,
            floor=unit.floor,
            unit_type=unit.unit_type,
            surface_dm2=unit.surface_dm2,
            condition=unit.condition,
            remark=unit.remark,
        )
    db.session.add_all([u.unit for u in plan.units])
    for unit in plan.changed_units.values():  # only what the rows change (the audit trail)
        if unit.condition is not unit.unit.condition:
            unit.unit.condition = unit.condition
        if unit.remark != (unit.unit.remark or ""):
            unit.unit.remark = unit.remark
    db.session.flush()

    created = household_services.create_households([h.data for h in plan.households], author)
    for household, made in zip(plan.households, created, strict=True):
        household.household = made
        household.outcome.household_reference = made.reference
    # Each new file's composition starts with its head, named as in the sheet.
    heads = [
        Member(household_id=h.household.id, relation=Relation.CHEF, **head_names(h.data["name"]))
        for h in plan.households
    ]
    db.session.add_all(heads)

    # Principal periods first: a hosted one names its host's id.
    for kind in (OccupancyKind.PRINCIPAL, OccupancyKind.HOSTED):
        batch = []
        for period in plan.periods:
            if period.kind is not kind:
                continue
            host = period.host
            if isinstance(host, _PeriodPlan):
                host = host.period
            period.period = Occupancy(
                unit_id=period.unit.unit.id,
                household_id=period.household.household.id if period.household else None,
                occupant_label=period.occupant_label,
                kind=period.kind,
                host_id=None if host is None else host.id,
                status=period.status,
                start_date=period.start_date,
                rent_cents=period.rent_cents,
            )
            batch.append(period.period)
        db.session.add_all(batch)
        db.session.flush()

    notes = []
    for household in plan.households:
        if household.note:
            note = Note(household_id=household.household.id, kind=NoteKind.AUTRE, note_date=today)
            household_services.save_note(note, {"body": household.note, "shared": True}, author)
            notes.append(note)
    db.session.add_all(notes)
    db.session.flush()


def head_names(name: str) -> dict[str, str]:
    """The sheet's occupant as a member's names: the words in capitals (« KACI », « DA
    SILVA ») are the last name, the others the first name (« Aïcha »); a name with no
    word in capitals is the last name whole."""
    words = name.split()
    last = [w for w in words if w.isupper() or not any(c.isalpha() for c in w)]
    first = [w for w in words if w not in last]
    if not last or not first:
        return {"last_name": name.strip()[:100], "first_name": ""}
    return {"last_name": " ".join(last)[:100], "first_name": " ".join(first)[:100]}


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
    applied = apply_rows(parsed.rows, parsed.labels, filename)
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
    applied = apply_rows(rows, batch_labels(batch), batch.filename, lock=True)
    if not applied.ok:
        raise ImportHasErrors(
            _(
                "Import refusé : %(rows)s. Rien n’a été écrit ; corrigez le fichier puis "
                "déposez-le à nouveau.",
                rows=_rows_in_error(applied),
            ),
            batch,
        )
    try:
        _write(applied, author)
    except IntegrityError:
        # A constraint the rules could not see: a unit, a lot or an open period written
        # by another request at the same moment. The caller rolls everything back.
        raise DomainError(
            _(
                "Quelqu’un a enregistré un immeuble, un logement ou une occupation du "
                "fichier au même moment : rien n’a été écrit, réessayez."
            ),
            batch,
        ) from None
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
    _store(batch, rows, labels, apply_rows(rows, labels, batch.filename))
    db.session.flush()


def abandon_batch(batch: ImportBatch) -> None:
    if batch.status is not ImportStatus.PREVIEW:
        raise DomainError(_("Seul un import en attente de validation peut être abandonné."), batch)
    batch.status = ImportStatus.ABANDONED
    db.session.flush()
