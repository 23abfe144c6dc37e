"""A record's history tab a page at a time, by keyset on the event id (issue 13 item 4):
what the reader may not see (events about confidential content, changes of fields they may
not read) is left out in SQL before the page is cut; the file's consultations page too."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from capintra.extensions import db
from capintra.keyset import TAB_PAGE
from tests.buildings import make as bmake
from tests.paging import assert_flat_cost, walk

N = 120


def _rows(body: str) -> list[str]:
    """The modifications table's rows, tags stripped (the consultations' table left out)."""
    body = body.split('id="consultations"', 1)[0]
    body = body.split("Journal des modifications", 1)[-1]
    rows = re.findall(r"<tr>(\s*<td.*?)</tr>", body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def _changes(rows: list[str], year: int) -> list[int]:
    """The days (of `year`) the note's date was moved to, in the order the rows show them."""
    days = []
    for row in rows:
        found = re.search(rf"Date : \S+ → (\d\d)/(\d\d)/{year}", row)
        if found:
            days.append((date(year, int(found[2]), int(found[1])) - date(year, 1, 1)).days)
    return days


@pytest.fixture
def busy_file(make):
    """A file with N changes of a shared note's date, N of a confidential note's and N of
    the household's resources (a field managers may not read)."""
    officer = make.user("officer")
    household = make.household()
    shared = make.note(household, confidential=False, author=officer, note_date=date(2026, 1, 1))
    secret = make.note(household, confidential=True, author=officer, note_date=date(2030, 1, 1))
    for i in range(1, N + 1):
        shared.note_date = date(2026, 1, 1) + timedelta(days=i)
        secret.note_date = date(2030, 1, 1) + timedelta(days=i)
        household.monthly_resources_cents = 100_000 + i
        db.session.commit()
    return household


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("role", ["manager", "assistant", "officer"])
def test_the_file_history_pages(busy_file, browser_for, role, htmx):
    url = f"/households/{busy_file.id}/history"
    pages = walk(browser_for(role), url, _rows, htmx=htmx)
    sizes = [len(page) for page in pages]
    assert all(size == TAB_PAGE for size in sizes[:-1]) and 0 < sizes[-1] <= TAB_PAGE
    rows = [row for page in pages for row in page]
    assert _changes(rows, 2026) == list(range(N, 0, -1))  # every change once, newest first
    # the confidential note's changes: officers only; the resources: not managers. What is
    # hidden is left out before the page is cut (every page but the last is full, above).
    secret = _changes(rows, 2030)
    assert secret == (list(range(N, 0, -1)) if role == "officer" else [])
    resources = sum("Ressources mensuelles" in row for row in rows)
    assert resources == (0 if role == "manager" else N)


def test_the_file_consultations_page(make, browser_for):
    household = make.household()
    from capintra.audit.service import record_event

    for _ in range(N):
        record_event("open", household)
    db.session.commit()

    def consultations(body):
        table = body.split('id="consultations"', 1)[-1]  # an htmx page: the rows alone
        return re.findall(r"<tr><td>", table)

    for htmx in (False, True):
        pages = walk(browser_for("officer"), f"/households/{household.id}/history",
                     consultations, htmx=htmx)  # fmt: skip
        # (the officer's own openings of the file add to them)
        assert [len(p) for p in pages][:2] == [TAB_PAGE, TAB_PAGE]
        assert sum(len(p) for p in pages) >= N


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_building_history_pages(make, browser_for, htmx):
    building = bmake.building()
    for i in range(N):
        building.commune = f"Commune n°{i}"
        db.session.commit()

    def communes(body):
        return [int(n) for n in re.findall(r"→ Commune n°(\d+)<", body)]

    pages = walk(browser_for("manager"), f"/buildings/{building.id}/history", communes, htmx=htmx)
    assert [len(p) for p in pages][:2] == [TAB_PAGE, TAB_PAGE]
    assert [n for page in pages for n in page] == list(range(N - 1, -1, -1))


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_a_history_page_costs_the_same_for_few_or_many_events(make, browser_for, busy_file, role):
    browser = browser_for(role)
    small = make.household()
    make.note(small, confidential=False)
    assert_flat_cost(
        browser, f"/households/{small.id}/history", f"/households/{busy_file.id}/history"
    )


def _many_changes(kind: str):
    """A unit, an order or a contract changed N times: (its history's url, the label)."""
    from tests.orders import make as omake

    if kind == "unit":
        record = bmake.unit()
        url, field = f"/units/{record.id}/history", "surface_dm2"
    elif kind == "order":
        m = omake.market()
        record = omake.draft(m)
        url, field = f"/orders/{record.id}/history", "place"
    else:
        record = omake.contract()
        url, field = f"/contracts/{record.id}/history", "title"
    for i in range(N):
        setattr(record, field, 5000 + i if field == "surface_dm2" else f"Valeur n°{i}")
        db.session.commit()
    return url


@pytest.mark.parametrize("kind", ["unit", "order", "contract"])
def test_every_record_history_pages(app_ctx, browser_for, kind):
    """The same paging on each record page's history (each its own template's block)."""
    url = _many_changes(kind)

    for htmx in (False, True):
        pages = walk(browser_for("manager"), url, _rows, htmx=htmx)
        sizes = [len(page) for page in pages]
        assert sizes[:2] == [TAB_PAGE, TAB_PAGE] and sum(sizes) >= N, (kind, sizes)
        rows = [row for page in pages for row in page]
        assert len(rows) == len(set(rows)), kind  # each change once
