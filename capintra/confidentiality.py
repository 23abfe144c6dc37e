"""The one confidentiality policy: items that may be confidential, and who sees them.

A feature declares what in it can be confidential (`Confidential(Note, ...)` in its
feature.py). For a reader without the rule's capability, a confidential item does not
exist: lists, counts, dashboards, search, history, the audit trail and downloads all
filter through `visible()` (SQL) or `may_see()` (a loaded object), and loaders answer
404. Nothing else in the code decides who sees a confidential item.

Fields too: a feature's `Audited(..., restricted={capability: columns}, derived=...)`
says which columns (and values computed from them) only a capability's holders read —
health details for officers, finances for assistants and officers. For anyone else the
field does not exist: `may_read_field(obj, name)` (templates: `shows(obj, name)`) decides
what a page, a form, a file's history and the audit trail show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_login import current_user
from sqlalchemy import ColumnElement, true

from capintra.features import Feature, features
from capintra.security import CAPABILITIES, user_can

#: app.extensions key of the merged field rules.
FIELDS_KEY = "capintra.confidentiality.fields"


@dataclass(frozen=True)
class Confidential:
    """`model`'s rows whose boolean column `column` is true are confidential: only holders
    of `capability` see them. `shared_action`: what the audit trail shows, to those who
    could not see the item, when it stops being confidential (its confidential past stays
    hidden).

    `column=None`: every row is, always (a household's partners, for managers): the
    model's rows and all their events, purges included, do not exist for the others."""

    model: type
    column: str | None = "confidential"
    capability: str = "household.confidential"
    shared_action: str | None = None

    @property
    def entity_type(self) -> str:
        return self.model.__tablename__

    @property
    def always(self) -> bool:
        return self.column is None

    def hidden(self) -> ColumnElement[bool]:
        """SQL: the row is confidential."""
        if self.column is None:
            return true()
        return getattr(self.model, self.column).is_(True)

    def is_hidden(self, obj: Any) -> bool:
        if self.column is None:
            return True
        return bool(getattr(obj, self.column, False))


def rules() -> list[Confidential]:
    """Every feature's declared confidential items."""
    return [rule for feature in features() for rule in feature.confidential]


def rule_for(model: type) -> Confidential | None:
    for rule in rules():
        if rule.model is model:
            return rule
    return None


def user_may_see_confidential(user: Any, model: type) -> bool:
    """Whether `user` sees `model`'s confidential rows (True when it has none)."""
    rule = rule_for(model)
    return rule is None or user_can(user, rule.capability)


def confidential_by_default(author: Any, model: type, shared: bool | None) -> bool:
    """Whether an item of `model` that `author` writes (a note, an upload) is confidential.

    The one rule (DESIGN §1): for those who see the model's confidential items (officers),
    confidential unless they share it (`shared` None: not said, so confidential); for
    anyone else, always shared, whatever was posted: nobody writes what they could not
    read back. A model without a `Confidential` rule is never confidential.
    """
    rule = rule_for(model)
    if rule is None or not user_can(author, rule.capability):
        return False
    return not shared


def visible(model: type) -> ColumnElement[bool]:
    """SQL filter: the rows of `model` the current user may see."""
    return visible_when(model, sees_confidential(model))


def sees_confidential(model: type) -> bool:
    """Whether the current user sees `model`'s confidential rows (True when it has none)."""
    return user_may_see_confidential(current_user, model)


def visible_when(model: type, sees_all: bool) -> ColumnElement[bool]:
    """SQL filter: the rows of `model` someone may see who sees its confidential rows
    (`sees_all`) or not: for a statement built once per answer of `sees_confidential`."""
    rule = rule_for(model)
    if rule is None or sees_all:
        return true()
    return ~rule.hidden()


def may_see(obj: Any) -> bool:
    """Whether the current user may see this loaded object."""
    rule = rule_for(type(obj))
    return rule is None or user_can(current_user, rule.capability) or not rule.is_hidden(obj)


def hidden_rules() -> list[Confidential]:
    """The rules whose confidential items the current user may not see."""
    return [rule for rule in rules() if not user_can(current_user, rule.capability)]


# --- restricted fields ---------------------------------------------------------------------

#: table → field (column or derived value) → the capabilities needed to read it (all).
FieldRules = dict[str, dict[str, frozenset[str]]]


def collect_field_rules(app_features: list[Feature]) -> FieldRules:
    """The features' restricted columns and derived values, by table. A derived value
    needs every capability its inputs need; an input is a column of the same table, or
    `table.column` of another feature's table (a household's remaining charge is computed
    from its occupancy period's rent)."""
    declarations = [d for feature in app_features for d in feature.audited]
    columns = {d.table: {c.name for c in d.model.__table__.columns} for d in declarations}
    needed: dict[str, dict[str, set[str]]] = {}
    for declaration in declarations:
        table = needed.setdefault(declaration.table, {})
        for capability, names in declaration.restricted.items():
            if capability not in CAPABILITIES:
                raise KeyError(f"unknown capability {capability!r} ({declaration.table})")
            for name in names:
                if name not in columns[declaration.table]:
                    raise ValueError(f"{declaration.table}.{name}: restricted, not a column")
                table.setdefault(name, set()).add(capability)
    for declaration in declarations:
        table = needed[declaration.table]
        for name, (_label, inputs) in declaration.derived.items():
            found: set[str] = set()
            for source in inputs:
                other, _dot, column = source.rpartition(".")
                other = other or declaration.table
                if column not in columns.get(other, ()):
                    raise ValueError(f"{declaration.table}.{name}: unknown input {source!r}")
                found |= needed[other].get(column, set())
            table[name] = found
    tables: FieldRules = {}
    for name, fields in needed.items():
        rules = {field: frozenset(caps) for field, caps in fields.items() if caps}
        if rules:
            tables[name] = rules
    return tables


def field_rules() -> FieldRules:
    """The current application's field rules, merged once."""
    found = current_app.extensions.get(FIELDS_KEY)
    if found is None:
        found = current_app.extensions[FIELDS_KEY] = collect_field_rules(features())
    return found


def _table_of(target: Any) -> str:
    """A table name, from itself, a model class or a loaded object."""
    if isinstance(target, str):
        return target
    return target.__tablename__


def user_may_read_field(user: Any, target: Any, name: str) -> bool:
    """Whether `user` reads the field `name` of `target` (a row, a model or a table)."""
    needed = field_rules().get(_table_of(target), {}).get(name, frozenset())
    return all(user_can(user, capability) for capability in needed)


def may_read_field(target: Any, name: str) -> bool:
    """Whether the current user reads this field (templates: `shows(obj, name)`)."""
    return user_may_read_field(current_user, target, name)


def unreadable_fields(target: Any, user: Any = None) -> frozenset[str]:
    """The fields of `target` the user (default: the current one) may not read."""
    user = current_user if user is None else user
    rules = field_rules().get(_table_of(target), {})
    return frozenset(
        name for name, needed in rules.items() if not all(user_can(user, c) for c in needed)
    )
