"""A list page's work does not grow with its rows: no URL built, no catalogue looked up,
no lazy label translated, no value formatted by Babel and no SQL statement per row
(issue 13, item 5). The speed itself is shown by `make bench` (tools/bench_profile.py),
not by a timed test; this keeps the per-row costs that made it slow from coming back."""

from __future__ import annotations

from collections import Counter

import pytest
from flask_babel import Domain
from flask_babel.speaklater import LazyString
from sqlalchemy import update
from werkzeug.routing import MapAdapter

from capintra.extensions import db
from capintra.households.models import Household
from capintra.web import formatting
from tests.households.helpers import count_statements
from tests.households.test_query_count import add_households

PAGES = [
    "/households/",
    "/households/?sort=recent",
    "/households/?sort=reference&phase=diagnostic",
    "/households/?q=helene",
    "/households/?q=gambetta&sort=recent",
]


@pytest.fixture
def work(monkeypatch) -> Counter:
    """Counts what a request does that could be done once per row."""
    counts: Counter = Counter()

    def counted(name, function):
        def run(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)

        return run

    monkeypatch.setattr(MapAdapter, "build", counted("url", MapAdapter.build))
    monkeypatch.setattr(Domain, "get_translations", counted("catalogue", Domain.get_translations))
    monkeypatch.setattr(LazyString, "__str__", counted("lazy label", LazyString.__str__))
    for name in ("format_decimal", "format_currency", "format_percent"):
        monkeypatch.setattr(formatting, name, counted("babel", getattr(formatting, name)))
    return counts


def work_for(browser, work: Counter, path: str) -> Counter:
    browser.get(path)  # warm-up: templates, tokens
    work.clear()
    with count_statements() as statements:
        response = browser.get(path)
    assert response.status_code == 200, path
    return Counter(work, sql=len(statements))


def rows_shown(browser, path: str) -> int:
    return browser.get(path).get_data(as_text=True).count('<tr>\n    <td><a href="/households/')


def test_a_list_page_does_the_same_work_for_1_row_and_50(
    app_ctx, make, browser_for, work, monkeypatch
):
    browser = browser_for("officer")
    # Pages of 1 row, with a next page: the same links around the rows as a page of 50.
    monkeypatch.setitem(app_ctx.config, "PAGE_SIZE", 1)
    ids = add_households(make, 2, year=2017)
    # alerts, a committee flag and every phase: what a row may show
    db.session.execute(
        update(Household)
        .where(Household.id.in_(ids))
        .values(alert_codes=["no_address", "two_staff"], alert_note="Chien")
    )
    db.session.commit()
    one = {path: work_for(browser, work, path) for path in PAGES}
    assert all(rows_shown(browser, path) == 1 for path in PAGES[:2])
    monkeypatch.setitem(app_ctx.config, "PAGE_SIZE", 50)
    ids = add_households(make, 60, year=2018)
    db.session.execute(
        update(Household)
        .where(Household.id.in_(ids[::2]))
        .values(alert_codes=["interpreter"], alert_note="Prévenir")
    )
    db.session.commit()
    for path in PAGES:
        fifty = work_for(browser, work, path)
        assert fifty == one[path], (path, one[path], fifty)
    assert rows_shown(browser, "/households/") == 50
