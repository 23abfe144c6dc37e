"""Order numbers under concurrency, at the service level (DESIGN §5 « Integrity »): the
year's counter row is locked and incremented in the approval's transaction, so two
transactions on two connections get distinct numbers — the second waits for the first
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's write lock, `BEGIN IMMEDIATE`) — and a
rolled-back one gives its number back (no gap). Also when the year's row does not exist
yet and both would create it. Run against a real database (committed, on two
connections): SQLite by default, PostgreSQL with CAPINTRA_TEST_DATABASE_URL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from capintra.extensions import db
from capintra.orders import lifecycle
from capintra.orders.models import OrderCounter
from tests.databases import migrate

#: Seconds the second transaction is given to show that it waits for the first.
WAIT = 0.5


@pytest.fixture
def numbering_app(scratch_app):
    app = scratch_app()
    migrate(app)
    return app


class Transaction(threading.Thread):
    """next_number(year) on a connection of its own (its own app context, so its own
    session), then held open until `finish` is set: committed, or rolled back."""

    def __init__(self, app, year: int, *, commit: bool = True):
        super().__init__(daemon=True)
        self.app, self.year, self.commit = app, year, commit
        self.number: int | None = None
        self.error: BaseException | None = None
        self.numbered = threading.Event()
        self.finish = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            try:
                self.number = lifecycle.next_number(self.year)
                self.numbered.set()
                self.finish.wait(timeout=30)
                if self.commit:
                    db.session.commit()
                else:
                    db.session.rollback()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                self.error = error
                self.numbered.set()
            finally:
                db.session.remove()


def _counter(app, year: int) -> int | None:
    with app.app_context():
        try:
            row = db.session.get(OrderCounter, year)
            return row.last if row else None
        finally:
            db.session.remove()


def _set_counter(app, year: int, last: int) -> None:
    with app.app_context():
        db.session.add(OrderCounter(year=year, last=last))
        db.session.commit()
        db.session.remove()


def _race(app, year: int, *, first_commits: bool = True) -> tuple[Transaction, Transaction]:
    """The first takes a number and holds its transaction; the second asks meanwhile and
    must wait; then the first ends and the second gets its number."""
    first = Transaction(app, year, commit=first_commits)
    second = Transaction(app, year)
    first.start()
    assert first.numbered.wait(timeout=30) and first.error is None, first.error
    second.start()
    second.finish.set()  # the second commits as soon as it has its number
    assert not second.numbered.wait(timeout=WAIT), (
        f"the second transaction got {second.number} while the first held {first.number}"
    )
    first.finish.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not first.is_alive() and not second.is_alive()
    assert first.error is None and second.error is None, (first.error, second.error)
    return first, second


def test_a_second_transaction_waits_and_gets_the_next_number(numbering_app):
    app = numbering_app
    _set_counter(app, 2031, 5)
    first, second = _race(app, 2031)
    assert (first.number, second.number) == (6, 7)
    assert _counter(app, 2031) == 7


def test_the_year_s_first_two_numbers_when_both_would_create_its_row(numbering_app):
    app = numbering_app
    assert _counter(app, 2032) is None
    first, second = _race(app, 2032)
    assert (first.number, second.number) == (1, 2)
    assert _counter(app, 2032) == 2


def test_a_rolled_back_approval_gives_its_number_back(numbering_app):
    app = numbering_app
    _set_counter(app, 2033, 41)
    first, second = _race(app, 2033, first_commits=False)
    assert (first.number, second.number) == (42, 42)
    assert _counter(app, 2033) == 42


def test_many_connections_at_once_get_distinct_gapless_numbers(numbering_app):
    """Eight connections, five numbers each (one transaction per number), released at
    once: 1..40, each once."""
    app = numbering_app
    threads, each = 8, 5
    barrier = threading.Barrier(threads)

    def take() -> list[int]:
        barrier.wait(timeout=30)
        numbers = []
        with app.app_context():
            try:
                for _ in range(each):
                    numbers.append(lifecycle.next_number(2034))
                    db.session.commit()
            finally:
                db.session.remove()
        return numbers

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [pool.submit(take) for _ in range(threads)]
        numbers = [n for result in results for n in result.result(timeout=120)]
    assert sorted(numbers) == list(range(1, threads * each + 1))
    assert _counter(app, 2034) == threads * each
