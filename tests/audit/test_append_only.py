"""The audit trail is append-only (DESIGN §2, issue 12): no route edits or deletes an
event, and the database itself refuses UPDATE and DELETE on `audit_event` (PostgreSQL:
a trigger reading a transaction-local setting; SQLite: triggers checking the
transaction's row of `audit_maintenance`), except inside `audit_maintenance()`, which
only `flask purge-access-log` and the retention run use."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from capintra.audit.maintenance import MaintenanceAlreadyOn, audit_maintenance
from capintra.audit.models import AuditEvent, AuditMaintenance
from capintra.audit.service import record_event
from capintra.extensions import db

READ_ONLY = {"GET", "HEAD", "OPTIONS"}


def test_no_route_of_the_audit_trail_writes(app):
    """Every route under /audit/ or of the audit blueprint answers reads only. An export
    (which records its own event, an insert) is the one exception: a POST is tolerated
    on an endpoint named `…export…`; PUT, PATCH and DELETE never."""
    audit_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("audit.") or rule.rule.startswith("/audit")
    ]
    assert any(rule.endpoint == "audit.index" for rule in audit_rules)
    writes = [
        f"{rule.endpoint} {sorted(rule.methods - allowed)}"
        for rule in audit_rules
        for allowed in [READ_ONLY | ({"POST"} if "export" in rule.endpoint else set())]
        if rule.methods - allowed
    ]
    assert not writes, f"routes of the audit trail that accept a write: {writes}"


def test_no_route_anywhere_names_an_event_for_writing(app):
    """No route of any feature takes an audit event's id and accepts a write."""
    suspicious = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods - READ_ONLY and any("event" in name for name in rule.arguments)
    ]
    assert not suspicious, suspicious


def _event() -> int:
    record_event("open", entity_type="household", entity_id=4242)
    db.session.commit()
    return db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))


def _refused(statement: str, **params) -> None:
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement), params)


def test_sql_update_and_delete_are_refused(app_ctx):
    event_id = _event()
    _refused("UPDATE audit_event SET action = 'login' WHERE id = :id", id=event_id)
    _refused("UPDATE audit_event SET changes = NULL")
    _refused("DELETE FROM audit_event WHERE id = :id", id=event_id)
    _refused("DELETE FROM audit_event")
    if db.engine.dialect.name == "postgresql":
        _refused("TRUNCATE audit_event")
    db.session.expire_all()
    assert db.session.get(AuditEvent, event_id).action == "open"


def test_orm_update_and_delete_are_refused(app_ctx):
    event_id = _event()
    event = db.session.get(AuditEvent, event_id)
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        event.action = "login"
        db.session.flush()
    db.session.expire_all()
    event = db.session.get(AuditEvent, event_id)
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.delete(event)
        db.session.flush()


def test_maintenance_opens_the_trail_for_its_block_only(app_ctx):
    kept, changed, deleted = _event(), _event(), _event()
    with audit_maintenance():
        db.session.execute(
            text("UPDATE audit_event SET changes = NULL, action = 'login' WHERE id = :id"),
            {"id": changed},
        )
        db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": deleted})
        # ORM changes made in the block are flushed before it closes.
        db.session.get(AuditEvent, kept).ip = "10.0.0.1"
    db.session.expire_all()
    assert db.session.get(AuditEvent, changed).action == "login"
    assert db.session.get(AuditEvent, deleted) is None
    assert db.session.get(AuditEvent, kept).ip == "10.0.0.1"
    assert db.session.scalar(select(AuditMaintenance.id)) is None, "the switch is off"
    # Closed again, in the same transaction.
    _refused("DELETE FROM audit_event WHERE id = :id", id=kept)
    db.session.commit()
    _refused("DELETE FROM audit_event WHERE id = :id", id=kept)


def test_the_switch_is_invisible_to_other_transactions(app_ctx):
    """While a command holds the trail open, another connection reads the switch off:
    the very conditions the triggers test."""
    with audit_maintenance():
        if db.engine.dialect.name == "postgresql":
            setting = "current_setting('capintra.audit_maintenance', true)"
            with db.engine.connect() as other:
                assert other.scalar(text(f"SELECT coalesce({setting}, '')")) != "on"
            assert db.session.scalar(text(f"SELECT {setting}")) == "on"
        else:  # a plain reader beside the writer (the app's connections begin IMMEDIATE)
            other = sqlite3.connect(db.engine.url.database)
            try:
                assert other.execute("SELECT count(*) FROM audit_maintenance").fetchone() == (0,)
            finally:
                other.close()
            assert db.session.scalar(text("SELECT count(*) FROM audit_maintenance")) == 1


def test_a_committed_switch_row_is_refused_not_trusted(app_ctx):
    """SQLite: a row left in audit_maintenance would open the trail to everyone; the
    context manager refuses to run on top of one rather than hide it."""
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's switch is a transaction-local setting, not a row")
    db.session.add(AuditMaintenance(id=7))
    db.session.commit()
    with pytest.raises(MaintenanceAlreadyOn), audit_maintenance():
        pass


def test_the_migration_goes_down_and_up_again(scratch_app):
    """Revision 9d24885d3b73's downgrade removes the triggers (an event can be deleted
    again) and its upgrade puts them back."""
    app = scratch_app()

    def db_cli(*args):
        result = app.test_cli_runner().invoke(args=["db", *args])
        assert result.exit_code == 0, result.output

    def delete_an_event() -> None:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("INSERT INTO audit_event (at, action, confidential) "
                                    "VALUES (CURRENT_TIMESTAMP, 'login', false)"))  # fmt: skip
            connection.execute(text("DELETE FROM audit_event"))

    db_cli("upgrade")
    with pytest.raises(DBAPIError, match="append-only"):
        delete_an_event()
    db_cli("downgrade", "0b7abd9bad73")
    delete_an_event()
    db_cli("upgrade")
    with pytest.raises(DBAPIError, match="append-only"):
        delete_an_event()


#: The modules allowed to open the trail (capintra/audit/maintenance.py): the two
#: commands of issue 12 (`flask purge-access-log`, and the retention run's services behind
#: `flask anonymise-closed`); nothing else may.
MAINTENANCE_USERS = {
    "capintra/audit/maintenance.py",
    "capintra/audit/purge.py",
    "capintra/retention/services.py",
}
#: Importing the context manager, or turning either switch on by hand.
OPENS_THE_TRAIL = re.compile(
    r"capintra\.audit\.maintenance\b|\bimport maintenance\b|capintra\.audit_maintenance"
    r"|insert\(AuditMaintenance|(?<!class )AuditMaintenance\(|INTO audit_maintenance",
    re.IGNORECASE,
)


def test_only_the_two_maintenance_commands_open_the_trail():
    root = Path(__file__).resolve().parents[2]
    users = {
        str(path.relative_to(root))
        for path in (root / "capintra").rglob("*.py")
        if OPENS_THE_TRAIL.search(path.read_text(encoding="utf-8"))
    }
    assert users <= MAINTENANCE_USERS, (
        f"{sorted(users - MAINTENANCE_USERS)} open the append-only audit trail: only "
        "flask purge-access-log and the retention run may (issue 12)"
    )
    assert {"capintra/audit/purge.py", "capintra/retention/services.py"} <= users
