"""Every audited column, classified once: ordinary, personal or sensitive — by the feature
that owns it.

Each feature declares, next to its models, how the audit trail treats them
(`capintra.features.Audited`: every column's Kind and French label, the table's label)
and the actions it records (`Feature.actions`). This module merges the declarations of
the application's features once per application, and answers the flush listener
(service.py), the filter of sensitive field names (queries.py) and the history views
(labels.py). Audit events keep old → new values for ordinary columns only; for personal
and sensitive columns they keep the field name. A table or column declared nowhere
fails tests/audit/test_audit.py, so a new model cannot slip through unclassified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app

from capintra import features
from capintra.features import HIDDEN, ORD, Audited, Feature, Kind, Label
from capintra.text import lazy_gettext as _l

#: app.extensions key of the merged classification.
EXTENSION_KEY = "capintra.audit.classification"

#: The bookkeeping columns of capintra.models' mixins, on whatever table has them (a
#: feature's declaration overrides them).
BOOKKEEPING: dict[str, tuple[Kind, Label]] = {
    "id": (ORD, HIDDEN),
    "version": (ORD, HIDDEN),
    "created_at": (ORD, HIDDEN),
    "updated_at": (ORD, HIDDEN),
    "deleted_at": (ORD, _l("Supprimé le")),
}
#: Bookkeeping columns that change with every edit: their change alone makes no event.
BOOKKEEPING_SILENT = frozenset({"version", "updated_at"})


@dataclass(frozen=True)
class Table:
    """One audited table, as its feature declared it (bookkeeping columns added)."""

    name: str
    feature: str
    label: Label
    kinds: dict[str, Kind]
    #: Field → French label, or HIDDEN; columns and the fields of explicit events.
    labels: dict[str, Label]
    silent: frozenset[str]
    #: Columns without a label in the declaration (tests/audit/ fails on them).
    unlabelled: frozenset[str]


class UnclassifiedColumn(LookupError):
    """A column changed that no feature classified (tests/audit/ names it first)."""


@dataclass(frozen=True)
class Classification:
    tables: dict[str, Table]
    not_audited: frozenset[str]
    #: Action → French label, for every action of every feature.
    actions: dict[str, Label]
    #: Table → French label.
    table_labels: dict[str, Label]

    def is_audited(self, table: str | None) -> bool:
        return table is not None and table not in self.not_audited

    def kind_of(self, table: str, column: str) -> Kind:
        try:
            return self.tables[table].kinds[column]
        except KeyError:
            raise UnclassifiedColumn(
                f"{table}.{column} is not classified: declare it in the Audited(...) of "
                "its feature (capintra/<feature>/classification.py)"
            ) from None

    def is_silent(self, table: str, column: str) -> bool:
        silent = self.tables[table].silent if table in self.tables else BOOKKEEPING_SILENT
        return column in silent

    def is_sensitive(self, table: str | None, field: str) -> bool:
        found = self.tables.get(table or "")
        return found is not None and found.kinds.get(field) is Kind.SENSITIVE

    def field_label(self, table: str | None, field: str) -> tuple[bool, Label]:
        """(shown, label) of a changed field in a history: the table's label, else the
        bookkeeping one, else the field's name."""
        found = self.tables.get(table or "")
        if found is not None and field in found.labels:
            label = found.labels[field]
        elif field in BOOKKEEPING:
            label = BOOKKEEPING[field][1]
        else:
            return True, field
        return label is not HIDDEN, label


def _table(feature: Feature, declaration: Audited) -> Table:
    names = [column.name for column in declaration.model.__table__.columns]
    merged = {name: BOOKKEEPING[name] for name in names if name in BOOKKEEPING}
    merged.update(declaration.columns)
    kinds, labels, unlabelled = {}, {}, set()
    for name, value in merged.items():
        if isinstance(value, Kind):  # a Kind without its label
            kinds[name] = value
            unlabelled.add(name)
        else:
            kinds[name], labels[name] = value
    labels.update(declaration.event_fields)
    for capability, restricted in declaration.restricted.items():
        ordinary = sorted(name for name in restricted if kinds.get(name) is Kind.ORDINARY)
        if ordinary:  # the trail would keep their values for anyone to read
            raise ValueError(
                f"{declaration.table}: {ordinary} restricted to {capability} but ORDINARY"
            )
    silent = frozenset(declaration.silent) | (BOOKKEEPING_SILENT & set(names))
    return Table(
        name=declaration.table,
        feature=feature.name,
        label=declaration.label,
        kinds=kinds,
        labels=labels,
        silent=silent,
        unlabelled=frozenset(unlabelled),
    )


def collect(app_features: Iterable[Feature]) -> Classification:
    """Merge the features' declarations; two features may not declare the same table, nor
    give the same action two labels."""
    tables: dict[str, Table] = {}
    not_audited: set[str] = set()
    actions: dict[str, Label] = {}
    for feature in app_features:
        for declaration in feature.audited:
            table = _table(feature, declaration)
            if table.name in tables:
                raise ValueError(
                    f"table {table.name} declared by {tables[table.name].feature} "
                    f"and {feature.name}"
                )
            tables[table.name] = table
        not_audited |= {model.__table__.name for model in feature.not_audited}
        for action, label in feature.actions.items():
            if action in actions and str(actions[action]) != str(label):
                raise ValueError(f"action {action!r} has two labels ({feature.name})")
            actions.setdefault(action, label)
    both = not_audited & set(tables)
    if both:
        raise ValueError(f"tables both audited and not: {sorted(both)}")
    return Classification(
        tables=tables,
        not_audited=frozenset(not_audited),
        actions=actions,
        table_labels={name: table.label for name, table in tables.items()},
    )


def classification() -> Classification:
    """The current application's classification, merged once and kept in app.extensions."""
    found = current_app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = current_app.extensions[EXTENSION_KEY] = collect(features.features())
    return found
