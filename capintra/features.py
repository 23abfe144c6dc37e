"""Features: a folder of capintra/ declares, in its `feature.py`, what it adds to the
application; `create_app` collects the declarations from `capintra.FEATURES`.

A feature declares its blueprints, its models (Alembic and the audit classification
check find them there), how the audit trail treats each model (`Audited`: the class of
every column and the French labels) and the actions it records, what runs once when the
application is set up (SQLAlchemy listeners), its dashboard sections and menu entries,
what in it can be confidential, its record pages and tabs, the records that own
documents, its demo data (`seed-demo`, capintra.demo), example values for the URL
variables of its routes (the generated route tests), the values it computes for other
features (`provides`, read through the core: `provider(name)`), and the notices the
daily job sends (`due_notices`, run by `flask notify-due`). Nothing
outside the folder names it but the FEATURES list: see docs/architecture.md.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, current_app

if TYPE_CHECKING:
    from capintra.demo import DemoContext
    from capintra.personal_data import PersonalDataSection

#: Where the application keeps its features: app.extensions[EXTENSION_KEY].
EXTENSION_KEY = "capintra.features"


@dataclass(frozen=True)
class DashboardSection:
    """A section of the dashboard, shown to whoever holds `capability`: `template`
    rendered with what `context()` returns."""

    capability: str
    template: str
    context: Callable[[], dict[str, Any]]
    #: Place on the dashboard (lowest first; equal: in the features' order).
    order: int = 100


class Kind(enum.StrEnum):
    """What the audit trail keeps of a column's change: old → new values for an ordinary
    column; only the field's name for a personal or sensitive one. Sensitive field names
    (health, note bodies…) are shown only to who may read confidential content."""

    ORDINARY = "ordinary"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


ORD, PER, SEN = Kind.ORDINARY, Kind.PERSONAL, Kind.SENSITIVE

#: The label of a column never shown in a history (bookkeeping: keys, sort columns…).
HIDDEN = None

#: A French label: a lazy_gettext string (flask_babel), or HIDDEN.
Label = Any


@dataclass(frozen=True)
class Audited:
    """How the audit trail treats one model: its table's French label and, for every
    column, its Kind and French label, e.g.

        Audited(Household, _l("Dossier"), {"name": (PER, _l("Nom")), ...},
                silent={"sort_name"})

    The bookkeeping columns of capintra.models' mixins (id, version, created_at,
    updated_at, deleted_at) are classified by the audit package; a feature declares
    them only to say otherwise. tests/audit/ fails on a column declared nowhere.
    """

    model: type
    label: Label
    #: column name → (Kind, French label or HIDDEN).
    columns: Mapping[str, tuple[Kind, Label]]
    #: Columns whose change alone makes no event (explicit events cover them).
    silent: frozenset[str] = frozenset()
    #: French labels of other names found in the changes of this table's explicit events.
    event_fields: Mapping[str, Label] = field(default_factory=dict)
    #: capability → the columns only its holders read (and write). For anyone else these
    #: fields do not exist: pages, fragments, forms, history, audit trail, search, exports
    #: (capintra.confidentiality.may_read_field). Never ORDINARY: the trail keeps no value.
    restricted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Values computed from columns (a model property) → (French label, the columns it is
    #: computed from): readable only by who may read every one of them.
    derived: Mapping[str, tuple[Label, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.model.__table__.name


@dataclass(frozen=True)
class RecordNamer:
    """How the audit trail names the rows of one table (capintra.audit.naming).

    `query(ids)` selects, for the rows of `ids` (an expanding bound parameter: `… .in_
    (ids)`; the trail builds the statement once and binds the ids at each page), their
    id, the id the link goes to (the row's own, its building's, its order's) and up to
    three texts (strings, or NULL);
    `name(row)` turns one such row (`NamedRow`) into (French name, URL or None). The
    trail puts every table's query of a page into one statement (UNION ALL): a page of
    events is named in one query, whatever its length and its kinds of record."""

    query: Callable[[Any], Any]
    name: Callable[[NamedRow], tuple[str, str | None]]


@dataclass(frozen=True)
class NamedRow:
    """A row a RecordNamer's query selected: the record's id, the id its link goes to,
    and its texts (None when the query selected fewer, or NULL)."""

    id: int
    link: int | None
    a: str | None = None
    b: str | None = None
    c: str | None = None


@dataclass(frozen=True)
class NavItem:
    """An entry of the main menu, shown to whoever holds `capability`."""

    endpoint: str
    label: Any
    capability: str
    order: int


@dataclass(frozen=True)
class Feature:
    name: str
    #: (blueprint, url_prefix) pairs, registered in this order.
    blueprints: tuple[tuple[Blueprint, str | None], ...] = ()
    #: Every model of the feature (for Alembic's metadata and the audit classification).
    models: tuple[type, ...] = ()
    #: Called once per application: listeners, converters…
    setup: tuple[Callable[[Flask], None], ...] = ()
    dashboard_sections: tuple[DashboardSection, ...] = ()
    #: Main menu entries (capintra.features.NavItem), placed by their `order`.
    navigation: tuple[NavItem, ...] = ()
    #: What in the feature can be confidential (capintra.confidentiality.Confidential).
    confidential: tuple[Any, ...] = ()
    #: Record pages it serves (capintra.web.pages.RecordPage) and the tabs it adds to
    #: any record page, its own or another feature's (capintra.web.pages.Tab).
    pages: tuple[Any, ...] = ()
    tabs: tuple[Any, ...] = ()
    #: Records that may own documents (capintra.documents.owners.DocumentOwner).
    document_owners: tuple[Any, ...] = ()
    #: How the audit trail treats each model (every model is in `audited` or `not_audited`).
    audited: tuple[Audited, ...] = ()
    #: Models the audit trail ignores (the trail itself, the session store, indexes…).
    not_audited: tuple[type, ...] = ()
    #: The audit actions the feature records (record_event), with their French labels.
    actions: Mapping[str, Label] = field(default_factory=dict)
    #: How the audit trail names a record of the feature: table → its RecordNamer (a
    #: query of the rows' names, put with the other tables' into one statement per page
    #: of events, never one per event). capintra.audit.naming.
    record_names: Mapping[str, RecordNamer] = field(default_factory=dict)
    #: The feature's demo data: called by `seed-demo` in FEATURES order, inside the one
    #: transaction, with the shared capintra.demo.DemoContext.
    demo: Callable[[DemoContext], None] | None = None
    #: URL variable (as named in the routes, `<int:op_id>` → "op_id") → a function that
    #: creates a minimal valid row for it, flushes, and returns the value to put in the
    #: URL. It may take `values` (the variables already chosen, left to right; reading a
    #: missing one makes it through whichever feature declares it) and `route` (whose
    #: `rule` says which URL). The generated route tests use them.
    route_params: Mapping[str, Callable[..., object]] = field(default_factory=dict)
    #: Values the feature computes for others, by name: a feature reads them through the
    #: core (`provider(name)`), never by importing this one. The name's contract (its
    #: arguments and answer) lives in the core module that reads it, e.g.
    #: capintra.housing.HOUSING_COSTS.
    provides: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    #: The daily notices (`flask notify-due`, capintra.notifications.due): each producer
    #: takes the day, adds its notifications in the current transaction through
    #: capintra.notifications.services (a dedup key per thing, so that a second run the
    #: same day adds none) and returns how many it created.
    due_notices: tuple[Callable[[date], int], ...] = ()
    #: Its part of a household's right-of-access export (capintra.personal_data): each
    #: function takes the household and returns the section(s) of what the feature holds
    #: on it, that household's rows only; capintra.subject_access assembles them in
    #: FEATURES order.
    personal_data: tuple[
        Callable[[Any], PersonalDataSection | Iterable[PersonalDataSection]], ...
    ] = ()


def load(modules: Iterable[str]) -> list[Feature]:
    """The FEATURE of each `<module>.feature`, in the given order."""
    return [importlib.import_module(f"{module}.feature").FEATURE for module in modules]


def install(app: Flask, features: list[Feature]) -> None:
    for feature in features:
        for blueprint, url_prefix in feature.blueprints:
            app.register_blueprint(blueprint, url_prefix=url_prefix)
        for setup in feature.setup:
            setup(app)
    app.extensions[EXTENSION_KEY] = features


def features() -> list[Feature]:
    """The current application's features."""
    return current_app.extensions[EXTENSION_KEY]


def route_params(declared: Iterable[Feature]) -> dict[str, Callable[..., object]]:
    """The URL variables the features declare; two features may not declare the same."""
    merged: dict[str, Callable[..., object]] = {}
    owner: dict[str, str] = {}
    for feature in declared:
        for name, make in feature.route_params.items():
            if name in merged:
                raise ValueError(
                    f"URL variable <{name}> declared by both {owner[name]!r} and {feature.name!r}"
                )
            merged[name], owner[name] = make, feature.name
    return merged


def provider(name: str) -> Callable[..., Any] | None:
    """The function a feature provides under `name` (Feature.provides), None when no
    feature of the application provides it; two features may not provide the same."""
    found = [feature.provides[name] for feature in features() if name in feature.provides]
    if len(found) > 1:
        raise ValueError(f"{name!r} provided by several features")
    return found[0] if found else None


def dashboard_sections() -> list[DashboardSection]:
    found = [section for feature in features() for section in feature.dashboard_sections]
    return sorted(found, key=lambda section: section.order)


def personal_data(household: Any) -> list[PersonalDataSection]:
    """Every feature's sections of the household's export, by their `order`, then in
    FEATURES order."""
    from capintra.personal_data import PersonalDataSection

    found: list[PersonalDataSection] = []
    for feature in features():
        for make in feature.personal_data:
            made = make(household)
            found.extend([made] if isinstance(made, PersonalDataSection) else made)
    return sorted(found, key=lambda section: section.order)


def navigation() -> list[NavItem]:
    items = [item for feature in features() for item in feature.navigation]
    return sorted(items, key=lambda item: item.order)


def declared(kind: str) -> list[Any]:
    """Every feature's declarations of one kind (`"tabs"`, `"document_owners"`…)."""
    return [item for feature in features() for item in getattr(feature, kind)]
