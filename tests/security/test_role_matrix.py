"""The role matrix: every route × method × (anonymous, each role, admin) → its status.

Generated from `app.url_map`, so a new route is covered the day it is added; its
expected statuses come from the hand-written table in tests/security/role_table.py (the
independent oracle, read against DESIGN §1), never from `capintra.security.CAPABILITIES`.
A route missing from the table, or a line of the table naming no route, fails with a
message saying which line to add or remove. Routes that name a note or a document are
also played on a confidential one (HIDDEN_TABLE). Every answer also carries the security
headers, and every page passes the CSP checks.
"""

from __future__ import annotations

import re

import pytest

from capintra.security import CAPABILITIES, PUBLIC, require
from tests.checks import assert_csp_safe_html, assert_local_redirect, assert_security_headers
from tests.conftest import Browser, csrf_token_from, login, make_test_app, rolled_back
from tests.routes import METHODS, ROLES, all_routes, capability_of, collection_app, url_for_route
from tests.security.role_table import HIDDEN_TABLE, LOGIN, ROUTE_TABLE, expected, line_to_add

PRINCIPALS = ("anonymous", "anonymous-htmx", *ROLES)


def names_a_confidential_item(route) -> bool:
    """Routes on one note or one document: what can be confidential today."""
    return "document_id" in route.variables or "/notes/<" in route.rule


def pytest_generate_tests(metafunc):
    if {"route", "principal"} <= set(metafunc.fixturenames):
        cases = [(route, who) for route in all_routes() for who in PRINCIPALS]
        metafunc.parametrize(
            ("route", "principal"),
            cases,
            ids=[f"{route.method}-{route.endpoint}-{who}" for route, who in cases],
        )
    if {"hidden_route", "principal"} <= set(metafunc.fixturenames):
        routes = [route for route in all_routes() if names_a_confidential_item(route)]
        cases = [(route, who) for route in routes for who in PRINCIPALS]
        metafunc.parametrize(
            ("hidden_route", "principal"),
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


def _request(client, make, route, principal: str, url: str):
    capability = capability_of(client.application, route.endpoint)
    assert capability is not None, (
        f"{route}: the view declares no capability. Decorate it with "
        "@require('<capability of capintra.security.CAPABILITIES>') or @public."
    )
    assert route.method in METHODS, f"{route}: only GET and POST routes are expected"
    if principal.startswith("anonymous"):
        browser = _anonymous(client, needs_token=capability == PUBLIC and route.method == "POST")
    else:
        browser = login(client, make.user(principal))
    headers = {"HX-Request": "true"} if principal == "anonymous-htmx" else {}
    if route.method == "GET":
        return browser.get(url, headers=headers)
    return browser.post(url, data={}, headers=headers)


def _check(response, route, principal: str, want, where: str) -> None:
    status = response.status_code
    if want == LOGIN and principal == "anonymous-htmx":
        assert status == 401, f"{where}: {status}, expected 401 (sign in first)"
        assert response.headers.get("HX-Redirect") == "/login", where
    elif want == LOGIN:
        assert status == 302, f"{where}: {status}, expected 302 to the login page"
        assert assert_local_redirect(response, where) == "/login", where
    else:
        assert status == want, f"{where}: {status}, expected {want} (tests/security/role_table.py)"

    assert_security_headers(response, personal=route.endpoint != "static", where=where)
    if 300 <= status < 400:
        assert_local_redirect(response, where)
    if response.mimetype == "text/html":
        assert_csp_safe_html(response.get_data(as_text=True), where)


def test_route(client, make, route, principal):
    if route.key not in ROUTE_TABLE:
        pytest.fail(
            f"{route} is not in the role table: add the line\n    "
            f"{line_to_add(*route.key)}\nto ROUTE_TABLE in tests/security/role_table.py.",
            pytrace=False,
        )
    response = _request(client, make, route, principal, url_for_route(route))
    _check(response, route, principal, expected(ROUTE_TABLE, route.key, principal),
           f"{route} as {principal}")  # fmt: skip


def _confidential_item_url(route) -> str:
    """The route's URL on an officer's unshared note or document of a household file
    (of a building or an order, for their routes)."""
    from tests import factories
    from tests.buildings import make as bmake
    from tests.documents.samples import stored_document

    owner = household = factories.household()
    values: dict[str, object] = {"household_id": household.id}
    if "building_id" in route.variables:
        owner = bmake.building()
        values = {"building_id": owner.id}
    if "order_id" in route.variables:
        from capintra.extensions import db
        from capintra.orders.demo import example_order

        owner = example_order()
        db.session.commit()
        values = {"order_id": owner.id}
    if "/notes/<" in route.rule:
        values["item_id"] = factories.note(household, confidential=True).id
    if "document_id" in route.variables:
        values["document_id"] = stored_document(owner, confidential=True).id
    url = route.rule
    for name in route.variables:
        assert name in values, f"{route}: say in test_role_matrix.py what <{name}> is"
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url, count=1)
    return url


def test_confidential_item_route(client, make, hidden_route, principal):
    route = hidden_route
    if route.key not in HIDDEN_TABLE:
        pytest.fail(
            f"{route} names a note or a document, which can be confidential: add the line\n"
            f"    {line_to_add(*route.key)}\nto HIDDEN_TABLE in tests/security/role_table.py.",
            pytrace=False,
        )
    response = _request(client, make, route, principal, _confidential_item_url(route))
    where = f"{route} on a confidential item as {principal}"
    _check(response, route, principal, expected(HIDDEN_TABLE, route.key, principal), where)


def test_the_role_table_names_exactly_the_routes():
    """Both ways: a route without a line, a line without a route (renamed or removed)."""
    routes = all_routes(collection_app())
    keys = {route.key for route in routes}
    missing = sorted(keys - ROUTE_TABLE.keys())
    stale = sorted(ROUTE_TABLE.keys() - keys)
    hidden = {route.key for route in routes if names_a_confidential_item(route)}
    hidden_missing = sorted(hidden - HIDDEN_TABLE.keys())
    hidden_stale = sorted(HIDDEN_TABLE.keys() - hidden)
    problems = [
        *(f"add to ROUTE_TABLE: {line_to_add(*key)}" for key in missing),
        *(f"remove from ROUTE_TABLE (no such route): {key}" for key in stale),
        *(f"add to HIDDEN_TABLE: {line_to_add(*key)}" for key in hidden_missing),
        *(f"remove from HIDDEN_TABLE (no such route on a note or document): {key}"
          for key in hidden_stale),
    ]  # fmt: skip
    assert not problems, "tests/security/role_table.py:\n" + "\n".join(problems)


def test_the_role_table_has_a_status_for_everyone():
    for table in (ROUTE_TABLE, HIDDEN_TABLE):
        for key, cells in table.items():
            assert len(cells) == 5, f"{key}: anonymous, officer, assistant, manager, admin"
            assert all(cell == LOGIN or isinstance(cell, int) for cell in cells), key


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
