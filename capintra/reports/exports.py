"""The relocation report's exports: CSV (`;`, UTF-8 with a BOM, so spreadsheets read
the accents) and XLSX (openpyxl).

Complete version (officers and managers): one row per final relocation of the period,
by household reference only — no name, no address, nothing confidential. Stable column
headers, in this order:

    Référence ; Opération ; Immeuble (n°) ; Décohabitation ; Relogement temporaire
    préalable ; Date du relogement ; Secteur ; Bailleur ; Commune ; Sur site ; Quartier
    prioritaire ; Logement social neuf ou de moins de 5 ans ; Minoration de loyer ;
    Typologie ; Surface (m²) ; Propositions formelles ; Jours du premier entretien au
    relogement ; then the costs:

- readers of individual finances (`household.finances`: officers) get the amounts:
  Reste à charge avant (€) ; Reste à charge après (€) ; Taux d'effort avant ;
  Taux d'effort après ; Reste à charge au m² avant (€) ; Reste à charge au m² après (€) ;
  Reste à charge non augmenté
- the others (managers, DESIGN §1) get bands, never an amount:
  Reste à charge avant (tranche) ; Reste à charge après (tranche) ;
  Taux d'effort avant (tranche) ; Taux d'effort après (tranche) ; Reste à charge non augmenté

Diffusion version (partners, the board): no row per household; one line per figure,
`Périmètre ; Indicateur ; Valeur`, every count below 5 written « < 5 ».

Text cells a spreadsheet would read as a formula (starting with =, +, -, @) are written
as text (capintra.web.exports.neutralise; in the XLSX, a string cell).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from capintra.relocation.models import Typology
from capintra.reports import figures
from capintra.reports.queries import RelocatedRow
from capintra.reports.report import (
    AGE_LABELS,
    COUNT_LABELS,
    EMPLOYMENT_LABELS,
    REFUSAL_LABELS,
    RESOURCE_LABELS,
    SECTOR_LABELS,
    SIZE_LABELS,
    Report,
)
from capintra.web.exports import csv_bytes
from capintra.web.formatting import cents_to_decimal

COMMON_HEADERS = (
    "Référence",
    "Opération",
    "Immeuble (n°)",
    "Décohabitation",
    "Relogement temporaire préalable",
    "Date du relogement",
    "Secteur",
    "Bailleur",
    "Commune",
    "Sur site",
    "Quartier prioritaire",
    "Logement social neuf ou de moins de 5 ans",
    "Minoration de loyer",
    "Typologie",
    "Surface (m²)",
    "Propositions formelles",
    "Jours du premier entretien au relogement",
)
AMOUNT_HEADERS = (
    "Reste à charge avant (€)",
    "Reste à charge après (€)",
    "Taux d’effort avant",
    "Taux d’effort après",
    "Reste à charge au m² avant (€)",
    "Reste à charge au m² après (€)",
    "Reste à charge non augmenté",
)
BAND_HEADERS = (
    "Reste à charge avant (tranche)",
    "Reste à charge après (tranche)",
    "Taux d’effort avant (tranche)",
    "Taux d’effort après (tranche)",
    "Reste à charge non augmenté",
)
DIFFUSION_HEADERS = ("Périmètre", "Indicateur", "Valeur")


def headers(amounts: bool) -> tuple[str, ...]:
    return COMMON_HEADERS + (AMOUNT_HEADERS if amounts else BAND_HEADERS)


def _yes(value: bool) -> str:
    return "oui" if value else "non"


def _not_risen(row: RelocatedRow) -> str:
    before, after = row.relocation.remaining_before_cents, row.relocation.remaining_after_cents
    if before is None or after is None:
        return ""
    return _yes(after <= before)


def household_rows(report: Report, amounts: bool) -> list[list[object]]:
    """The complete version's rows as typed values (date, Decimal, int, str)."""
    names = {line.operation.id: line.operation.name for line in report.operations}
    rows = []
    for row in report.rows:
        r = row.relocation
        values: list[object] = [
            row.reference,
            names.get(row.operation_id, ""),
            row.building_id,
            _yes(row.split),
            _yes(row.had_temporary),
            r.relocated_on,
            str(SECTOR_LABELS.get(str(r.sector), r.sector)),
            row.landlord,
            r.commune,
            _yes(r.on_site),
            _yes(r.priority_neighbourhood),
            _yes(r.new_social_housing),
            _yes(r.rent_reduction_grant),
            Typology(r.unit_type).label if r.unit_type else None,
            r.surface_m2,
            row.formal_offers,
            row.days_to_relocation,
        ]
        if amounts:
            values += [
                cents_to_decimal(r.remaining_before_cents),
                cents_to_decimal(r.remaining_after_cents),
                r.effort_before,
                r.effort_after,
                cents_to_decimal(
                    figures.per_m2_cents(r.remaining_before_cents, r.before_surface_dm2)
                ),
                cents_to_decimal(figures.per_m2_cents(r.remaining_after_cents, r.surface_dm2)),
                _not_risen(row),
            ]
        else:
            values += [
                figures.remaining_band(r.remaining_before_cents),
                figures.remaining_band(r.remaining_after_cents),
                figures.effort_band(r.effort_before),
                figures.effort_band(r.effort_after),
                _not_risen(row),
            ]
        rows.append(values)
    return rows


def _scope_name(line) -> str:
    if line.building is None:
        return "sans immeuble"
    return line.building.address


def diffusion_rows(report: Report) -> list[list[object]]:
    """Périmètre, indicateur, valeur: counts masked below 5; shares and averages only over
    at least 5 households (else « < 5 »)."""
    rows: list[list[object]] = []

    def counts(scope: str, counts) -> None:
        for name, label in COUNT_LABELS:
            rows.append([scope, str(label), figures.masked(getattr(counts, name), True)])

    counts("Total", report.total)
    for op in report.operations:
        counts(op.operation.name, op.counts)
        for line in op.buildings:
            counts(f"{op.operation.name} — {_scope_name(line)}", line.counts)

    def breakdown(title: str, counter, labels) -> None:
        for key, n in counter.items():
            label = labels.get(key, key) if labels else key
            rows.append(["Total", f"{title} : {label}", figures.masked(n, True)])

    breakdown("Composition", report.composition, SIZE_LABELS)
    breakdown("Âge du chef de ménage", report.ages, AGE_LABELS)
    breakdown("Ressources / plafonds", report.resources, RESOURCE_LABELS)
    breakdown("Activité du chef de ménage", report.employment, EMPLOYMENT_LABELS)
    d = report.destinations
    breakdown("Secteur", d.sector, SECTOR_LABELS)
    breakdown("Bailleur", d.landlord, {"": "non renseigné"})
    breakdown("Commune", d.commune, {"": "non renseignée"})
    breakdown("Sur site", {_yes(k): v for k, v in d.on_site.items()}, None)
    breakdown(
        "Quartier prioritaire", {_yes(k): v for k, v in d.priority_neighbourhood.items()}, None
    )
    breakdown("Logement social neuf ou < 5 ans",
              {_yes(k): v for k, v in d.new_social_housing.items()}, None)  # fmt: skip
    breakdown("Minoration de loyer", {_yes(k): v for k, v in d.rent_reduction_grant.items()}, None)
    breakdown("Motif de refus", report.refusals, REFUSAL_LABELS)
    enough = report.total.relocated >= figures.DIFFUSION_THRESHOLD
    rows.append(["Total", "Propositions formelles par ménage relogé (moyenne)",
                 report.average_formal_offers if enough else figures.MASKED])  # fmt: skip
    rows.append(["Total", "Jours du premier entretien au relogement (médiane)",
                 report.median_days if enough else figures.MASKED])  # fmt: skip
    rows.append(["Total", "Reste à charge non augmenté",
                 figures.masked(report.costs.not_risen, True)])  # fmt: skip
    return rows


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def to_csv(head: Iterable[str], rows: Iterable[list[object]]) -> bytes:
    """The shared CSV (capintra.web.exports): `;`, UTF-8 with a BOM, CRLF, no formula;
    dates, amounts and yes/no written in French first."""
    return csv_bytes(head, rows, written=_csv_text)


def _number_format(title: str) -> str | None:
    """Amounts in euros and rates as percentages, as a French spreadsheet shows them."""
    if "(€)" in title:
        return '#,##0.00 "€"'
    if title.startswith(("Taux d'effort", "Taux d’effort")) and "(tranche)" not in title:
        return "0.0%"
    return None


#: Characters XML 1.0 cannot hold (controls but tab and line breaks, surrogates, U+FFFE and
#: U+FFFF): written in a sheet, they make the file one no spreadsheet opens.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_xlsx(title: str, head: Iterable[str], rows: Iterable[list[object]]) -> bytes:
    """A one-sheet workbook: dates as dates, amounts and rates as numbers; every text cell
    a string cell, never a formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    head = list(head)
    sheet.append(head)
    formats = [_number_format(title) for title in head]
    # The row's number counted here: `sheet.max_row` looks at every cell written so far
    # (quadratic: minutes for the 6,000 buildings of a diffusion export).
    for line, row in enumerate(rows, start=2):
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=line, column=column)
            if isinstance(value, bool):
                value = _yes(value)
            if isinstance(value, str):
                cell.value = _NOT_XML.sub("\ufffd", value)
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "DD/MM/YYYY"
            else:
                cell.value = value
                if formats[column - 1] and isinstance(value, int | float | Decimal):
                    cell.number_format = formats[column - 1]
    for cell in sheet[1]:
        cell.data_type = "s"
    for column, title in enumerate(head, start=1):  # a column as wide as its title
        sheet.column_dimensions[get_column_letter(column)].width = max(10, len(title) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
