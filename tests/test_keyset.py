"""The keyset helper's cursors (capintra/keyset.py): every key type goes to the URL and
back; anything else in a cursor reads as no cursor (the first page)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from capintra.households.models import Task
from capintra.keyset import Keyset
from capintra.organisations.models import Organisation

TASKS = Keyset(Task.done, Task.due_date, Task.id)
NAMES = Keyset(Organisation.name_key, Organisation.id)


def test_a_cursor_goes_to_the_url_and_back():
    assert TASKS.decode(TASKS._encode((True, date(2026, 2, 28), 12))) == (
        True,
        date(2026, 2, 28),
        12,
    )
    for name in ("syndic ~ 50 %", "a%7Eb", "é~~", ""):
        cursor = NAMES._encode((name, 3))
        assert cursor.count("~") == 1
        assert NAMES.decode(cursor) == (name, 3)


@pytest.mark.parametrize(
    "cursor",
    ["", "1~2026-01-01", "2~2026-01-01~4", "1~2026-02-30~4", "1~2026-01-01~x", "1~2026-01-01~٣",
     "1~2026-01-01~ 4", "1~2026-01-01~99999999999999999999"],
)  # fmt: skip
def test_a_cursor_that_is_not_one_reads_as_none(cursor):
    assert TASKS.decode(cursor) is None


def test_datetimes_keep_their_time_zone():
    from capintra.documents.models import Document

    documents = Keyset(Document.created_at, Document.id, descending=True)
    at = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
    assert documents.decode(documents._encode((at, 9))) == (at, 9)


def test_a_key_of_another_type_is_refused():
    with pytest.raises(TypeError):
        Keyset(Organisation.kind, Organisation.id)


def test_mixed_directions_page_like_python_sorts(make):
    """Open tasks first, the latest due first, equal dates by id: every page follows on."""
    from capintra.extensions import db
    from capintra.households.models import Task as T

    order = Keyset(T.done, (T.due_date, True), (T.id, True))
    household = make.household()
    tasks = [
        T(
            household_id=household.id,
            title=str(i),
            due_date=date(2026, 1, 1 + i % 4),
            done=i % 3 == 0,
        )
        for i in range(40)
    ]
    db.session.add_all(tasks)
    db.session.commit()
    query = select(T).where(T.household_id == household.id)
    shown, after = [], None
    while True:
        page = order.page(query, after=after, size=7)
        shown += [t.id for t in page]
        if page.next is None:
            break
        after = page.next
    expected = sorted(tasks, key=lambda t: (t.done, -t.due_date.toordinal(), -t.id))
    assert shown == [t.id for t in expected]
    edited = expected[20]
    assert order.page(query, start_at=edited, size=3)[0] is edited
