"""The export itself: the features' sections (capintra.personal_data) in FEATURES order,
as JSON (stable English keys, values as stored) and as a French PDF for the officer to
review before handing it over (WeasyPrint over templates/subject_access/print.html)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _

from capintra import clock
from capintra.audit.classification import classification
from capintra.extensions import db
from capintra.features import personal_data
from capintra.households.models import Household
from capintra.personal_data import PersonalDataSection, Record
from capintra.subject_access.models import AccessRequest
from capintra.web.formatting import date_fr, datetime_fr, floor_label, money, number_fr

#: The JSON's own version: a reader of the file knows which shape it has.
FORMAT_VERSION = 1


def sections(household: Household) -> list[PersonalDataSection]:
    return personal_data(household)


def as_json(
    household: Household, found: list[PersonalDataSection], access: AccessRequest | None
) -> bytes:
    data = {
        "format_version": FORMAT_VERSION,
        "generated_at": clock.now().isoformat(),
        "household_reference": household.reference,
        "access_request": None
        if access is None
        else {"id": access.id, "requested_on": access.requested_on.isoformat()},
        "sections": {section.key: section.as_json() for section in found},
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


# --- the PDF --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownRecord:
    """A record as the PDF prints it: (French label, text) rows, then its related rows."""

    rows: list[tuple[str, str]]
    related: list[tuple[str, list[tuple[str, str]]]]


def _enum_label(column, value) -> Any:
    enum_class = getattr(getattr(column, "type", None), "enum_class", None)
    codes = enum_class or (column.info.get("enum") if column is not None else None)
    if codes is None:
        return None
    try:
        return getattr(codes(value), "label", value)
    except ValueError:
        return value


def display(table: str, name: str, value: Any) -> str:
    """A stored (JSON) value as a French reader reads it."""
    column = db.metadata.tables[table].columns.get(name) if table in db.metadata.tables else None
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if name.endswith("_cents") and isinstance(value, int):
        return money(value)
    if name.endswith("_dm2") and isinstance(value, int):  # surfaces are kept in dm²
        return _("%(m2)s m²", m2=number_fr(Decimal(value) / 100))
    if name == "floor" and isinstance(value, int):
        return floor_label(value)
    if isinstance(value, list):
        return ", ".join(str(_enum_label(column, v) or v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    label = _enum_label(column, value)
    if label is not None:
        return str(label)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return date_fr(dt.date.fromisoformat(value))
            return datetime_fr(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _rows(record: Record) -> list[tuple[str, str]]:
    if record.shown is not None:
        return [(str(label), text) for label, text in record.shown]
    classes = classification()
    rows = []
    for name, value in record.values.items():
        if value is None or value == "" or value == []:
            continue
        shown, label = classes.field_label(record.table, name)
        if not shown or name.endswith("_id"):  # keys: the related rows name them
            continue
        rows.append((str(label), display(record.table, name, value)))
    return rows


def _related(record: Record, prefix: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    found = []
    for related in record.related.values():
        title = f"{prefix}{related.label}" if related.label else prefix
        found.append((title, _rows(related)))
        found.extend(_related(related, f"{title} — "))
    return found


def shown(record: Record) -> ShownRecord:
    """A related row said in one line (a note's author, the file's operation) joins the
    record's rows under its own label: « Auteur : Claire Morel »."""
    rows, blocks = _rows(record), []
    if record.shown is not None:  # said in words already (an audit event)
        return ShownRecord(rows, blocks)
    for title, related_rows in _related(record):
        if len(related_rows) == 1:
            rows.append((title, related_rows[0][1]))
        else:
            blocks.append((title, related_rows))
    return ShownRecord(rows, blocks)


def pdf(
    household: Household, found: list[PersonalDataSection], access: AccessRequest | None
) -> bytes:
    from weasyprint import HTML

    html = render_template(
        "subject_access/print.html",
        household=household,
        sections=[(section, [shown(r) for r in section.records]) for section in found],
        access=access,
        generated_at=clock.now(),
        for_pdf=True,
    )
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()
