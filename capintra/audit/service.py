"""Writing audit events: automatically for every flush, explicitly for the rest.

Inserts, updates and soft deletes of any model are recorded by a SQLAlchemy
after_flush listener, in the same transaction as the change, so a view cannot
forget them. A DELETE statement run through the session on an audited table
(`db.session.execute(delete(OrderLine).where(…))`, which no flush sees) records a
`purge` event per row it removes, read just before (a do_orm_execute listener).
UPDATE statements are not seen: the application's own change silent bookkeeping
columns only (login counters) or demo data; an edit goes through the objects.
Logins, exports, openings of a file and reads of confidential content are recorded
by record_event().
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from capintra.audit.classification import Classification, classification
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.features import Kind
from capintra.models import utcnow


def _actor() -> tuple[int | None, str | None]:
    if not has_request_context():
        return None, None
    user_id = None
    try:
        if current_user and current_user.is_authenticated:
            user_id = current_user.id
    except Exception:  # noqa: BLE001 - no user loaded (e.g. during login_manager setup)
        user_id = None
    return user_id, request.remote_addr


_PLAIN = frozenset({bool, int, float, str, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: no conversion (str enums are not plain)
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _household_id(obj: Any) -> int | None:
    """The household file an object belongs to, for the file's history tab: the file
    itself, a row with a `household_id`, or a document (any record's) owned by a file."""
    if obj.__tablename__ == "household":
        return obj.id
    if getattr(obj, "owner_type", None) == "household":
        return obj.owner_id
    return getattr(obj, "household_id", None)


def _row(
    obj: Any, action: str, changes: dict | None, actor: tuple[int | None, str | None] | None = None
) -> dict:
    user_id, ip = actor or _actor()
    return {
        "at": utcnow(),
        "user_id": user_id,
        "ip": ip,
        "action": action,
        "entity_type": obj.__tablename__,
        "entity_id": getattr(obj, "id", None),
        "household_id": _household_id(obj),
        "changes": changes,
        "confidential": bool(getattr(obj, "is_confidential_content", False)),
    }


def _columns(classes: Classification, table: str, mapper, cache: dict) -> list[tuple[str, str]]:
    """(attribute key, column name) of the columns of the object's own table the trail
    keeps (not silent): computed once per class and flush, not once per object."""
    found = cache.get((table, mapper))
    if found is None:
        found = cache[(table, mapper)] = [
            (attr.key, attr.columns[0].name)
            for attr in mapper.column_attrs
            if attr.columns[0].table.name == table
            and not classes.is_silent(table, attr.columns[0].name)
        ]
    return found


def _changes(
    classes: Classification, obj: Any, creating: bool, cache: dict | None = None
) -> dict[str, Any]:
    table = obj.__tablename__
    state = inspect(obj)
    loaded = state.dict
    changes: dict[str, Any] = {}
    for key, name in _columns(classes, table, state.mapper, {} if cache is None else cache):
        if creating:
            # What the object holds (an expired column, e.g. a server default, loads).
            value = loaded[key] if key in loaded else getattr(obj, key)
            if value is None:
                continue
            old, new = None, value
        else:
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        if classes.kind_of(table, name) is Kind.ORDINARY:
            changes[name] = [_jsonable(old), _jsonable(new)]
        else:
            changes[name] = None
    return changes


def _audited(classes: Classification, objects) -> list[Any]:
    return [
        obj
        for obj in objects
        if hasattr(obj, "__table__") and classes.is_audited(getattr(obj, "__tablename__", None))
    ]


def _after_flush(session: Session, flush_context) -> None:
    if not (session.new or session.dirty or session.deleted):
        return
    classes = classification()
    cache: dict = {}
    actor = _actor()  # once per flush, not once per object
    rows = []
    for obj in _audited(classes, session.new):
        changes = _changes(classes, obj, creating=True, cache=cache)
        rows.append(_row(obj, "create", changes, actor))
    for obj in _audited(classes, session.dirty):
        if not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes(classes, obj, creating=False, cache=cache)
        if not changes:
            continue
        action = "update"
        if "deleted_at" in changes:
            old, new = changes["deleted_at"]
            action = "delete" if old is None and new is not None else "restore"
        rows.append(_row(obj, action, changes, actor))
    for obj in _audited(classes, session.deleted):
        rows.append(_row(obj, "purge", None, actor))
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def _bulk_delete(state: ORMExecuteState) -> None:
    """Before a DELETE statement on an audited table: a `purge` event per row it will
    remove (the rows matched now, in the statement's own transaction)."""
    if not state.is_delete:
        return
    table = getattr(state.statement, "table", None)
    classes = classification()
    if table is None or "id" not in table.c or not classes.is_audited(table.name):
        return
    columns = [table.c.id]
    for name in ("household_id", "owner_type", "owner_id", "confidential"):
        if name in table.c:
            columns.append(table.c[name])
    query = select(*columns)
    if state.statement.whereclause is not None:
        query = query.where(state.statement.whereclause)
    found = state.session.execute(query, state.parameters).mappings().all()
    if not found:
        return
    user_id, ip = _actor()
    rows = []
    for row in found:
        if table.name == "household":
            household_id = row["id"]
        elif row.get("owner_type") == "household":
            household_id = row["owner_id"]
        else:
            household_id = row.get("household_id")
        rows.append(
            {
                "at": utcnow(),
                "user_id": user_id,
                "ip": ip,
                "action": "purge",
                "entity_type": table.name,
                "entity_id": row["id"],
                "household_id": household_id,
                "changes": None,
                "confidential": bool(row.get("confidential", False)),
            }
        )
    state.session.execute(insert(AuditEvent), rows)


def install_listeners() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    if not event.contains(Session, "do_orm_execute", _bulk_delete):
        event.listen(Session, "do_orm_execute", _bulk_delete)


def record_event(
    action: str,
    entity: Any = None,
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    user_id: int | None = None,
    changes: dict | None = None,
    confidential: bool = False,
    household_id: int | None = None,
) -> None:
    """Add an explicit event (login, export, opening of a file…) to the session."""
    actor_id, ip = _actor()
    if entity is not None:
        entity_type = entity.__tablename__
        entity_id = entity.id
        if household_id is None:
            household_id = _household_id(entity)
        confidential = confidential or bool(getattr(entity, "is_confidential_content", False))
    db.session.add(
        AuditEvent(
            at=utcnow(),
            user_id=user_id if user_id is not None else actor_id,
            ip=ip,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            household_id=household_id,
            changes=changes,
            confidential=confidential,
        )
    )


def record_bulk(action: str, entities: list[Any]) -> None:
    """One event per entity in a single INSERT (e.g. every confidential note a page shows).

    Executed at once, not at the next flush, so the page's loaded rows stay as they are.
    """
    if entities:
        db.session.execute(insert(AuditEvent), [_row(e, action, None) for e in entities])
