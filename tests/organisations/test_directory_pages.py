"""The directory a page at a time, by keyset on (name, id) (issue 13 item 4): equal names
(several « Syndic ») told apart by the id, a name with a « ~ » or « % » in a cursor, the
filters kept from page to page, and a page's cost flat."""

from __future__ import annotations

import re

import pytest

from capintra.extensions import db
from capintra.organisations.models import Organisation, OrganisationKind, name_key
from capintra.organisations.queries import PAGE
from tests.paging import statements_of

N = 250


def _directory(n: int, kind=OrganisationKind.SYNDIC) -> list[int]:
    """n organisations, five of each name (some with a « ~ » or « % »): ids in the
    directory's order."""
    names = [f"Syndic {i // 5:03d}{' ~ 50 %' if i % 10 == 0 else ''}" for i in range(n)]
    rows = [Organisation(name=name, name_key=name_key(name), kind=kind) for name in names]
    db.session.add_all(rows)
    db.session.commit()
    return [o.id for o in sorted(rows, key=lambda o: (o.name_key, o.id))]


def _ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/admin/organisations/(\d+)/edit"', body)]


def _next(body: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', body)
    return found[1].replace("&amp;", "&") if found else None


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_directory_pages(app_ctx, browser_for, htmx):
    expected = _directory(N)
    _directory(30, kind=OrganisationKind.BAILLEUR)  # filtered out
    browser = browser_for("admin")
    headers = {"HX-Request": "true", "HX-Target": "organisation-results"} if htmx else {}
    url, pages = "/admin/organisations/?kind=syndic", []
    while url:
        response = browser.get(url, headers=headers)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert ("<html" in body) is not htmx
        assert "250 organismes" in body
        pages.append(_ids(body))
        url = _next(body)
        assert url is None or "kind=syndic" in url
    assert [len(p) for p in pages] == [PAGE, PAGE, N - 2 * PAGE]
    assert [i for page in pages for i in page] == expected


def test_a_directory_page_costs_the_same_for_few_or_many(app_ctx, browser_for):
    browser = browser_for("admin")
    _directory(3)
    few = statements_of(browser, "/admin/organisations/")
    _directory(N)
    url = "/admin/organisations/"
    while url:
        assert statements_of(browser, url) == few, url
        url = _next(browser.get(url).get_data(as_text=True))
