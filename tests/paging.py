"""Walking a record page's tab a page at a time (capintra/keyset.py): by the plain
« suivants » link (no JavaScript) or as htmx does, appending the block of the next rows."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import login
from tests.households.helpers import count_statements


@pytest.fixture
def browser_for(app_ctx, make):
    """browser_for("manager") or browser_for(user): a signed-in Browser (import it in a
    test module of another folder than households/, which has its own)."""

    def _browser(who="officer"):
        user = make.user(who) if isinstance(who, str) else who
        return login(app_ctx.test_client(), user)

    return _browser


_NEXT = re.compile(r'<a [^>]*rel="next" href="([^"]+)"[^>]*hx-target="#(more-[a-z-]+)"')


def next_link(body: str) -> tuple[str, str] | None:
    """(url, htmx target) of the page's « suivants » link, or None on the last page."""
    found = _NEXT.findall(body)
    assert len(found) <= 1, found
    return (html.unescape(found[0][0]), found[0][1]) if found else None


def walk(browser, url: str, found, *, htmx: bool) -> list[list]:
    """Every page of a tab's list from `url`: `found(body)` lists a page's items. With
    `htmx`, the next pages are fetched as the link does (its target: the block only)."""
    headers = {"HX-Request": "true", "HX-Target": "tab-content"} if htmx else {}
    response = browser.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    pages = []
    while True:
        body = response.get_data(as_text=True)
        pages.append(found(body))
        link = next_link(body)
        if link is None:
            return pages
        url, target = link
        headers = {"HX-Request": "true", "HX-Target": target} if htmx else {}
        response = browser.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        if htmx:  # only the rows and the next link: no page, no tab bar
            text = response.get_data(as_text=True)
            assert "<html" not in text and "record-tabs" not in text, text[:300]


def statements_of(browser, url: str, headers=None) -> int:
    """How many statements one GET costs (after a warm-up request)."""
    browser.get(url, headers=headers or {})
    with count_statements() as statements:
        response = browser.get(url, headers=headers or {})
    assert response.status_code == 200
    return len(statements)


def pages_urls(browser, url: str) -> list[str]:
    """The addresses of a tab's pages (the first and each « suivants »)."""
    urls = [url]
    while (link := next_link(browser.get(urls[-1]).get_data(as_text=True))) is not None:
        urls.append(link[0])
    return urls


def assert_flat_cost(browser, small_url: str, big_url: str) -> None:
    """Every page of the big list (three at least) costs the statements the small list's
    one page costs, and the htmx « suivants » of the big one no more."""
    few = statements_of(browser, small_url)
    urls = pages_urls(browser, big_url)
    assert len(urls) >= 3, big_url
    for url in urls:
        assert statements_of(browser, url) == few, url
    target = next_link(browser.get(urls[0]).get_data(as_text=True))[1]
    htmx = {"HX-Request": "true", "HX-Target": target}
    assert statements_of(browser, urls[1], htmx) <= few, (big_url, "htmx")
