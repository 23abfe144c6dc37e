"""The relocation report (issue 11, item 5): the page, its diffusion version, the
exports and the charts, all under `report.view` (officers and managers)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _

from capintra import clock
from capintra.audit.changes import detached, until_changed
from capintra.audit.service import record_event
from capintra.database import writes
from capintra.extensions import db
from capintra.reports import charts, exports, figures
from capintra.reports.queries import Filters
from capintra.reports.report import (
    AGE_LABELS,
    COUNT_LABELS,
    EMPLOYMENT_LABELS,
    REFUSAL_LABELS,
    RESOURCE_LABELS,
    SECTOR_LABELS,
    SIZE_LABELS,
    Report,
    build,
)
from capintra.security import can, require
from capintra.web.formatting import date_fr

bp = Blueprint("reports", __name__)


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


def _int(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def filters() -> Filters:
    """`from`, `to` (ISO dates, both included) and `operation`; a value that cannot be
    read is ignored (the form shows it empty)."""
    return Filters(start=_date("from"), end=_date("to"), operation_id=_int("operation"))


def _args(f: Filters) -> dict:
    args = {}
    if f.start:
        args["from"] = f.start.isoformat()
    if f.end:
        args["to"] = f.end.isoformat()
    if f.operation_id:
        args["operation"] = f.operation_id
    return args


def kept_report(f: Filters, on: date, *, per_building: bool) -> Report:
    """The report as the page and the charts read it, computed again only after a change
    (capintra.audit.changes: seconds at 50,000 households). Without the exports' rows
    (thousands of records), and detached from the request's session."""

    def compute() -> Report:
        report = build(f, on, per_building=per_building, records=False)
        report.rows = []
        records = {*report.all_operations, *(line.operation for line in report.operations)}
        records.update(line.building for line in report.building_lines if line.building)
        detached(records)
        return report

    return until_changed(("reports.relocation", f, on, per_building), compute)


def _page(diffusion: bool):
    f = filters()
    # A line per building when one operation is chosen: all of them (thousands at scale)
    # only in the exports.
    report = kept_report(f, clock.today(), per_building=f.operation_id is not None)
    args = _args(f)

    def shown(count):
        return figures.masked(count, diffusion)

    return render_template(
        "reports/relocation.html",
        report=report,
        diffusion=diffusion,
        args=args,
        shown=shown,
        enough=(not diffusion) or report.total.relocated >= figures.DIFFUSION_THRESHOLD,
        # An average over one or two households is their amount: those who may not read
        # individual finances (managers) read the costs over 5 households or more.
        costs_shown=(can("household.finances") and not diffusion)
        or report.costs.known >= figures.DIFFUSION_THRESHOLD,
        count_labels=COUNT_LABELS,
        size_labels=SIZE_LABELS,
        age_labels=AGE_LABELS,
        resource_labels=RESOURCE_LABELS,
        employment_labels=EMPLOYMENT_LABELS,
        sector_labels=SECTOR_LABELS,
        refusal_labels=REFUSAL_LABELS,
        ceilings=figures.CEILINGS,
        ceilings_year=figures.CEILINGS_YEAR,
        threshold=figures.DIFFUSION_THRESHOLD,
    )


@bp.get("/relocation")
@require("report.view")
def relocation():
    return _page(diffusion=False)


@bp.get("/relocation/diffusion")
@require("report.view")
def relocation_diffusion():
    return _page(diffusion=True)


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export(fmt: str, diffusion: bool) -> Response:
    f = filters()
    report: Report = build(f, clock.today())
    if diffusion:
        head, rows = exports.DIFFUSION_HEADERS, exports.diffusion_rows(report)
    else:
        amounts = can("household.finances")
        head, rows = exports.headers(amounts), exports.household_rows(report, amounts)
    version = "diffusion" if diffusion else "complete"
    record_event(
        "export",
        entity_type="report",
        changes={
            "report": [None, "relocation"],
            "version": [None, version],
            "format": [None, fmt],
            "rows": [None, len(rows)],
            "filters": [None, {k: str(v) for k, v in _args(f).items()}],
        },
    )
    db.session.commit()
    stem = f"rapport-relogement{'-diffusion' if diffusion else ''}-{clock.today().isoformat()}"
    if fmt == "csv":
        return _download(exports.to_csv(head, rows), "text/csv", f"{stem}.csv")
    title = _("Diffusion") if diffusion else _("Relogés")
    return _download(
        exports.to_xlsx(title, head, rows),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{stem}.xlsx",
    )


@bp.get("/relocation.csv")
@require("report.view")
@writes  # every export is an audit event
def relocation_csv():
    return _export("csv", diffusion=False)


@bp.get("/relocation.xlsx")
@require("report.view")
@writes
def relocation_xlsx():
    return _export("xlsx", diffusion=False)


@bp.get("/relocation/diffusion.csv")
@require("report.view")
@writes
def relocation_diffusion_csv():
    return _export("csv", diffusion=True)


@bp.get("/relocation/diffusion.xlsx")
@require("report.view")
@writes
def relocation_diffusion_xlsx():
    return _export("xlsx", diffusion=True)


def _svg(svg: str, styles: list[str]) -> Response:
    response = Response('<?xml version="1.0" encoding="utf-8"?>\n' + svg, mimetype="image/svg+xml")
    # Its own policy: the chart's <style> elements by hash, no script (capintra.web.headers
    # keeps a policy the view set).
    response.headers["Content-Security-Policy"] = charts.svg_csp(styles)
    return response


def building_label(line) -> str:
    target = line.target
    suffix = _(" (libération visée le %(date)s)", date=date_fr(target)) if target else ""
    return f"{line.building.address}{suffix}"


@bp.get("/relocation/months.svg")
@require("report.view")
def chart_months():
    report = kept_report(filters(), clock.today(), per_building=True)
    return _svg(
        *charts.months_chart(
            report,
            _("Relogements définitifs par mois et ménages restant à reloger"),
            _("Relogés dans le mois"),
            _("Restant à reloger en fin de mois"),
        )
    )


@bp.get("/relocation/buildings.svg")
@require("report.view")
def chart_buildings():
    report = kept_report(filters(), clock.today(), per_building=True)
    labels = [building_label(line) for line in report.progress_lines]
    return _svg(
        *charts.buildings_chart(
            report,
            _("Part des ménages relogés ou partis, par immeuble (%)"),
            _("Relogés ou partis (%)"),
            labels,
        )
    )
