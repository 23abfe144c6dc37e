"""French labels of audit actions, audited tables and changed fields, for history views.

The labels are declared by the features, next to their models (capintra.features.Audited,
Feature.actions), and merged by capintra.audit.classification.
"""

import datetime as dt

from flask_babel import gettext as _

from capintra.audit.classification import classification
from capintra.audit.queries import reads_every_field, shown_changes
from capintra.extensions import db
from capintra.text import lazy_gettext as _l
from capintra.text import translated
from capintra.web.formatting import date_fr, datetime_fr


def action_labels() -> dict:
    """Action → French label, as the application's features declare them."""
    return classification().actions


def entity_labels() -> dict:
    """Table → French label, as the application's features declare them."""
    return classification().table_labels


def _label(enum_class, value):
    """An enum code's French label (the code itself when unknown)."""
    if enum_class is None:
        return value
    try:
        return getattr(enum_class(value), "label", value)
    except ValueError:
        return value


def _display_value(table, field: str, value):
    """A stored value as users read it: enum labels, French dates, oui/non."""
    if value is None:
        return "∅"
    if isinstance(value, dict):
        return _display_filters(value)
    if isinstance(value, bool):
        return str(_l("oui") if value else _l("non"))
    column = table.columns.get(field) if table is not None else None
    enum_class = getattr(getattr(column, "type", None), "enum_class", None)
    if isinstance(value, list):
        # A list of codes (a JSON column): labelled by the enum its column's info names.
        codes = column.info.get("enum") if column is not None else None
        return ", ".join(str(_label(codes, v)) for v in value) if value else "∅"
    if enum_class is not None:
        return _label(enum_class, value)
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                return date_fr(dt.date.fromisoformat(value))
            return datetime_fr(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


#: French labels of the fields explicit events carry without a table of their own (an
#: export's description).
EVENT_FIELDS = {
    "export": _l("Export"),
    "report": _l("Rapport"),
    "version": _l("Version"),
    "format": _l("Format"),
    "rows": _l("Lignes"),
    "filters": _l("Filtres"),
    # what the commands record of their runs (backup, retention)
    "tables": _l("Tables"),
    "documents": _l("Documents"),
    "applied_lists": _l("Bordereaux appliqués"),
    "listed_lines": _l("Lignes inscrites"),
    "social_notes": _l("Notes de suivi"),
    "supporting_documents": _l("Justificatifs"),
    "whole_file": _l("Dossiers entiers"),
    "skipped": _l("Lignes écartées"),
}


def _display_filters(value: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in value.items()) if value else "∅"


#: Actions whose changes are facts about the action (an export's kind and format), not
#: a value replacing another: shown « Format : PDF », not « Format : ∅ → PDF ».
CHANGING_ACTIONS = frozenset({"update", "delete", "purge"})


def present_changes(event, changes: dict | None = None) -> list[tuple[str, object, object, bool]]:
    """(label, old, new, has_values) rows for an event (or the given subset of its changes);
    `old` is None for a fact recorded with an action that changes nothing (an export)."""
    changes = event.changes if changes is None else changes
    if not changes:
        return []
    table = db.metadata.tables.get(event.entity_type or "")
    classes = classification()
    rows = []
    for field, values in changes.items():
        shown, label = classes.field_label(event.entity_type, field)
        if not shown:
            continue
        if label == field and field in EVENT_FIELDS:
            label = EVENT_FIELDS[field]
        label = translated(label)  # (translated once per catalogue, not per row)
        if values is None or event.action == "create":
            rows.append((label, None, None, False))
            continue
        if isinstance(values, list | tuple) and len(values) == 2:
            old, new = values
        else:  # a bare value: a command's count, an order's reason
            old, new = None, values
        shown_old = (
            None
            if old is None and event.action not in CHANGING_ACTIONS
            else _display_value(table, field, old)
        )
        rows.append((label, shown_old, _display_value(table, field, new), True))
    return rows


def change_in_words(label: str, old, new, has_values: bool) -> str:
    """One row of present_changes as text (CSV, PDF): « label : old → new »."""
    if not has_values:
        return label
    if old is None:
        return _("%(field)s : %(new)s", field=label, new=new)
    return _("%(field)s : %(old)s → %(new)s", field=label, old=old, new=new)


def history_context(events: list, named: bool = False) -> dict:
    """What templates/audit/_history_table.html reads, for a record's history tab.
    `named`: each row names its record (a building's history: which unit, which arrêté)."""
    from capintra.audit.naming import name_records  # naming reads these labels

    sensitive = reads_every_field()
    return {
        "events": events,
        "action_labels": action_labels(),
        "entity_labels": entity_labels(),
        "present_changes": lambda event: present_changes(event, shown_changes(event, sensitive)),
        "names": name_records(events) if named else None,
    }
