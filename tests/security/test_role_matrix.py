"""The role matrix: every route × method × (anonymous, each role, admin) → its status.

Generated from `app.url_map` and `capintra.security.CAPABILITIES`, so a new route is
covered the day it is added: it must declare a capability (@require / @public), its URL
variables must have a value in tests/route_params.py, and if its normal answer is not
the default (GET 200, POST with an empty form 422) it is written in EXPECTED below.
Every answer also carries the security headers, and every page passes the CSP checks.
"""

from __future__ import annotations

import pytest

from capintra.security import CAPABILITIES, PUBLIC, require
from tests.checks import assert_csp_safe_html, assert_local_redirect, assert_security_headers
from tests.conftest import Browser, csrf_token_from, login, make_test_app, rolled_back
from tests.routes import (
    METHODS,
    ROLES,
    all_routes,
    capability_of,
    collection_app,
    role_holds,
    url_for_route,
)

PRINCIPALS = ("anonymous", "anonymous-htmx", *ROLES)

#: The normal answer of a route to whoever may use it, GET as is, POST with an empty form
#: (and a valid CSRF token), where it differs from DEFAULT. A dict gives answers per
#: principal, "default" for the others.
EXPECTED: dict[tuple[str, str], int | dict[str, int]] = {
    ("auth.login", "GET"): {"anonymous": 200, "anonymous-htmx": 200, "default": 302},
    ("auth.logout", "POST"): 303,
    ("admin.index", "GET"): 302,
}
DEFAULT = {"GET": 200, "POST": 422}


def expected_status(route, principal: str) -> int:
    expected = EXPECTED.get(route.key, DEFAULT[route.method])
    if isinstance(expected, dict):
        return expected.get(principal, expected.get("default", DEFAULT[route.method]))
    return expected


def pytest_generate_tests(metafunc):
    if {"route", "principal"} <= set(metafunc.fixturenames):
        cases = [(route, who) for route in all_routes() for who in PRINCIPALS]
        metafunc.parametrize(
            ("route", "principal"),
            cases,
            ids=[f"{route.method}-{route.endpoint}-{who}" for route, who in cases],
        )


def _anonymous(client, *, needs_token: bool) -> Browser:
    """A visitor; with a CSRF token only where one gets past the sign-in check."""
    browser = Browser(client)
    browser.token = "none"
    if needs_token:
        browser.token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return browser


def test_route(client, make, route, principal):
    capability = capability_of(client.application, route.endpoint)
    assert capability is not None, (
        f"{route}: the view declares no capability. Decorate it with "
        "@require('<capability of capintra.security.CAPABILITIES>') or @public."
    )
    assert route.method in METHODS, f"{route}: only GET and POST routes are expected"
    anonymous = principal.startswith("anonymous")
    if anonymous:
        browser = _anonymous(client, needs_token=capability == PUBLIC and route.method == "POST")
    else:
        browser = login(client, make.user(principal))
    url = url_for_route(route)
    headers = {"HX-Request": "true"} if principal == "anonymous-htmx" else {}
    if route.method == "GET":
        response = browser.get(url, headers=headers)
    else:
        response = browser.post(url, data={}, headers=headers)
    status = response.status_code
    where = f"{route} as {principal}"

    allowed = capability == PUBLIC if anonymous else role_holds(principal, capability)
    if allowed:
        expected = expected_status(route, principal)
        assert status == expected, f"{where}: {status}, expected {expected} (EXPECTED?)"
    elif principal == "anonymous-htmx":
        assert status == 401, f"{where}: {status}"
        assert response.headers.get("HX-Redirect") == "/login", where
    elif anonymous:
        assert status == 302, f"{where}: {status}"
        assert assert_local_redirect(response, where) == "/login", where
    else:
        assert status == 403, f"{where}: {status}"

    assert_security_headers(response, personal=route.endpoint != "static", where=where)
    if 300 <= status < 400:
        assert_local_redirect(response, where)
    if response.mimetype == "text/html":
        assert_csp_safe_html(response.get_data(as_text=True), where)


def test_every_endpoint_declares_a_capability():
    app = collection_app()
    missing = sorted(
        {r.endpoint for r in all_routes(app) if capability_of(app, r.endpoint) is None}
    )
    assert not missing, f"endpoints without @require/@public: {missing}"


def test_declared_capabilities_exist_and_hold_known_roles():
    app = collection_app()
    for route in all_routes(app):
        capability = capability_of(app, route.endpoint)
        assert capability == PUBLIC or capability in CAPABILITIES, route
    for capability, roles in CAPABILITIES.items():
        assert roles <= {"officer", "assistant", "manager", "admin"}, capability
        assert roles, f"{capability}: nobody holds it"


def test_only_the_public_list_is_public():
    """The login page, the health check and static files: nothing else without sign-in."""
    app = collection_app()
    public = {r.endpoint for r in all_routes(app) if capability_of(app, r.endpoint) == PUBLIC}
    assert public == {"auth.login", "web.healthz", "static"}


def test_unknown_capability_is_refused_at_declaration():
    with pytest.raises(KeyError):
        require("no.such.capability")


@pytest.fixture
def app_with_undeclared_route(database_url, tmp_path):
    """A second app with a view that forgot @require, and one that crashes."""
    app = make_test_app(database_url, tmp_path)

    @app.get("/forgotten")
    def forgotten():
        return "should never be served"

    @app.get("/crash")
    @require("dashboard.view")
    def crash():
        raise RuntimeError("secret detail in a traceback")

    with rolled_back(app):
        yield app


@pytest.mark.parametrize("role", ROLES)
def test_undeclared_endpoint_answers_403_at_runtime(app_with_undeclared_route, role):
    from tests import factories

    client = app_with_undeclared_route.test_client()
    browser = login(client, factories.user(role))
    response = browser.get("/forgotten")
    assert response.status_code == 403
    assert "should never be served" not in response.get_data(as_text=True)
    anonymous = app_with_undeclared_route.test_client().get("/forgotten")
    assert anonymous.status_code == 302


def test_unexpected_error_is_a_clean_500(app_with_undeclared_route):
    from tests import factories

    client = app_with_undeclared_route.test_client()
    browser = login(client, factories.user("officer"))
    response = browser.get("/crash")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret detail" not in body
    assert "Erreur interne" in body
    assert_security_headers(response)
    htmx = browser.get("/crash", headers={"HX-Request": "true"})
    assert htmx.status_code == 500 and "<html" not in htmx.get_data(as_text=True)
