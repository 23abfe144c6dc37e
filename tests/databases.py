"""Throw-away databases for the tests that cannot run inside the rolled-back transaction
(two app instances on one database, migrations from empty, the browser's server)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from capintra.extensions import db


@contextmanager
def scratch_database(test_url: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database of the same kind as the test database, dropped afterwards.

    SQLite: a new file. PostgreSQL: a new schema in the test database, reached through
    `search_path`, dropped with everything in it at the end.
    """
    if not test_url.startswith("postgresql"):
        path = tmp_dir / f"scratch-{secrets.token_hex(4)}.db"
        yield f"sqlite:///{path}"
        return
    with postgresql_schema(test_url, f"scratch_{secrets.token_hex(6)}") as url:
        yield url


@contextmanager
def postgresql_schema(test_url: str, schema: str) -> Iterator[str]:
    """PostgreSQL: the test database's URL with `search_path` set to `schema`, created
    empty (dropped first if a previous run left it) and dropped with everything in it at
    the end. Each pytest-xdist worker runs in its own (`test_gw0`…), so they share one
    database without seeing each other's tables."""
    admin = create_engine(test_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(test_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def migrate(app) -> None:
    """`flask db upgrade` on the app's database."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.session.remove()


def dispose(app) -> None:
    """Close the app's pooled connections (before its database is dropped)."""
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
