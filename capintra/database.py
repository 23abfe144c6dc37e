"""The database under concurrent requests: which transactions write, and how SQLite
lets them wait their turn.

SQLite has one writer at a time. A transaction that reads and then writes cannot wait
for the write lock once another writer has committed since its first read: SQLite
answers "database is locked" at once, busy timeout or not. So a transaction that will
write takes the write lock when it begins (`BEGIN IMMEDIATE`) and waits its turn, up to
the busy timeout, before reading anything. Reads that write nothing stay `BEGIN`
(deferred): in WAL mode any number of them run beside the writer.

Which transactions will write:
- every one outside a request (commands: init-db, seed-demo, purge-sessions…);
- every one of a request whose method is not GET, HEAD or OPTIONS;
- those of a GET view declared with `@writes` (opening a file writes an audit event),
  or with `writes(view, when=…)` when this request will (not a file opened again);
- those begun after `begin_writing()` (the session's own bookkeeping after the view).

PostgreSQL keeps its own isolation (read committed, row locks); there the declaration
only feeds the guard below. A statement that writes during a request declared as
read-only is a programming error: the tests fail on it, production logs it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from capintra.extensions import db

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Milliseconds a transaction waits for SQLite's write lock before giving up.
BUSY_TIMEOUT_MS = 10_000
#: SQLite's page cache of a connection, in KiB (negative: a size, not a page count).
#: SQLite's default, 2 MiB, holds one list's pages: the household list's pages pushed
#: the buildings list's out and the other way round, each page then read again from the
#: system (the buildings list's statement 1.1 ms alone, 1.9 ms after the household
#: list). Allocated as pages are read, up to this size per connection.
CACHE_KIB = 32_000
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class UndeclaredWrite(RuntimeError):
    """A request declared read-only wrote to the database (see `writes`)."""


def writes(view: Callable, when: Callable[[dict], bool] | None = None) -> Callable:
    """Declare that a GET view writes (an audit event, say): its transactions take the
    write lock when they begin. Put it under the route decorator.

    `when(view_args)`: whether this request will write, decided before the view from the
    request alone (its URL's values, its session): a file opened again within minutes
    records nothing, and its request reads without the write lock."""
    view.writes = when or True  # type: ignore[attr-defined]
    return view


def begin_writing() -> None:
    """From here on this request writes: end the current transaction (nothing of it is
    kept) so that the next one begins with the write lock."""
    db.session.rollback()
    g.capintra_writes = True


def write_intent() -> bool:
    """True when the transaction about to begin will write (see the module's doc)."""
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS or g.get("capintra_writes", False)


def declare_write_intent() -> None:
    """before_request, first of all: read the view's declaration, and arm the guard."""
    g.capintra_dispatching = True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    declared = getattr(view, "writes", False)
    if declared is True or (callable(declared) and declared(request.view_args or {})):
        # The session was read in a read transaction (capintra.auth.sessions): end it,
        # so that the view's begins with the write lock.
        begin_writing()


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record):
    """SQLite: foreign keys, WAL, a busy timeout, a bigger page cache (CACHE_KIB), and
    transactions SQLAlchemy controls.

    pysqlite's own transaction handling breaks SAVEPOINT and never says IMMEDIATE; with
    isolation_level None and an explicit BEGIN (below), both work.

    PostgreSQL: no JIT compilation. The reports' statements cost more than its threshold
    and were compiled again at each execution: 75 to 90 ms of compiling for statements
    of a few hundred ms (EXPLAIN ANALYZE of the occupancy report at 50,000 households).
    """
    module = type(dbapi_connection).__module__
    if module.startswith("psycopg"):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.autocommit = autocommit
        return
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent() else "BEGIN")


@event.listens_for(Engine, "before_cursor_execute")
def _guard_undeclared_writes(conn, cursor, statement, parameters, context, executemany):
    if not has_request_context() or not g.get("capintra_dispatching"):
        return
    if write_intent() or not statement.lstrip()[:7].upper().startswith(_WRITE_VERBS):
        return
    message = f"{request.method} {request.endpoint} writes without declaring it (@writes)"
    if current_app.testing:
        raise UndeclaredWrite(message)
    log.error(message)


def init_app(app: Flask) -> None:
    """Register the declaration hook before any other (access checks read the user)."""
    app.before_request_funcs.setdefault(None, []).insert(0, declare_write_intent)


def private_sqlite_file(url: str) -> None:
    """A SQLite database file, and the WAL and shared-memory files beside it, readable by
    their owner only (like the secret key): the file is created 0600 before SQLite opens
    it (SQLite gives its -wal and -shm files the database file's mode) and existing ones
    are narrowed. No-op for PostgreSQL and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
