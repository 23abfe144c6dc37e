"""The menu is built from the capability table: each role sees only what it may use."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import BuildError

from capintra.web import NAVIGATION
from tests.routes import ROLES, role_holds


@pytest.mark.parametrize("role", ROLES)
def test_menu_shows_exactly_the_role_capabilities(app, login_as, role):
    browser = login_as(role)
    page = browser.get("/").get_data(as_text=True)
    menu = page.split('aria-label="Navigation principale"', 1)[1].split("</ul>", 1)[0]
    shown = set(re.findall(r'href="([^"]+)"', menu))
    expected = set()
    with app.test_request_context():
        from flask import url_for

        for endpoint, _label, capability in NAVIGATION:
            try:
                url = url_for(endpoint)
            except BuildError:
                continue  # a feature not built yet
            if role_holds(role, capability):
                expected.add(url)
    assert shown - {"/"} == expected - {"/"}, role
    for url in expected:
        assert browser.get(url).status_code == 200, f"{role} offered {url}"


@pytest.mark.parametrize(
    ("role", "label"),
    [
        ("officer", "Chargé(e) de missions sociales"),
        ("assistant", "Assistante opérationnelle"),
        ("manager", "Responsable de projets"),
        ("admin", "administrateur"),
    ],
)
def test_dashboard_greets_each_role(login_as, role, label):
    page = login_as(role).get("/").get_data(as_text=True)
    assert label in page
