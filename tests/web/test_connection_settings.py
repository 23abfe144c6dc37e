"""What each new database connection is told (capintra.database._on_connect)."""

from __future__ import annotations

from sqlalchemy import text

from capintra.extensions import db


def test_each_connection_has_its_settings(app, database_url):
    with app.app_context():
        # a connection opened for the test, not one the pool kept from an earlier one
        db.engine.dispose()
        with db.engine.connect() as conn:
            if database_url.startswith("postgresql"):
                # no JIT compiling of the reports' statements at each execution
                assert conn.scalar(text("SHOW jit")) == "off"
            else:
                assert conn.scalar(text("PRAGMA foreign_keys")) == 1
                assert conn.scalar(text("PRAGMA busy_timeout")) > 0
                # pages of one list not pushed out by the next one's (32 MiB, not 2)
                assert conn.scalar(text("PRAGMA cache_size")) == -32_000
