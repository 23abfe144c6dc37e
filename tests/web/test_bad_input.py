"""Bad input: a clean 4xx or a safe local redirect, never a 500 (and never another host)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.checks import assert_local_redirect
from tests.conftest import csrf_token_from, login
from tests.routes import (
    all_routes,
    capability_of,
    collection_app,
    first_role_holding,
    url_for_route,
)

HUGE = "9" * 30
#: Query arguments the list pages read, each with nonsense (plus unknown ones).
GARBAGE_QUERY = {
    "before": HUGE,
    "after": HUGE,
    "page": "-1",
    "q": "a\x00b" + "é" * 300,
    "sort": "'; DROP TABLE household; --",
    "phase": "nope",
    "operation": HUGE,
    "officer": "-7",
    "date": "2026-13-45",
    "tab": "../../etc/passwd",
    "next": "//evil.example",
    "unknown": "\x00",
}


def token_for(client) -> str:
    return csrf_token_from(client.get("/login").get_data(as_text=True))


def post_login(client, data: dict | bytes, content_type: str | None = None, path="/login"):
    if isinstance(data, dict):
        return client.post(path, data={"csrf_token": token_for(client), **data})
    return client.post(path, data=data, content_type=content_type)


# --- the login form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("x" * 10_240, factories.PASSWORD),
        ("officer", "p" * 10_240),
        ("off\x00icer", factories.PASSWORD),
        ("officer", "pass\x00word" * 3),
        ("\x00", "\x00"),
        ("officer\r\nSet-Cookie: a=b", "x"),
    ],
    ids=[
        "10 kB username",
        "10 kB password",
        "NUL in username",
        "NUL in password",
        "NULs",
        "header injection",
    ],
)
def test_login_form_with_bad_values(client, make, username, password):
    make.user("officer", username="officer")
    response = post_login(client, {"username": username, "password": password})
    assert response.status_code == 422
    assert "Set-Cookie: a=b" not in str(response.headers)


def test_login_with_non_utf8_form_data(client, make):
    make.user("officer", username="officer")
    token = token_for(client)
    for body in (
        b"username=\xff\xfe&password=\xc3\x28&csrf_token=" + token.encode(),
        b"username=%FF%FE%00&password=%C3%28&csrf_token=" + token.encode(),
        b"username=%ED%A0%80&password=%ED%A0%80&csrf_token=" + token.encode(),  # surrogate
        b"\xff\xff\xff",
    ):
        response = client.post(
            "/login", data=body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (400, 422), body
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="username"\r\n\r\n\xff\xfe\r\n'
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b"\r\n--b--\r\n"
    )
    response = client.post("/login", data=multipart, content_type="multipart/form-data; boundary=b")
    assert response.status_code in (400, 422)
    broken = client.post("/login", data=b"--b\r\nbroken", content_type="multipart/form-data")
    assert broken.status_code == 400


def test_non_utf8_in_path_and_query(client, login_as):
    for path in ("/login?next=%FF%FE", "/%FF", "/admin/users/%FF/edit", "/login?%00=%00"):
        assert client.get(path).status_code < 500, path
    browser = login_as("admin")
    for path in ("/audit/?before=%FF", "/admin/users/%C3%28/edit", "/?q=%FF%00"):
        assert browser.get(path).status_code < 500, path


def test_too_large_body(login_as):
    browser = login_as("officer")
    response = browser.post("/account/password", {"new_password": "x" * (11 * 1024 * 1024)})
    assert response.status_code == 413


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    username=st.text(max_size=80) | st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    password=st.text(max_size=80),
)
def test_login_fuzz(client, username, password):
    response = post_login(client, {"username": username, "password": password})
    assert response.status_code == 422


# --- next= never leaves the site -------------------------------------------------------

EVIL_NEXT = [
    "//evil.example",
    "https://evil.example",
    "http://evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "//evil.example/%2F..",
    "/\t/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "/%2F%2Fevil.example",
    "///evil.example",
    "x" * 3000,
]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_next_never_leaves_the_site(client, make, target):
    user = make.user("officer")
    page = client.get("/login", query_string={"next": target})
    assert page.status_code == 200
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "username": user.username,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert_local_redirect(response, target)
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302
    assert_local_redirect(again, target)


def test_next_keeps_local_paths(client, make):
    user = make.user("officer")
    page = client.get("/login?next=/account/password%3Fx%3D1")
    response = client.post(
        "/login?next=/account/password%3Fx%3D1",
        data={
            "username": user.username,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.headers["Location"] == "/account/password?x=1"


# --- numbers in URLs and query strings -------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/users/{HUGE}/edit",
        "/admin/users/2147483648/edit",
        "/admin/operations/9223372036854775808/edit",
        "/admin/users/0/edit",
        "/admin/users/-1/edit",
    ],
)
def test_huge_ids_in_urls_are_missing_pages(login_as, path):
    assert login_as("admin").get(path).status_code == 404


# --- every route, generated ------------------------------------------------------------


def pytest_generate_tests(metafunc):
    if "get_route" in metafunc.fixturenames:
        routes = [r for r in all_routes() if r.method == "GET" and r.endpoint != "static"]
        metafunc.parametrize("get_route", routes, ids=[r.endpoint for r in routes])
    if "form_route" in metafunc.fixturenames:
        gets = {r.rule for r in all_routes() if r.method == "GET"}
        routes = [r for r in all_routes() if r.method == "POST" and r.rule in gets]
        metafunc.parametrize("form_route", routes, ids=[r.endpoint for r in routes])


def _as_allowed(client, route):
    role = first_role_holding(capability_of(collection_app(), route.endpoint))
    return login(client, factories.user(role)) if role else None


def test_garbage_query_arguments(client, get_route):
    """Every page, with every list argument set to nonsense: never a 500."""
    _as_allowed(client, get_route)
    url = url_for_route(get_route)
    response = client.get(url, query_string=GARBAGE_QUERY)
    assert response.status_code < 500, f"{get_route}: {response.status_code}"
    if 300 <= response.status_code < 400:
        assert_local_redirect(response, str(get_route))


class _FieldNames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in ("input", "select", "textarea") and name and name != "csrf_token":
            self.names.append(name)


@pytest.mark.parametrize(
    "value",
    ["nul\x00byte", "x" * 10_240, "\ufeff\u202e\u0000", "-1", HUGE],
    ids=["NUL", "10 kB", "odd unicode", "minus one", "huge number"],
)
def test_every_form_with_bad_values(client, form_route, value):
    """Every form, each of its fields filled with a bad value: a clean answer."""
    browser = _as_allowed(client, form_route)
    url = url_for_route(form_route)
    page = client.get(url)
    assert page.status_code == 200, f"{form_route}: GET answers {page.status_code}"
    parser = _FieldNames()
    parser.feed(page.get_data(as_text=True))
    data = {name: value for name in parser.names}
    if browser is None:
        browser_post = client.post(url, data={**data, "csrf_token": token_for(client)})
    else:
        browser_post = browser.post(url, data)
    assert browser_post.status_code < 500, f"{form_route}: {browser_post.status_code}"
    assert re.search(r"Traceback|sqlalchemy|psycopg", browser_post.get_data(as_text=True)) is None
