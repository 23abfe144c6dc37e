"""CSRF: every POST route refuses a request without a token (400) and changes nothing."""

from __future__ import annotations

from tests.conftest import Browser, csrf_token_from, login
from tests.routes import (
    all_routes,
    capability_of,
    collection_app,
    first_role_holding,
    url_for_route,
)
from tests.snapshots import snapshot


def pytest_generate_tests(metafunc):
    if "post_route" in metafunc.fixturenames:
        routes = [r for r in all_routes() if r.method == "POST"]
        metafunc.parametrize("post_route", routes, ids=[r.endpoint for r in routes])


def test_post_without_csrf_token_is_refused(client, make, post_route):
    capability = capability_of(collection_app(), post_route.endpoint)
    assert capability is not None, f"{post_route}: declares no capability"
    role = first_role_holding(capability)
    if role is None:  # public: the anonymous visitor's session has a token too
        client.get("/login")
    else:
        login(client, make.user(role))
    url = url_for_route(post_route)
    before = snapshot()
    response = Browser(client).post(url, {"version": "1", "name": "x"}, csrf=False)
    assert response.status_code == 400, f"{post_route}: {response.status_code}"
    assert "expiré" in response.get_data(as_text=True)
    assert snapshot() == before, f"{post_route}: rows changed by a refused request"


def test_wrong_or_foreign_token_is_refused(client, make):
    """A token from another session is no good either."""
    other = client.application.test_client()
    login(other, make.user("officer"))
    foreign = csrf_token_from(other.get("/account/password").get_data(as_text=True))
    browser = login(client, make.user("officer"))
    for token in (foreign, "garbage", "", "a" * 5000):
        response = browser.post("/logout", headers={"X-CSRFToken": token})
        assert response.status_code == 400, token[:20]
    assert browser.get("/").status_code == 200, "still signed in"


def test_token_stays_valid_for_the_whole_session(client, make, travel):
    """A page left open for hours still posts (the session itself is kept alive)."""
    browser = login(client, make.user("officer"))
    browser.refresh_token()
    for _ in range(8):
        travel.forward(minutes=25)
        assert browser.get("/").status_code == 200
    response = browser.post("/account/password", {})
    assert response.status_code == 422, "a form error, not a CSRF refusal"


def test_token_is_on_every_page_for_htmx(login_as):
    browser = login_as("officer")
    page = browser.get("/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
