"""Writing notifications, and the few reads other packages need (the header's count).

`notify` adds rows in the caller's transaction and never commits: a notification about
an approved order commits or rolls back with the approval. Duplicates are left to the
database: an INSERT … ON CONFLICT (user_id, dedup_key) DO NOTHING (SQLite and
PostgreSQL alike) skips a key the person already has, even one another request is
inserting at the same moment — no read-then-write window, no error to catch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from capintra.auth.models import User
from capintra.extensions import db
from capintra.models import utcnow
from capintra.notifications.models import (
    DEDUP_KEY_LENGTH,
    KIND_LENGTH,
    MESSAGE_LENGTH,
    URL_LENGTH,
    Notification,
)

#: A path of the application: one leading slash (never "//host" nor "/\host"), printable
#: ASCII, no spaces. Notifications link nowhere else.
_LOCAL_PATH = re.compile(r"/(?![/\\])[!-~]*")
_KIND = re.compile(rf"[a-z][a-z0-9_]{{0,{KIND_LENGTH - 1}}}")
#: Rows per INSERT statement (SQLite binds at most 32,766 parameters per statement).
_BATCH = 500


@dataclass(frozen=True)
class Notice:
    """One notification to write (services.notify_many)."""

    user_id: int
    kind: str
    message: str
    url: str
    dedup_key: str | None = None


def notify(
    user_ids: Iterable[int], kind: str, message: str, url: str, dedup_key: str | None = None
) -> int:
    """Notify each person of `user_ids` (inactive accounts skipped), in the caller's
    transaction: `message` is French text already rendered, shown as is; `url` a path of
    the application (internal_path). With a `dedup_key`, a person who already has a
    notification of that key gets no other. Returns how many were created."""
    return notify_many(
        Notice(user_id, kind, message, url, dedup_key) for user_id in dict.fromkeys(user_ids)
    )


def notify_many(notices: Iterable[Notice]) -> int:
    """Several notifications at once (a daily producer's): one read of the accounts, one
    INSERT per 500 rows. Same rules as notify(); returns how many were created."""
    rows, seen = [], set()
    for notice in notices:
        row = _row(notice)
        key = (row["user_id"], row["dedup_key"])
        if row["dedup_key"] is not None:
            if key in seen:
                continue
            seen.add(key)
        rows.append(row)
    if not rows:
        return 0
    active = set(
        db.session.scalars(
            select(User.id).where(
                User.id.in_({row["user_id"] for row in rows}), User.active.is_(True)
            )
        )
    )
    rows = [row for row in rows if row["user_id"] in active]
    now = utcnow()
    created = 0
    for start in range(0, len(rows), _BATCH):
        batch = [{**row, "created_at": now} for row in rows[start : start + _BATCH]]
        statement = (
            _insert()
            .values(batch)
            .on_conflict_do_nothing(index_elements=["user_id", "dedup_key"])
            .returning(Notification.id)
        )
        created += len(db.session.execute(statement).all())
    return created


def _insert():
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(Notification)
    if dialect == "sqlite":
        return sqlite.insert(Notification)
    raise NotImplementedError(f"notifications: no INSERT … ON CONFLICT for {dialect}")


def _row(notice: Notice) -> dict:
    """The row of a notice, checked: these are the callers' mistakes, not the users'."""
    if not isinstance(notice.user_id, int) or isinstance(notice.user_id, bool):
        raise ValueError(f"user id {notice.user_id!r}")
    if not _KIND.fullmatch(notice.kind or ""):
        raise ValueError(f"notification kind {notice.kind!r}: a short code, e.g. task_due")
    message = " ".join((notice.message or "").split())
    if not message:
        raise ValueError("a notification needs a message")
    if len(message) > MESSAGE_LENGTH:
        message = message[: MESSAGE_LENGTH - 1].rstrip() + "…"
    if len(notice.url or "") > URL_LENGTH or not _LOCAL_PATH.fullmatch(notice.url or ""):
        raise ValueError(f"notification url {notice.url!r}: a path of the application")
    if notice.dedup_key is not None and not 0 < len(notice.dedup_key) <= DEDUP_KEY_LENGTH:
        raise ValueError(f"dedup key {notice.dedup_key!r}")
    return {
        "user_id": notice.user_id,
        "kind": notice.kind,
        "message": message,
        "url": notice.url,
        "dedup_key": notice.dedup_key,
    }


def internal_path(endpoint: str, **values) -> str:
    """The path of a route, for a notification's `url`, in a request or outside one (the
    daily job runs in a command, where url_for needs a request or SERVER_NAME)."""
    if has_request_context():
        return url_for(endpoint, **values)
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=root)
    return adapter.build(endpoint, values)


# --- reading and marking read -----------------------------------------------------------


#: The header counts unread notifications up to this many, and says « 99+ » beyond: a
#: count costs the same for ten or ten thousand (a person who never reads them).
UNREAD_SHOWN = 99

#: Built once (it keeps its cache key): every page's header asks it.
_UNREAD = select(func.count()).select_from(
    select(Notification.id)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    .limit(UNREAD_SHOWN + 1)
    .subquery()
)


def unread_count(user_id: int) -> int:
    """How many unread notifications the person has, up to UNREAD_SHOWN + 1 (more is
    « 99+ » in the header): one count over at most a hundred index entries."""
    return db.session.scalar(_UNREAD, {"user_id": user_id}) or 0


def mark_read(notification: Notification) -> None:
    """Read now (a notification already read keeps its first reading)."""
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user_id: int) -> int:
    """Every unread notification of the person read now; returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
