"""Migrations: `flask db upgrade` from an empty database gives exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from capintra.extensions import db


def pending_changes(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_yields_the_models_schema(scratch_app):
    app = scratch_app()
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    diff = pending_changes(app)
    assert not diff, "the models differ from the migrated schema; add a migration:\n" + "\n".join(
        map(str, diff)
    )
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables

    again = app.test_cli_runner().invoke(args=["init-db"])
    assert again.exit_code == 0, again.output
    assert "à jour" in again.output
