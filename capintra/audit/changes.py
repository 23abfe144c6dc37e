"""When the data last changed, and figures kept until it changes again.

Every change of a record leaves an audit event in its own transaction (capintra.audit.
service: inserts, updates, soft and hard deletes through the session, and the commands'
statements — split, disposal list — by their named event). The newest change event's id
is therefore a stamp of the whole database: read in one statement of index seeks
(`ix_audit_event_action_id`), it moves whenever anything a page could show moves.

`until_changed(key, compute)` keeps what `compute` returned, per application (each
worker process has its own), until the stamp moves or `MAX_AGE` has passed — the bound
for what changes without the application (a statement run by hand, a restored backup)
and for PostgreSQL's ids, which may commit out of order. Reports that read the whole
database (seconds at 50,000 households) are computed again only after a change.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, g, has_app_context
from sqlalchemy import Select, event, func, select, union_all
from sqlalchemy.orm import Session

from capintra.audit.models import AuditEvent
from capintra.extensions import db

#: The audit actions that record a change of data (the others record reads, exports,
#: logins: nothing a report shows).
CHANGE_ACTIONS = (
    "create",
    "update",
    "delete",
    "restore",
    "purge",
    "split",
    "disposal_list_applied",
)
#: Seconds a kept value is trusted at most, even with no change recorded.
MAX_AGE = 300.0
#: Values kept per application and namespace (a key's first item) unless told otherwise:
#: the least recently used goes first.
MAX_ENTRIES = 32
_EXTENSION = "capintra.until_changed"
#: The stamp read once per request (flask.g), forgotten at the request's own flushes.
_REQUEST_STAMP = "capintra_last_change"

T = TypeVar("T")


@functools.cache
def _last_change_statement() -> Select:
    """Built once per process: building it (seven selects in a union) took a hundred
    times longer than running it."""
    newest = union_all(
        *(
            select(func.max(AuditEvent.id).label("id")).where(AuditEvent.action == action)
            for action in CHANGE_ACTIONS
        )
    ).subquery()
    return select(func.max(newest.c.id))


def last_change() -> int:
    """The id of the newest change event (0 before any)."""
    return db.session.scalar(_last_change_statement()) or 0


@dataclass
class _Kept:
    stamp: int
    at: float
    value: Any


class Kept:
    """An application's kept values of one namespace (thread-safe: gunicorn may run
    threads)."""

    def __init__(self, room: int = MAX_ENTRIES) -> None:
        self._values: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.room = room

    def get(self, key: Hashable, stamp: int) -> _Kept | None:
        with self._lock:
            kept = self._values.get(key)
            if kept is None or kept.stamp != stamp or time.monotonic() - kept.at > MAX_AGE:
                return None
            self._values.move_to_end(key)
            return kept

    def put(self, key: Hashable, stamp: int, value: Any) -> None:
        with self._lock:
            self._values[key] = _Kept(stamp, time.monotonic(), value)
            self._values.move_to_end(key)
            while len(self._values) > self.room:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class KeptValues:
    """An application's namespaces of kept values."""

    def __init__(self) -> None:
        self._spaces: dict[Hashable, Kept] = {}
        self._lock = threading.Lock()

    def space(self, name: Hashable, room: int) -> Kept:
        with self._lock:
            return self._spaces.setdefault(name, Kept(room))

    def clear(self) -> None:
        with self._lock:
            for space in self._spaces.values():
                space.clear()


def kept_values(app=None) -> KeptValues:
    app = app or current_app
    return app.extensions.setdefault(_EXTENSION, KeptValues())


def detached(records) -> None:
    """Takes kept records out of the request's session: a commit later in the request
    would expire them, and the next request could not read them."""
    for record in records:
        if record in db.session:
            db.session.expunge(record)


def _stamp() -> int:
    """`last_change()` once per request (a dashboard asks for each of its sections),
    read again after any flush of the request's own changes."""
    if not has_app_context():
        return last_change()
    stamp = g.get(_REQUEST_STAMP)
    if stamp is None:
        stamp = last_change()
        setattr(g, _REQUEST_STAMP, stamp)
    return stamp


def _forget_stamp(session: Session, flush_context) -> None:
    if has_app_context():
        g.pop(_REQUEST_STAMP, None)


def install_listeners() -> None:
    if not event.contains(Session, "after_flush", _forget_stamp):
        event.listen(Session, "after_flush", _forget_stamp)


def until_changed(key: tuple, compute: Callable[[], T], *, room: int = MAX_ENTRIES) -> T:
    """`compute()`, or what it returned for `key` when nothing has changed since. The
    key's first item names its namespace, which keeps `room` values at most."""
    stamp = _stamp()
    kept = kept_values().space(key[0], room)
    found = kept.get(key, stamp)
    if found is not None:
        return found.value
    value = compute()
    kept.put(key, stamp, value)
    return value
