"""Which transactions take SQLite's write lock when they begin (capintra.database).

The parallel requests themselves are proved through gunicorn in tests/live/; here, on a
database committed for real, the BEGIN each request sends.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from capintra.database import write_intent
from capintra.extensions import db
from tests import factories
from tests.conftest import login
from tests.databases import migrate


@pytest.fixture
def sqlite_app(scratch_app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's BEGIN IMMEDIATE: PostgreSQL keeps its own isolation")
    app = scratch_app()
    migrate(app)
    with app.app_context():
        officer = factories.user("officer")
        household = factories.household(name="TEST Lecture")
        db.session.commit()
        ids = officer.id, household.id, household.operation_id
    return app, ids


class Begins:
    """The BEGIN statements the app sends, request by request."""

    def __init__(self, app):
        self.app = app
        self.seen: list[str] = []

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            self.seen.append(statement)

    def during(self, request) -> list[str]:
        self.seen.clear()
        response = request()
        assert response.status_code < 400, response.status_code
        return list(self.seen)


def test_write_intent_by_method(app):
    for method, expected in [("GET", False), ("HEAD", False), ("POST", True), ("DELETE", True)]:
        with app.test_request_context("/", method=method):
            assert write_intent() is expected, method
    with app.app_context():
        assert write_intent() is True, "commands (init-db, seed-demo…) write"


def test_reads_begin_deferred_and_writes_begin_immediate(sqlite_app):
    app, (officer_id, household_id, operation_id) = sqlite_app
    client = app.test_client()
    with app.app_context():
        user = db.session.get(factories.User, officer_id)
    with Begins(app) as begins:
        browsers = []
        signing_in = begins.during(lambda: browsers.append(login(client, user)) or client.get("/"))
        assert "BEGIN IMMEDIATE" in signing_in
        client.get("/households/")  # stores the session's CSRF token (a write)
        listing = begins.during(lambda: client.get("/households/"))
        # a list only reads: the session, the user and the page in one read transaction
        assert listing == ["BEGIN"]
        # The session is read before the view is known, then the view writes.
        opening = begins.during(lambda: client.get(f"/households/{household_id}"))
        assert opening[0] == "BEGIN", "the session's own lookup only reads"
        assert opening[1:] and set(opening[1:]) == {"BEGIN IMMEDIATE"}, "opening is audited"
        # Another tab of the file just opened records nothing: it only reads. The journal
        # may record confidential notes read: it always writes.
        summary_again = begins.during(lambda: client.get(f"/households/{household_id}"))
        assert summary_again == ["BEGIN"], "the file opened a moment ago: a read"
        history = begins.during(lambda: client.get(f"/households/{household_id}/history"))
        assert history == ["BEGIN"]
        journal = begins.during(lambda: client.get(f"/households/{household_id}/journal"))
        assert journal[0] == "BEGIN" and set(journal[1:]) == {"BEGIN IMMEDIATE"}
        token = browsers[0].refresh_token()
        creating = begins.during(
            lambda: client.post(
                "/households/new",
                data={
                    "name": "TEST Écriture",
                    "operation_id": operation_id,
                    "address": "3 rue Sainte-Catherine",
                    "commune": "Saint-Étienne",
                    "rehousing_right": "oui",
                    "csrf_token": token,
                },
            )
        )
        assert creating and set(creating) == {"BEGIN IMMEDIATE"}


def test_a_list_is_read_while_someone_holds_the_write_lock(sqlite_app):
    """Reads stay concurrent: a writer in the middle of its transaction blocks no list."""
    app, (officer_id, *_) = sqlite_app
    client = app.test_client()
    with app.app_context():
        user = db.session.get(factories.User, officer_id)
        path = make_url(db.engine.url).database
    login(client, user)
    client.get("/households/")  # the session's CSRF token is stored: the next GET only reads
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        response = client.get("/households/")
        elapsed = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200
    assert elapsed < 2, f"the list waited {elapsed:.1f} s for the writer"
