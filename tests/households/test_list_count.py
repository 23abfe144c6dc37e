"""The list says how many files it finds, bounded: "23 dossiers", "plus de 1 000 dossiers",
for the current filters and search, from one capped count carried by the page's own
statement. And a search says why a file matched when it was not by its name."""

from __future__ import annotations

import pytest

from capintra.households.models import Relation
from tests.households.helpers import count_statements, list_counts, text_of
from tests.households.test_query_count import add_households


def shown_count(browser, url="/households/?sort=reference") -> str:
    page = text_of(browser.get(url))
    start = page.index('<p class="household-count">') + len('<p class="household-count">')
    return page[start : page.index("</p>", start)].strip()


@pytest.mark.parametrize(
    ("n", "said"),
    [(0, "0 dossier"), (1, "1 dossier"), (1000, "1\u202f000 dossiers"),
     (1001, "plus de 1\u202f000 dossiers")],
)  # fmt: skip
def test_the_count_is_right_at_the_edges(make, browser_for, n, said):
    browser = browser_for("manager")
    if n:
        add_households(make, n, year=2017)
    assert shown_count(browser) == said
    assert shown_count(browser, "/households/?q=helene") == said  # the search path too
    with count_statements() as statements:
        browser.get("/households/?sort=reference")
    counts = list_counts(statements)
    assert len(counts) == 1 and "limit" in counts[0].lower(), counts


def test_the_count_follows_filters_and_search(make, browser_for):
    browser = browser_for("manager")
    ids = add_households(make, 30, year=2016)
    assert shown_count(browser, "/households/?q=martin0001") == "1 dossier"
    assert shown_count(browser, "/households/?committee=1") == "10 dossiers"
    assert shown_count(browser, f"/households/?after={ids[3]}") == "30 dossiers"
    assert shown_count(browser, "/households/?q=introuvable") == "0 dossier"


@pytest.fixture
def durand(make):
    h = make.household(name="ÉLOI Paul", address="12 rue Désirée Gambetta")
    make.member(h, last_name="Durand", first_name="Hélène", relation=Relation.CONJOINT,
                disability_need="fauteuil roulant")  # fmt: skip
    return h


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("helene", "membre : Hélène DURAND"),
        ("gambetta", "adresse : 12 rue Désirée Gambetta"),
        ("eloi gamb", "adresse : 12 rue Désirée Gambetta"),
    ],
)
def test_a_search_says_why_a_file_matched(durand, browser_for, q, reason):
    browser = browser_for("manager")
    for sort in ("nom", "reference"):
        page = text_of(browser.get("/households/", query_string={"q": q, "sort": sort}))
        assert durand.reference in page
        assert reason in page
        assert "fauteuil" not in page


def test_a_match_on_the_name_or_reference_needs_no_reason(durand, browser_for):
    browser = browser_for("manager")
    assert "search-reason" not in text_of(browser.get("/households/?q=eloi"))
    number = durand.reference.split("-")[-1]
    page = text_of(browser.get(f"/households/?q={number}"))
    assert f"référence : {durand.reference}" in page
    assert "search-reason" not in text_of(browser.get("/households/"))
