"""A page costs the same few queries for 10 rows or 1,000 (DESIGN §5, Speed): no query
per row (relationships are lazy="raise", so an N+1 raises), keyset pagination, the
search key stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from capintra.extensions import db
from capintra.households.models import (
    Household,
    HouseholdSearchTerm,
    Letter,
    Member,
    Note,
    Phase,
    Task,
)
from tests.households.helpers import list_counts, statements_for

MAX_STATEMENTS = 8
TABS = ("members", "occupancy", "letters", "journal", "documents", "offers", "relocation")
TABS += ("tasks", "history")


def add_households(make, n: int, year: int) -> list[int]:
    """n households in one operation, with two officers, inserted in bulk (core INSERTs:
    1,000 files in a few milliseconds), with their search terms."""
    operation = make.operation()
    officers = [make.user("officer"), make.user("officer")]
    phases = list(Phase)
    rows = [
        {
            "reference": f"MEN-{year}-{i:04d}",
            "ref_year": year,
            "ref_number": i,
            "operation_id": operation.id,
            "officer_id": officers[i % 2].id,
            "name": f"MARTIN{i:04d} Hélène",
            "sort_name": f"martin{i:04d} helene",
            "address": f"{i} rue Gambetta",
            "phase": phases[i % len(phases)],
            "committee_flag": i % 3 == 0,
        }
        for i in range(1, n + 1)
    ]
    db.session.execute(insert(Household), rows)
    db.session.commit()
    ids = [
        h.id for h in db.session.query(Household).filter(Household.ref_year == year).order_by("id")
    ]
    terms = [
        {"household_id": household_id, "term": term}
        for household_id, row in zip(ids, rows, strict=True)
        for term in (row["sort_name"].split()[0], "helene", "rue", "gambetta")
    ]
    db.session.execute(insert(HouseholdSearchTerm), terms)
    db.session.commit()
    return ids


LIST_URLS = [
    "/households/",
    "/households/?sort=reference",
    "/households/?sort=recent",
    "/households/?q=helene+gamb",
    "/households/?phase=diagnostic&committee=1",
    "/households/?officer={officer}&sort=recent",
    "/households/?after={middle}",
    "/households/?sort=reference&after={middle}",
    "/households/?sort=recent&after={middle}",
]


def test_the_list_costs_the_same_for_10_and_1000_households(make, browser_for):
    browser = browser_for("manager")
    small = add_households(make, 10, year=2018)
    officer = db.session.get(Household, small[0]).officer_id
    few = {
        url: statements_for(browser, url.format(officer=officer, middle=small[5]))
        for url in LIST_URLS
    }
    large = add_households(make, 1000, year=2019)
    for url in LIST_URLS:
        many = statements_for(browser, url.format(officer=officer, middle=large[500]))
        assert len(many) == len(few[url]), (url, many)
        assert len(many) <= MAX_STATEMENTS, (url, many)
        counts = list_counts(many)
        # One count, bounded ("plus de 1 000"): it reads at most 1,001 rows.
        assert len(counts) == 1 and "limit" in counts[0].lower(), (url, counts)
    htmx = {"HX-Request": "true", "HX-Target": "household-results"}
    fragment = statements_for(browser, "/households/?q=helene", headers=htmx)
    assert len(fragment) <= MAX_STATEMENTS


def fill_file(make, household, n: int) -> None:
    """n members, notes (half confidential, by several authors), letters and tasks."""
    authors = [make.user("officer") for _ in range(3)]
    for i in range(n):
        db.session.add_all(
            [
                Member(household_id=household.id, last_name=f"NOM{i}", first_name="Jérôme"),
                Note(
                    household_id=household.id,
                    note_date=date(2026, 1, 1) + timedelta(days=i),
                    body=f"Note {i}",
                    author_id=authors[i % 3].id,
                    confidential=i % 2 == 0,
                ),
                Letter(
                    household_id=household.id,
                    letter_date=date(2026, 1, 1) + timedelta(days=i),
                    subject=f"Courrier {i}",
                ),
                Task(
                    household_id=household.id,
                    title=f"Tâche {i}",
                    due_date=date(2026, 1, 1) + timedelta(days=i),
                    assignee_id=authors[i % 3].id,
                ),
            ]
        )
    db.session.commit()


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_the_file_and_each_tab_cost_the_same_whatever_it_holds(make, browser_for, role):
    browser = browser_for(role)
    operation = make.operation()
    small = make.household(operation_id=operation.id)
    fill_file(make, small, 1)
    big = make.household(operation_id=operation.id)
    fill_file(make, big, 25)
    partial = {"HX-Request": "true", "HX-Target": "tab-content"}
    cases = [("", {}), ("", partial), ("/journal", partial), ("/history", partial)]
    cases += [(f"/{tab}", {}) for tab in TABS]
    for path, headers in cases:
        few = statements_for(browser, f"/households/{small.id}{path}", headers=headers)
        many = statements_for(browser, f"/households/{big.id}{path}", headers=headers)
        where = f"{role} {path or 'detail'} {headers}"
        assert len(many) == len(few), (where, many)
        assert len(many) <= MAX_STATEMENTS, (where, many)
