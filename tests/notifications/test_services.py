"""notify(): rows in the caller's transaction, inactive accounts skipped, one per dedup
key even when two transactions race for it; the checks on what callers pass."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from capintra.auth.models import User
from capintra.extensions import db
from capintra.households.models import Household
from capintra.notifications.models import MESSAGE_LENGTH, Notification
from capintra.notifications.services import (
    Notice,
    internal_path,
    mark_all_read,
    notify,
    notify_many,
    unread_count,
)
from tests import factories
from tests.databases import migrate
from tests.notifications import make as notes


def test_notify_adds_rows_in_the_callers_transaction(make):
    officer, manager = make.user("officer"), make.user("manager")
    created = notify([officer.id, manager.id, officer.id], "order_submitted",
                     "Bon de commande à approuver.", "/orders/")  # fmt: skip
    assert created == 2
    db.session.rollback()  # the caller changes its mind: nothing was committed
    assert notes.count() == 0


def test_notify_skips_inactive_accounts(make):
    active, gone = make.user("officer"), make.user("officer", active=False)
    assert notify([active.id, gone.id, 2_000_000], "task_due", "Tâche.", "/") == 1
    db.session.commit()
    assert [n.user_id for n in db.session.scalars(select(Notification))] == [active.id]


def test_a_dedup_key_notifies_each_person_once(make):
    first, second = make.user("officer"), make.user("assistant")
    assert notify([first.id], "task_due", "Tâche.", "/", dedup_key="task:1:2026-11-30") == 1
    db.session.commit()
    assert notify([first.id, second.id], "task_due", "Tâche.", "/",
                  dedup_key="task:1:2026-11-30") == 1  # fmt: skip
    assert notify([first.id], "task_due", "Tâche.", "/", dedup_key="task:1:2026-12-01") == 1
    # Without a key, every call notifies.
    assert notify([first.id], "welcome", "Bonjour.", "/") == 1
    assert notify([first.id], "welcome", "Bonjour.", "/") == 1
    db.session.commit()
    assert len(notes.rows_of(first)) == 4 and len(notes.rows_of(second)) == 1


def test_duplicates_within_one_call_make_one_row(make):
    user = make.user("officer")
    notice = Notice(user.id, "task_due", "Tâche.", "/", "task:7:2026-11-30")
    assert notify_many([notice, notice]) == 1


def test_a_duplicate_leaves_the_callers_transaction_usable(make):
    user = make.user("officer")
    household = make.household()
    notes.notification(user, dedup_key="task:3:2026-11-30")
    household.name = "NOUVEAU Nom"
    assert notify([user.id], "task_due", "Tâche.", "/", dedup_key="task:3:2026-11-30") == 0
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Household, household.id).name == "NOUVEAU Nom"


def test_two_transactions_racing_for_one_dedup_key_make_one_row(scratch_app):
    """Two workers notify the same person about the same thing at the same moment, each
    in its own transaction held open a while: one row, and neither fails."""
    app = scratch_app()
    migrate(app)
    with app.app_context():
        user_id = factories.user("officer").id
        db.session.remove()
    start = threading.Barrier(2)
    created, errors = [], []

    def worker():
        with app.app_context():
            try:
                start.wait(timeout=10)
                created.append(
                    notify([user_id], "task_due", "Tâche.", "/", dedup_key="task:1:2026-11-30")
                )
                time.sleep(0.3)  # both transactions in flight
                db.session.commit()
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(created) == [0, 1]
    with app.app_context():
        rows = db.session.scalars(select(Notification)).all()
        assert [(r.user_id, r.dedup_key) for r in rows] == [(user_id, "task:1:2026-11-30")]
        db.session.remove()


def test_a_long_message_is_cut_at_the_column_size(make):
    user = make.user("officer")
    notify([user.id], "task_due", "é" * 600, "/")
    db.session.commit()
    (row,) = notes.rows_of(user)
    assert len(row.message) == MESSAGE_LENGTH and row.message.endswith("…")


@pytest.mark.parametrize(
    ("kind", "message", "url"),
    [
        ("task_due", "Tâche.", "https://example.org/"),
        ("task_due", "Tâche.", "//example.org/"),
        ("task_due", "Tâche.", "/\\example.org/"),
        ("task_due", "Tâche.", "households/1"),
        ("task_due", "Tâche.", "/" + "a" * 300),
        ("task_due", "Tâche.", "/a b"),
        ("Task due", "Tâche.", "/"),
        ("", "Tâche.", "/"),
        ("task_due", "  ", "/"),
    ],
)
def test_what_callers_pass_is_checked(make, kind, message, url):
    user = make.user("officer")
    with pytest.raises(ValueError):
        notify([user.id], kind, message, url)


def test_internal_path_outside_a_request(app_ctx):
    assert internal_path("households.tab_tasks", household_id=12) == "/households/12/tasks"
    with app_ctx.test_request_context("/"):
        assert internal_path("notifications.index") == "/notifications/"


def test_unread_count_and_mark_all_read(make):
    user, other = make.user("officer"), make.user("officer")
    for _ in range(3):
        notes.notification(user)
    notes.notification(user, read=True)
    notes.notification(other)
    assert unread_count(user.id) == 3
    assert mark_all_read(user.id) == 3
    assert unread_count(user.id) == 0 and unread_count(other.id) == 1


def test_a_deactivated_account_keeps_its_rows_but_gets_no_new_ones(make):
    user = make.user("officer")
    notes.notification(user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert notify([user.id], "task_due", "Tâche.", "/") == 0
    assert len(notes.rows_of(user)) == 1


def test_the_header_counts_up_to_99_and_says_99_plus_beyond(make, login_as):
    """The header's count reads at most a hundred index entries, whatever the number of
    unread notifications (someone who never reads them)."""
    from capintra.notifications.services import UNREAD_SHOWN

    user = make.user("officer")
    for _ in range(UNREAD_SHOWN):
        notes.notification(user)
    assert unread_count(user.id) == UNREAD_SHOWN
    browser = login_as(user)
    html = browser.get("/notifications/").get_data(as_text=True)
    assert ">99</span>" in html and "(99 non lues)" in html
    for _ in range(30):
        notes.notification(user)
    assert unread_count(user.id) == UNREAD_SHOWN + 1  # counted no further
    html = browser.get("/notifications/").get_data(as_text=True)
    assert ">99+</span>" in html and "(plus de 99 non lues)" in html
