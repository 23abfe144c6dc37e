"""The main menu: which entries each role sees, written by hand from DESIGN §1 (not
computed from the capability table it checks)."""

from __future__ import annotations

import html
import re

import pytest

from capintra import features
from tests.conftest import login
from tests.routes import ROLES

Y, N = True, False

# fmt: off
#: endpoint: (label, officer, assistant, manager, admin — a manager with the admin flag).
#: Entries of features not built yet are in the table; the menu shows them once they are.
MENU_TABLE: dict[str, tuple[str, bool, bool, bool, bool]] = {
    "web.dashboard":      ("Tableau de bord",  Y, Y, Y, Y),
    "households.index":   ("Ménages",          Y, Y, Y, Y),
    "buildings.index":    ("Immeubles",        Y, Y, Y, Y),
    "imports.index":      ("Importer",         Y, Y, N, N),
    "ordering.index":     ("Bons de commande", Y, Y, Y, Y),
    "reports.relocation": ("Rapports",         Y, N, Y, Y),
    "committee.index":    ("Comité de suivi",  Y, N, Y, Y),
    "audit.index":        ("Journal d’audit",  N, N, Y, Y),
    "admin.users":        ("Administration",   N, N, N, Y),
}
# fmt: on


def menu_of(page: str) -> list[tuple[str, str]]:
    """(href, label) of the main menu's entries, in order."""
    menu = page.split('aria-label="Navigation principale"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a class="nav-link[^"]*"[^>]*href="([^"]+)">([^<]+)</a>', menu)
    return [(href, html.unescape(label).strip()) for href, label in links]


def test_the_menu_table_names_exactly_the_menu_entries(app):
    with app.app_context():
        declared = [item.endpoint for item in features.navigation()]
    missing = [e for e in declared if e not in MENU_TABLE]
    # Entries of features not built yet stay in the table until their feature declares them.
    stale = [e for e in MENU_TABLE if e not in declared and e in app.view_functions]
    assert not missing, (
        f"menu entries missing from MENU_TABLE in tests/web/test_navigation.py: {missing}; "
        "add a line (label, officer, assistant, manager, admin) from DESIGN §1"
    )
    assert not stale, f"MENU_TABLE names entries the menu no longer has: {stale}; remove them"


@pytest.mark.parametrize("role", ROLES)
def test_menu_shows_exactly_what_the_table_gives_the_role(app, login_as, role):
    browser = login_as(role)
    shown = menu_of(browser.get("/").get_data(as_text=True))
    column = 1 + ROLES.index(role)
    expected = []
    with app.test_request_context():
        from flask import url_for

        for endpoint, row in MENU_TABLE.items():
            if row[column] and endpoint in app.view_functions:
                expected.append((url_for(endpoint), row[0]))
    assert shown == expected, f"menu of {role}"
    for url, _label in expected:
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


def test_a_menu_built_for_one_role_or_page_is_not_served_to_another(app, make):
    """The menu is built once per process for each set of roles and section: signing in
    as one role after another in the same application, each gets its own entries, and
    the entry marked current follows the page."""
    for role, path, current in [
        ("admin", "/households/", "Ménages"),
        ("assistant", "/households/", "Ménages"),
        ("admin", "/buildings/", "Immeubles"),
        ("officer", "/households/", "Ménages"),
        ("manager", "/", "Tableau de bord"),
    ]:
        browser = login(app.test_client(), make.user(role=role))
        page = browser.get(path).get_data(as_text=True)
        column = 1 + ROLES.index(role)
        labels = [label for label, *_ in MENU_TABLE.values()]
        expected = [
            row[0]
            for endpoint, row in MENU_TABLE.items()
            if row[column] and endpoint in app.view_functions
        ]
        assert [label for _href, label in menu_of(page)] == expected, (role, path)
        active = re.findall(
            r'class="nav-link active" aria-current="page" href="[^"]+">([^<]+)<', page
        )
        assert [html.unescape(a) for a in active] == [current], (role, path)
        assert labels  # (the table is not empty)
