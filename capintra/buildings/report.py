"""The occupancy report (issue 11, item 6): per operation and per building, as of a
date, the units, occupied, vacant, walled up, households still to rehouse and the target
vacancy date, with each operation's totals; on a page and as CSV. The counts are the
buildings' list's (`queries.all_building_rows`: one statement for every building); the
totals are added up from them. The CSV is an export: an audit event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, request
from flask_babel import gettext as _

from capintra.audit.changes import until_changed
from capintra.audit.service import record_event
from capintra.buildings import pages, queries
from capintra.buildings.queries import BuildingFilters, BuildingRow, ListedOperation
from capintra.database import writes
from capintra.extensions import db
from capintra.security import require
from capintra.text import lazy_gettext as _l
from capintra.web.exports import csv_bytes, csv_response
from capintra.web.formatting import date_fr
from capintra.web.htmx import render

bp = Blueprint("occupancy_report", __name__)

#: The CSV's column headers: a stable contract for whoever reads the file.
CSV_HEADERS = (
    _l("Opération"),
    _l("Immeuble"),
    _l("Commune"),
    _l("Logements"),
    _l("Occupés"),
    _l("Vacants"),
    _l("Murés"),
    _l("Ménages à reloger"),
    _l("Date de libération visée"),
)


@dataclass
class Totals:
    units: int = 0
    occupied: int = 0
    vacant: int = 0
    walled_up: int = 0
    to_rehouse: int = 0

    def add(self, row: BuildingRow | Totals) -> None:
        self.units += row.units
        self.occupied += row.occupied
        self.vacant += row.vacant
        self.walled_up += row.walled_up
        self.to_rehouse += row.to_rehouse


@dataclass
class OperationBlock:
    operation: ListedOperation
    rows: list[BuildingRow] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    buildings: int = 0


@dataclass
class OccupancyReport:
    on: date
    operations: list[OperationBlock]
    totals: Totals


def occupancy_report(on: date, operation_id: int | None = None) -> OccupancyReport:
    """The report on `on` (one operation's buildings, or all): one SQL statement."""
    rows = queries.all_building_rows(on, BuildingFilters(operation_id=operation_id))
    blocks: dict[int, OperationBlock] = {}
    totals = Totals()
    for row in rows:
        block = blocks.setdefault(row.operation.id, OperationBlock(row.operation))
        block.rows.append(row)
        block.buildings += 1
        block.totals.add(row)
        totals.add(row)
    return OccupancyReport(on, list(blocks.values()), totals)


def _asked() -> tuple[date, int | None]:
    filters = BuildingFilters.from_args(request.args)
    return pages.day_asked(), filters.operation_id


def kept_report(on: date, operation_id: int | None) -> OccupancyReport:
    """The page's report, computed again only after a change (capintra.audit.changes:
    every building is counted, a second at 50,000 households). Of all operations, their
    totals only: a line per building (thousands at scale) once an operation is chosen,
    and all of them in the CSV."""

    def compute() -> OccupancyReport:
        report = occupancy_report(on, operation_id)
        if operation_id is None:
            for block in report.operations:
                block.rows = []
        return report

    return until_changed(("buildings.occupancy_report", on, operation_id), compute)


@bp.get("/occupancy")
@require("report.view")
def view():
    on, operation_id = _asked()
    return render(
        "buildings/occupancy_report.html",
        report=kept_report(on, operation_id),
        operation_id=operation_id,
        operations=queries.operations_with_buildings(),
    )


@bp.get("/occupancy.csv")
@require("report.view")
@writes  # an export is an audit event
def csv():
    on, operation_id = _asked()
    report = occupancy_report(on, operation_id)
    data = csv_bytes([str(h) for h in CSV_HEADERS], csv_rows(report))
    # The audit trail labels tables, not reports: the event says in French what left.
    what = _("Rapport d’occupation au %(d)s", d=date_fr(on))
    if operation_id is not None and report.operations:
        what += " — " + report.operations[0].operation.name
    record_event("export", changes={_("Export"): [None, what], _("Format"): [None, "CSV"]})
    db.session.commit()
    return csv_response(data, f"occupation-{on.isoformat()}.csv")


def csv_rows(report: OccupancyReport):
    """A line per building, then its operation's total; the overall total last."""

    def counts(t: BuildingRow | Totals) -> list:
        return [t.units, t.occupied, t.vacant, t.walled_up, t.to_rehouse]

    for block in report.operations:
        for row in block.rows:
            yield [block.operation.name, row.address, row.commune, *counts(row),
                   date_fr(row.target_vacancy_date)]  # fmt: skip
        yield [block.operation.name, _("Total de l’opération"), "", *counts(block.totals), ""]
    yield [_("Toutes opérations"), _("Total général"), "", *counts(report.totals), ""]
