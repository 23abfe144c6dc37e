"""Features: a folder of capintra/ declares, in its `feature.py`, what it adds to the
application; `create_app` collects the declarations from `capintra.FEATURES`.

A feature declares its blueprints, its models (Alembic and the audit classification
check find them there), what runs once when the application is set up (SQLAlchemy
listeners), and its dashboard sections. Nothing outside the folder names it but the
FEATURES list: see docs/architecture.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, current_app

#: Where the application keeps its features: app.extensions[EXTENSION_KEY].
EXTENSION_KEY = "capintra.features"


@dataclass(frozen=True)
class DashboardSection:
    """A section of the dashboard, shown to whoever holds `capability`: `template`
    rendered with what `context()` returns."""

    capability: str
    template: str
    context: Callable[[], dict[str, Any]]


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


def dashboard_sections() -> list[DashboardSection]:
    return [section for feature in features() for section in feature.dashboard_sections]


def navigation() -> list[NavItem]:
    items = [item for feature in features() for item in feature.navigation]
    return sorted(items, key=lambda item: item.order)


def declared(kind: str) -> list[Any]:
    """Every feature's declarations of one kind (`"tabs"`, `"document_owners"`…)."""
    return [item for feature in features() for item in getattr(feature, kind)]
