"""Installations of their own for the backup tests: each has its own empty database (a
SQLite file, or a PostgreSQL database created for it when CAPINTRA_TEST_DATABASE_URL is
set) and its own upload folder, and is committed for real (a restore replaces a database,
which no rolled-back transaction can hold)."""

from __future__ import annotations

import os
import secrets
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from capintra.backup import checksums
from capintra.extensions import db
from tests.conftest import make_test_app
from tests.databases import dispose


@contextmanager
def empty_database(tmp_dir: Path):
    """The URL of a new empty database of the test run's kind, dropped at the end.

    PostgreSQL: a database of its own (the capintra role has CREATEDB), not a schema of
    the test database: pg_dump and pg_restore work on whole databases."""
    test_url = os.environ.get("CAPINTRA_TEST_DATABASE_URL")
    if not test_url:
        yield f"sqlite:///{tmp_dir / f'capintra-{secrets.token_hex(4)}.db'}"
        return
    name = f"capintra_backup_{secrets.token_hex(5)}"
    admin = create_engine(test_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        # template0: nobody connects to it, so engineers creating databases at the same
        # time never make this fail with "source database is being accessed".
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    try:
        url = make_url(test_url).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        _drop(admin, name)
        admin.dispose()


def _drop(admin, name: str) -> None:
    """Drop the throw-away database. FORCE ends the test's own leftover connections; an
    autovacuum worker busy in it (PostgreSQL's own process, not the test role's) makes
    FORCE fail with "must be a member of the role…" (seen once in CI): it finishes in
    moments, so the drop is tried again."""
    for attempt in range(10):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == 9:
                raise
            time.sleep(0.5)


class Installations:
    """installations.new("target"): a new app on an empty database and an empty folder."""

    def __init__(self, tmp_dir: Path, stack: ExitStack):
        self.tmp_dir = tmp_dir
        self.stack = stack
        self.apps = []

    def new(self, name: str, **overrides):
        folder = self.tmp_dir / name
        folder.mkdir()
        url = self.stack.enter_context(empty_database(folder))
        app = make_test_app(url, folder, **overrides)
        self.apps.append(app)
        return app

    def close(self):
        for app in self.apps:
            dispose(app)


@contextmanager
def installations_in(tmp_dir: Path):
    with ExitStack() as stack:
        found = Installations(tmp_dir, stack)
        try:
            yield found
        finally:
            found.close()


@pytest.fixture
def installations(tmp_path):
    with installations_in(tmp_path) as found:
        yield found


def run(app, *args):
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A demo installation (5 households, their documents) and its backup archive."""
    tmp_dir = tmp_path_factory.mktemp("saved")
    with installations_in(tmp_dir) as found:
        source = found.new("source")
        for args in (("init-db",), ("seed-demo", "--households", "5")):
            result = run(source, *args)
            assert result.exit_code == 0, result.output
        archive = tmp_dir / "nightly" / "capintra.tar.gz"
        archive.parent.mkdir()
        # The tables as the backup finds them (it adds its own audit event afterwards).
        with source.app_context(), db.engine.connect() as connection:
            before = checksums.checksums(connection, db.metadata)
        result = run(source, "backup", archive)
        assert result.exit_code == 0, result.output
        yield {"app": source, "archive": archive, "output": result.output, "tables": before}
