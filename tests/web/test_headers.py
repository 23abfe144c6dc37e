"""Security headers on every kind of answer, and templates the CSP can serve as they are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capintra import ROOT
from tests.checks import (
    assert_csp_safe_html,
    assert_local_redirect,
    assert_security_headers,
    csp_problems,
)

TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_login_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_csp_safe_html(response.get_data(as_text=True), "/login")


def test_signed_in_page(login_as):
    response = login_as("admin").get("/admin/users/")
    assert response.status_code == 200
    assert_security_headers(response, personal=True)


def test_htmx_fragment(login_as, make):
    browser = login_as("admin")
    user = make.user("officer")
    response = browser.htmx("GET", f"/admin/users/{user.id}/edit", target=f"user-{user.id}")
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert_security_headers(response)
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_error_pages(client, make, htmx):
    from tests.conftest import login

    browser = login(client, make.user("officer"))
    headers = {"HX-Request": "true"} if htmx else {}
    answers = {
        403: browser.get("/admin/users/", headers=headers),
        404: browser.get("/no/such/page", headers=headers),
        400: browser.post("/logout", headers={**headers, "X-CSRFToken": "forged"}),
        405: browser.post("/", headers=headers),
    }
    for status, response in answers.items():
        assert response.status_code == status
        assert_security_headers(response, where=f"{status} {'htmx' if htmx else 'page'}")
        body = response.get_data(as_text=True)
        assert_csp_safe_html(body, str(status))
        assert ("<html" in body) is not htmx, f"{status}: full page only for plain requests"
    assert set(answers[405].headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_anonymous_error_pages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_security_headers(response)


def test_redirects(client, login_as):
    anonymous = client.get("/admin/users/")
    assert anonymous.status_code == 302
    assert_security_headers(anonymous)
    assert_local_redirect(anonymous)
    htmx = client.get("/admin/users/", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/login"
    assert_security_headers(htmx)
    browser = login_as("officer")
    logout = browser.post("/logout")
    assert logout.status_code == 303
    assert_security_headers(logout)


def test_static_files_and_health_check(client):
    static = client.get("/static/app.css")
    assert static.status_code == 200
    assert_security_headers(static, personal=False)
    health = client.get("/healthz")
    assert health.get_data(as_text=True) == "ok"
    assert_security_headers(health)


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES])
def test_template_needs_no_unsafe_csp(path: Path):
    problems = csp_problems(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES])
def test_template_never_hides_gettext(path: Path):
    """`{% set _ = … %}` replaces the translation function `_` for the rest of the
    template: the next `_("…")` fails (it broke the users list once a user was locked)."""
    assert not re.search(r"{%-?\s*set\s+_\s*=", path.read_text(encoding="utf-8"))


def test_template_scan_catches_what_it_should():
    for html in (
        "<script>alert(1)</script>",
        '<div style="color:red">',
        '<button hx-on:click="x()">',
        '<button data-hx-on="click: x()">',
        '<a onclick="x()">',
        '<a href="javascript:x()">',
        "<style>p{}</style>",
    ):
        assert csp_problems(html), html
    assert not csp_problems('<script src="/static/app.js" defer></script><p>style=</p>')


def test_base_layout(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert '<meta name="htmx-config"' in page
    for setting in (
        '"selfRequestsOnly": true',
        '"allowEval": false',
        '"allowScriptTags": false',
        '"includeIndicatorStyles": false',
        '"historyCacheSize": 0',
        '{"code": "422", "swap": true, "error": false}',
        '{"code": "409", "swap": true, "error": false}',
    ):
        assert setting in page, setting
