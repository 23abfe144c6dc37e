"""`flask purge-access-log`: the access events (openings, reads, downloads, sign-ins)
older than 12 months go; the changes stay, recent accesses stay; the run is an event
with its count; on PostgreSQL it works with the append-only trigger in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

import capintra.clock
from capintra.audit.models import AuditEvent
from capintra.audit.purge import ACCESS_ACTIONS, ACTION, cutoff
from capintra.extensions import db

#: The clock of these tests: 15 March 2027, noon in Paris.
NOW = datetime(2027, 3, 15, 11, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=366)  # 14 March 2026
RECENT = NOW - timedelta(days=300)

CHANGES = ("create", "update", "delete", "purge", "export", "order_approve", "split",
           "password_reset", "account_locked", "import_committed")  # fmt: skip


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(capintra.clock, "now", lambda: NOW)


def add(action: str, at: datetime, entity_id: int) -> None:
    db.session.add(AuditEvent(at=at, action=action, entity_type="household", entity_id=entity_id))


@pytest.fixture
def trail(app_ctx, clock) -> dict[str, list[int]]:
    """Old and recent events of every access action and of some changes, by entity id:
    1xx old accesses, 2xx recent accesses, 3xx old changes."""
    ids = {"old_access": [], "recent_access": [], "old_change": []}
    for n, action in enumerate(ACCESS_ACTIONS):
        add(action, OLD, 100 + n)
        ids["old_access"].append(100 + n)
        add(action, RECENT, 200 + n)
        ids["recent_access"].append(200 + n)
    for n, action in enumerate(CHANGES):
        add(action, OLD - timedelta(days=400), 300 + n)
        ids["old_change"].append(300 + n)
    db.session.commit()
    return ids


def remaining() -> set[int]:
    return set(db.session.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity_id > 0)))


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["purge-access-log", *args])
    assert "Traceback" not in result.output
    return result


def test_access_actions_are_the_reads_and_sign_ins():
    assert set(ACCESS_ACTIONS) == {"open", "read_confidential", "download", "login",
                                   "login_failed", "logout"}  # fmt: skip
    assert "export" not in ACCESS_ACTIONS, "an export is a copy that left: kept"


def test_cutoff_is_twelve_months_back_midnight_in_paris():
    from datetime import date

    assert cutoff(date(2027, 3, 15)) == datetime(2027 - 1, 3, 14, 23, 0, tzinfo=UTC)
    assert cutoff(date(2028, 2, 29)).date() == date(2027, 2, 28)


def test_deletes_only_old_access_events_and_records_its_run(app_ctx, trail):
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    assert "6 événements d’accès antérieurs au 15/03/2026 supprimés." in result.output
    assert "conservés" in result.output
    assert "  – Échec de connexion : 1" in result.output
    assert "  – Lecture d’un élément confidentiel : 1" in result.output

    db.session.expire_all()
    left = remaining()
    assert not left & set(trail["old_access"])
    assert set(trail["recent_access"]) <= left
    assert set(trail["old_change"]) <= left
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == ACTION))
    assert event.changes == {
        "Événements supprimés": [None, 6],
        "Antérieurs au": [None, "2026-03-15"],
    }
    assert event.at == NOW and event.user_id is None
    after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert after == before - 6 + 1
    # It went through the append-only trigger, which is still there for anyone else.
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text("DELETE FROM audit_event"))


def test_an_access_of_the_last_day_kept_stays(app_ctx, trail):
    """An opening at 00:30 (Paris) on the day 12 months ago stays; one at 23:30 the day
    before goes."""
    add("open", datetime(2026, 3, 14, 23, 30, tzinfo=UTC), 901)  # 15/03/2026 00:30 Paris
    add("open", datetime(2026, 3, 14, 22, 30, tzinfo=UTC), 902)  # 14/03/2026 23:30 Paris
    db.session.commit()
    assert run(app_ctx).exit_code == 0
    db.session.expire_all()
    assert 901 in remaining() and 902 not in remaining()


def test_dry_run_counts_and_deletes_nothing(app_ctx, trail):
    before = remaining()
    result = run(app_ctx, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "6 événements d’accès antérieurs au 15/03/2026 seraient supprimés" in result.output
    assert result.output.count("  – ") == len(ACCESS_ACTIONS)
    db.session.expire_all()
    assert remaining() == before
    assert not db.session.scalar(select(func.count()).where(AuditEvent.action == ACTION))


def test_a_second_run_deletes_nothing_more(app_ctx, trail):
    assert run(app_ctx).exit_code == 0
    result = run(app_ctx)
    assert "0 événement d’accès antérieur au 15/03/2026 supprimé." in result.output
    runs = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == ACTION).order_by(AuditEvent.id)
    ).all()  # in the order they ran (without ORDER BY, PostgreSQL may answer either way)
    assert [e.changes["Événements supprimés"][1] for e in runs] == [6, 0]


def test_shows_progress_by_batches(app_ctx, clock, monkeypatch):
    monkeypatch.setattr("capintra.audit.purge.BATCH", 4)
    for n in range(10):
        add("login", OLD, 500 + n)
    db.session.commit()
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    assert "4 / 10 supprimés…" in result.output and "8 / 10 supprimés…" in result.output
    assert "10 événements d’accès" in result.output
    db.session.expire_all()
    assert not remaining() & set(range(500, 510))


def test_a_failure_deletes_nothing_and_says_so(app_ctx, trail, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("capintra.audit.purge.record_event", broken)
    before = remaining()
    result = run(app_ctx)
    assert result.exit_code == 1
    assert "rien n’a été supprimé" in result.output
    db.session.expire_all()
    assert remaining() == before


def test_the_run_is_shown_in_french_in_the_trail(client, make, trail):
    from tests.conftest import login

    assert run(client.application).exit_code == 0
    admin = login(client, make.user("admin"))
    page = admin.get("/audit/").get_data(as_text=True)
    assert "Purge du journal des accès" in page
    assert "Événements supprimés" in page and "15/03/2026" in page


def test_a_real_run_commits_and_leaves_the_trail_closed(scratch_app, clock):
    """On a database of its own, committed for real (not the tests' rolled-back
    transaction): the command's transaction commits its deletions and its own event,
    and the next transaction finds the trail closed again."""
    app = scratch_app()
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        add("login", OLD, 1)
        add("open", RECENT, 2)
        add("update", OLD, 3)
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["purge-access-log"])
    assert result.exit_code == 0, result.output
    assert "1 événement d’accès antérieur au 15/03/2026 supprimé." in result.output

    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["open", "update", ACTION]
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM audit_event"))
        db.session.rollback()
        assert db.session.scalar(text("SELECT count(*) FROM audit_maintenance")) == 0
        db.session.remove()
