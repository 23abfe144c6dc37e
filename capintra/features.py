"""Features: a folder of capintra/ declares, in its `feature.py`, what it adds to the
application; `create_app` collects the declarations from `capintra.FEATURES`.

A feature declares its blueprints, its models (Alembic and the audit classification
check find them there), what runs once when the application is set up (SQLAlchemy
listeners), its dashboard sections, its demo data (`seed-demo`, capintra.demo) and
example values for the URL variables of its routes (the generated route tests).
Nothing outside the folder names it but the FEATURES list: see docs/architecture.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, current_app

if TYPE_CHECKING:
    from capintra.demo import DemoContext

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
class Feature:
    name: str
    #: (blueprint, url_prefix) pairs, registered in this order.
    blueprints: tuple[tuple[Blueprint, str | None], ...] = ()
    #: Every model of the feature (for Alembic's metadata and the audit classification).
    models: tuple[type, ...] = ()
    #: Called once per application: listeners, converters…
    setup: tuple[Callable[[Flask], None], ...] = ()
    dashboard_sections: tuple[DashboardSection, ...] = ()
    #: The feature's demo data: called by `seed-demo` in FEATURES order, inside the one
    #: transaction, with the shared capintra.demo.DemoContext.
    demo: Callable[[DemoContext], None] | None = None
    #: URL variable (as named in the routes, `<int:op_id>` → "op_id") → a function that
    #: creates a minimal valid row for it, flushes, and returns the value to put in the
    #: URL. It may take `values` (the variables already chosen, left to right; reading a
    #: missing one makes it through whichever feature declares it) and `route` (whose
    #: `rule` says which URL). The generated route tests use them.
    route_params: Mapping[str, Callable[..., object]] = field(default_factory=dict)


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


def dashboard_sections() -> list[DashboardSection]:
    return [section for feature in features() for section in feature.dashboard_sections]
