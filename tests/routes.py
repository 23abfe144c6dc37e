"""Every route of the application, enumerated from `app.url_map`, for the generated tests."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import lru_cache

import pytest
from flask import current_app

from capintra.security import ADMIN, CAPABILITIES, PUBLIC, Role
from tests.route_params import params_of

#: Methods a route may declare; anything else has no expectation and fails a test.
METHODS = ("GET", "POST")
#: Who the generated tests act as: "admin" is a manager with the admin flag.
ROLES = ("officer", "assistant", "manager", "admin")

_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    method: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.endpoint, self.method)

    @property
    def variables(self) -> list[str]:
        """URL variables, left to right."""
        return _VARIABLE.findall(self.rule)

    def __str__(self) -> str:
        return f"{self.method} {self.rule} ({self.endpoint})"


@lru_cache(maxsize=1)
def collection_app():
    """An app to read the url_map at collection time (no database is touched)."""
    import tempfile
    from pathlib import Path

    from tests.conftest import make_test_app

    return make_test_app("sqlite://", Path(tempfile.mkdtemp(prefix="capintra-routes-")))


def all_routes(app=None) -> list[Route]:
    app = app or collection_app()
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.rule, rule.endpoint, method))
    return sorted(found, key=lambda r: (r.rule, r.method))


def capability_of(app, endpoint: str) -> str | None:
    """The capability an endpoint declares through @require / @public (None: none)."""
    if endpoint == "static":
        return PUBLIC
    return getattr(app.view_functions[endpoint], "capability", None)


def role_holds(role: str, capability: str) -> bool:
    if capability == PUBLIC:
        return True
    roles = {str(Role.MANAGER), ADMIN} if role == "admin" else {role}
    return bool(roles & CAPABILITIES[capability])


def first_role_holding(capability: str) -> str | None:
    """Who to act as for a route: anonymous for public ones, else the first role holding it."""
    if capability == PUBLIC:
        return None
    return next((role for role in ROLES if role_holds(role, capability)), None)


class _Values(dict):
    """The values chosen so far for a URL's variables; reading one not chosen yet makes
    it through its maker (a document needs a household even when its URL names none)."""

    def __init__(self, params: dict, route: Route):
        super().__init__()
        self.params, self.route = params, route

    def __missing__(self, name: str):
        self[name] = _make(self.params, self.route, name, self)
        return self[name]


def _make(params: dict, route: Route, name: str, values: _Values):
    if name not in params:
        pytest.fail(
            f"{route}: no value for the URL variable <{name}>. Declare it in the feature "
            f"whose route it is: Feature(route_params={{{name!r}: a maker}}) in its "
            "feature.py, the maker in its demo.py (creates a minimal row, flushes, returns "
            "the value); test-only values go to TEST_PARAMS in tests/route_params.py.",
            pytrace=False,
        )
    make = params[name]
    arity = len(inspect.signature(make).parameters)
    if arity >= 2:  # (values so far, route): a variable whose meaning depends on the URL
        return make(values, route)
    if arity == 1:
        return make(values)
    return make()


def url_for_route(route: Route) -> str:
    """The route's URL with every variable filled by the features' declared makers
    (tests/route_params.py); what they made is committed, as the factories do.

    Must run inside the test's app context: the makers create rows.
    """
    from capintra.extensions import db

    params = params_of(current_app)
    values = _Values(params, route)
    for name in route.variables:
        if name not in values:
            values[name] = _make(params, route, name, values)
    db.session.commit()
    url = route.rule
    for name in route.variables:
        url = re.sub(rf"<(?:[^:<>]+:)?{re.escape(name)}>", str(values[name]), url, count=1)
    return url
