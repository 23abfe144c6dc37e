"""The file's growing tabs (journal, letters, tasks) a page at a time, by keyset (issue 13
item 4): the first page has exactly the page's size, the « suivants » link gives the rest
with no duplicate and no gap (rows with equal dates included), what the reader may not see
never appears nor shortens a page, and a page costs the same statements for 10 rows or
120."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from capintra.extensions import db
from capintra.households.models import Letter, Note, Task
from capintra.keyset import TAB_PAGE
from tests.paging import assert_flat_cost, walk

N = 120


def _notes(household, author, n: int) -> dict[int, bool]:
    """n notes, three a day (equal dates), every other one confidential: {id: confidential}."""
    notes = [
        Note(
            household_id=household.id,
            note_date=date(2026, 1, 1) + timedelta(days=i // 3),
            body=f"Note {i}",
            author_id=author.id,
            confidential=i % 2 == 0,
        )
        for i in range(n)
    ]
    db.session.add_all(notes)
    db.session.commit()
    return {note.id: note.confidential for note in notes}


def _note_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="note-(\d+)"', body)]


def _newest_first(notes: dict[int, bool], shown: set[int]) -> list[int]:
    rows = db.session.query(Note.note_date, Note.id).filter(Note.id.in_(shown)).all()
    return [i for _d, i in sorted(rows, reverse=True)]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_journal_pages_show_every_note_once_newest_first(make, browser_for, htmx):
    officer = make.user("officer")
    household = make.household()
    notes = _notes(household, officer, N)
    pages = walk(browser_for(officer), f"/households/{household.id}/journal", _note_ids, htmx=htmx)
    assert [len(p) for p in pages] == [TAB_PAGE, TAB_PAGE, N - 2 * TAB_PAGE]
    shown = [i for page in pages for i in page]
    assert len(shown) == len(set(shown)) == N
    assert shown == _newest_first(notes, set(notes))


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_hidden_notes_never_appear_nor_shorten_a_page(make, browser_for, role):
    officer = make.user("officer")
    household = make.household()
    notes = _notes(household, officer, 2 * N)  # 120 shared, 120 confidential
    pages = walk(browser_for(role), f"/households/{household.id}/journal", _note_ids, htmx=True)
    shared = {i for i, confidential in notes.items() if not confidential}
    assert [len(p) for p in pages] == [TAB_PAGE, TAB_PAGE, N - 2 * TAB_PAGE]
    shown = [i for page in pages for i in page]
    assert shown == _newest_first(notes, shared)


def test_a_note_edited_beyond_the_first_page_is_shown_with_its_form(make, browser_for):
    officer = make.user("officer")
    household = make.household()
    notes = _notes(household, officer, N)
    oldest = min(notes)
    browser = browser_for(officer)
    response = browser.get(f"/households/{household.id}/notes/{oldest}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'action="/households/{household.id}/notes/{oldest}"' in body
    assert "Revenir aux plus récents" in body


def test_a_mistyped_cursor_shows_the_first_page(make, browser_for):
    officer = make.user("officer")
    household = make.household()
    _notes(household, officer, N)
    browser = browser_for(officer)
    first = _note_ids(browser.get(f"/households/{household.id}/journal").get_data(as_text=True))
    for cursor in ("x", "2026-01-01", "2026-13-01~4", "2026-01-01~99999999999999999999999"):
        body = browser.get(f"/households/{household.id}/journal?after={cursor}").get_data(
            as_text=True
        )
        assert _note_ids(body) == first, cursor


def _fill(household, n: int) -> None:
    """n letters and tasks, three a day (equal dates)."""
    for i in range(n):
        day = date(2026, 1, 1) + timedelta(days=i // 3)
        db.session.add(
            Letter(household_id=household.id, letter_date=day, subject=f"Courrier n°{i}")
        )
        db.session.add(
            Task(household_id=household.id, title=f"Tâche n°{i}", due_date=day, done=i % 4 == 0)
        )
    db.session.commit()


@pytest.mark.parametrize(
    ("tab", "pattern", "expected"),
    [
        # newest first, the later of equal dates first (the higher id)
        ("letters", r"<td>Courrier n°(\d+)</td>", sorted(range(N), key=lambda i: (-(i // 3), -i))),
        # open tasks first, the soonest due first
        ("tasks", r"<td>Tâche n°(\d+)", sorted(range(N), key=lambda i: (i % 4 == 0, i // 3, i))),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_letters_and_tasks_pages(make, browser_for, tab, pattern, expected, htmx):
    household = make.household()
    _fill(household, N)

    def found(body):
        return [int(i) for i in re.findall(pattern, body)]

    pages = walk(browser_for("assistant"), f"/households/{household.id}/{tab}", found, htmx=htmx)
    assert [len(p) for p in pages] == [TAB_PAGE, TAB_PAGE, N - 2 * TAB_PAGE]
    assert [i for page in pages for i in page] == expected


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_a_page_costs_the_same_statements_for_10_rows_or_120(make, browser_for, role):
    officer = make.user("officer")
    browser = browser_for(role)
    small, big = make.household(), make.household()
    _notes(small, officer, 10)
    _fill(small, 10)
    _notes(big, officer, 2 * N)
    _fill(big, N)
    for tab in ("journal", "letters", "tasks"):
        assert_flat_cost(browser, f"/households/{small.id}/{tab}", f"/households/{big.id}/{tab}")
