"""Which audit events a user may read, and which of their fields.

One rule for the audit trail and for a file's history: without the right to confidential
content, an event flagged confidential, any event about a note or document that is
confidential now, the names of sensitive fields (health, note bodies…) and of the
fields the reader may not read (`Audited.restricted`: finances for managers…) do not
exist;
a note or document shared after being confidential has no confidential past: it appears
when it was shared ("Note partagée"), as if created then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_login import current_user
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import joinedload, with_expression

from capintra import clock
from capintra.audit.classification import classification
from capintra.audit.models import AuditEvent
from capintra.confidentiality import hidden_rules, rules, unreadable_fields
from capintra.extensions import db
from capintra.features import Kind
from capintra.keyset import TAB_PAGE, Keyset, Page
from capintra.security import can, roles_of


def seen_action():
    """SQL: the action as the current reader is shown it (see without_confidential): an
    update that shared a once-confidential item reads as its sharing for those who could
    not see it."""
    shared = []
    for rule in hidden_rules():
        if rule.always or not rule.shared_action:
            continue
        was_confidential = AuditEvent.changes[(rule.column, 0)].as_boolean().is_(True)
        sharing = and_(
            AuditEvent.entity_type == rule.entity_type,
            AuditEvent.action == "update",
            was_confidential,
        )
        shared.append((sharing, literal(rule.shared_action)))
    return case(*shared, else_=AuditEvent.action) if shared else AuditEvent.action


def without_confidential(query: Select) -> Select:
    """The trail as someone without the right to confidential content sees it.

    Dropped: events flagged confidential (written while their item was confidential: its
    creation, edits, reads) and every event about an item confidential now (the
    confidentiality policy's rules the reader does not hold). The update that shared an
    item (its confidential column went from true to false) is shown as the item's
    sharing (`seen_as`, the rule's `shared_action`), with no changes (shown_changes): for
    them the item begins there. Its later edits show as usual.
    """
    conditions = [AuditEvent.confidential.is_(False)]
    for rule in hidden_rules():
        if rule.always:  # every row of the model, and so every event about one
            conditions.append(AuditEvent.entity_type.is_distinct_from(rule.entity_type))
            continue
        hidden_now = exists(
            select(rule.model.id).where(rule.model.id == AuditEvent.entity_id, rule.hidden())
        )
        conditions.append(~and_(AuditEvent.entity_type == rule.entity_type, hidden_now))
    return query.where(*conditions).options(with_expression(AuditEvent.seen_as, seen_action()))


def _shared_actions() -> set[str]:
    return {rule.shared_action for rule in rules() if rule.shared_action}


def is_sharing(event: AuditEvent) -> bool:
    """Shown as the sharing of a once-confidential item (see without_confidential)."""
    return event.seen_as in _shared_actions()


def shown_changes(event: AuditEvent, sensitive: bool) -> dict:
    """The event's changes as the reader may see them; none for a sharing (its old values
    are the confidential past).

    `sensitive`: the reader sees everything (an officer in a file's history, whoever may
    read the trail's confidential content). Otherwise sensitive field names and the
    fields the reader may not read (capintra.confidentiality) are left out.
    """
    if not event.changes or sensitive:
        return event.changes or {}
    if is_sharing(event):
        return {}
    classes = classification()
    table = event.entity_type or ""
    unreadable = unreadable_fields(table)
    return {
        k: v
        for k, v in event.changes.items()
        if not classes.is_sensitive(table, k) and k not in unreadable
    }


def readable(events: list[AuditEvent], sensitive: bool) -> list[AuditEvent]:
    """Drop events whose only changes are fields the reader may not see."""
    if sensitive:
        return events
    return [e for e in events if not e.changes or is_sharing(e) or shown_changes(e, sensitive)]


def _change_keys(dialect: str):
    """A table of the keys of the event's `changes` (a JSON object, or JSON null), per
    database: SQLite's json_each, PostgreSQL's json_object_keys (a scalar gives none)."""
    if dialect == "postgresql":
        safe = case(
            (func.json_typeof(AuditEvent.changes) == "object", AuditEvent.changes),
            else_=literal_column("'{}'::json"),
        )
        keys = func.json_object_keys(safe).table_valued("value").render_derived()
        return keys, keys.c.value
    keys = func.json_each(AuditEvent.changes).table_valued("key")
    return keys, keys.c.key


def without_unreadable(query: Select) -> Select:
    """In SQL, as `readable()` in Python: drop the events whose every changed field is one
    the reader may not see (sensitive names, restricted fields), so that a page of the
    trail is cut after them and a reader's page of 100 shows 100 rows."""
    classes = classification()
    dialect = db.session.get_bind().dialect.name
    conditions = []
    for name, table in classes.tables.items():
        hidden = {f for f, kind in table.kinds.items() if kind is Kind.SENSITIVE}
        hidden |= unreadable_fields(name)
        if not hidden:
            continue
        keys, key = _change_keys(dialect)
        # (SQLite: JSON null has one row, its key null)
        some_key = exists(select(literal(1)).select_from(keys).where(key.is_not(None)))
        a_readable_key = exists(
            select(literal(1)).select_from(keys).where(key.is_not(None), key.not_in(hidden))
        )
        conditions.append(~and_(AuditEvent.entity_type == name, some_key, ~a_readable_key))
    return query.where(*conditions)


@dataclass(frozen=True)
class TrailFilters:
    """What the reader asked for in /audit/ (all optional)."""

    user_id: int | None = None
    entity_type: str | None = None
    action: str | None = None
    #: Days in Europe/Paris, both included.
    start: date | None = None
    end: date | None = None
    household_id: int | None = None


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.PARIS).astimezone(UTC)


def trail_query(filters: TrailFilters, *, confidential: bool, bound: bool = False) -> Select:
    """The events the reader may see and asked for, newest first; what the reader may not
    see is left out here, in SQL, before any page is cut. `bound`: the filters' values
    are bound parameters (`_trail_values`), for a statement built once per shape."""

    def value(name: str, given, type_):
        return bindparam(name, type_=type_) if bound else given

    query = select(AuditEvent).options(joinedload(AuditEvent.user))
    if not confidential:
        query = without_unreadable(without_confidential(query))
    if filters.user_id is not None:
        query = query.where(AuditEvent.user_id == value("user_id", filters.user_id, Integer))
    if filters.entity_type:
        entity_type = value("entity_type", filters.entity_type, String)
        query = query.where(AuditEvent.entity_type == entity_type)
    if filters.action:
        # as the reader reads it: a manager's « Note partagée » is an update underneath
        shown = AuditEvent.action if confidential else seen_action()
        query = query.where(shown == value("action", filters.action, String))
    at = AuditEvent.at.type
    if filters.start:
        query = query.where(AuditEvent.at >= value("start", _paris_midnight(filters.start), at))
    if filters.end:
        end = _paris_midnight(filters.end + timedelta(days=1))
        query = query.where(AuditEvent.at < value("end", end, at))
    if filters.household_id is not None:
        household_id = value("household_id", filters.household_id, Integer)
        query = query.where(AuditEvent.household_id == household_id)
    return query.order_by(AuditEvent.id.desc())


def _trail_values(filters: TrailFilters) -> dict:
    values = {"user_id": filters.user_id, "entity_type": filters.entity_type}
    values |= {"action": filters.action, "household_id": filters.household_id}
    if filters.start:
        values["start"] = _paris_midnight(filters.start)
    if filters.end:
        values["end"] = _paris_midnight(filters.end + timedelta(days=1))
    return values


def _trail_page_statement(filters: TrailFilters, confidential: bool, before: bool) -> Select:
    """A page of the trail's statement, built once per shape and per application: the
    reader's roles (what they may see depends on nothing else: capintra.security), the
    filters given (not their values) and the dialect. Building it (a condition per
    confidential rule and per table with unreadable fields) took longer than running
    it."""
    shape = (
        roles_of(current_user),
        confidential,
        db.session.get_bind().dialect.name,
        before,
        # the filters given, as trail_query tests them
        filters.user_id is not None,
        bool(filters.entity_type),
        bool(filters.action),
        bool(filters.start),
        bool(filters.end),
        filters.household_id is not None,
    )
    kept = current_app.extensions.setdefault("capintra.trail_statements", {})
    statement = kept.get(shape)
    if statement is None:
        statement = trail_query(filters, confidential=confidential, bound=True)
        if before:
            statement = statement.where(AuditEvent.id < bindparam("before", type_=Integer))
        statement = statement.limit(bindparam("size", type_=Integer))
        if len(kept) > 512:  # a bound on shapes: roles × filters given
            kept.clear()
        kept[shape] = statement
    return statement


def recent_events(
    *,
    confidential: bool,
    before_id: int | None = None,
    limit: int = 100,
    filters: TrailFilters | None = None,
) -> tuple[list[AuditEvent], int | None]:
    """A page of the audit trail, newest first, and the id to continue before (or None):
    keyset pagination on the id (the order events were written in), never OFFSET.

    `confidential`: the reader may see confidential content.
    """
    filters = filters or TrailFilters()
    statement = _trail_page_statement(filters, confidential, before_id is not None)
    values = _trail_values(filters) | {"before": before_id, "size": limit + 1}
    found = list(db.session.scalars(statement, values).unique())
    next_before = found[limit - 1].id if len(found) > limit else None
    return readable(found[:limit], confidential), next_before


#: Changes of a record's content (what makes its version move).
CHANGE_ACTIONS = ("update", "delete", "restore")


def updates_since(record, version: int) -> list[AuditEvent]:
    """The changes made to `record` since its version `version`, newest first: one update
    per version step (every audited change moves the version by one)."""
    steps = record.version - version
    if steps <= 0:
        return []
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity_type == record.__tablename__,
                AuditEvent.entity_id == record.id,
                AuditEvent.action.in_(CHANGE_ACTIONS),
            )
            .options(joinedload(AuditEvent.user))
            .order_by(AuditEvent.id.desc())
            .limit(steps)
        )
    )


def sees_confidential() -> bool:
    """Whether the current reader sees, in a record's history, the events about
    confidential content (DESIGN §1: officers, and admins who read the whole trail)."""
    return can("household.confidential") or can("audit.confidential")


def reads_every_field() -> bool:
    """Whether the current reader sees, in a record's history, every field's name: only
    who reads the file's confidential content (officers). An admin is a manager: the
    fields a manager may not read (finances, health…) do not exist for them there."""
    return can("household.confidential")


#: Consultations, not changes: the audit trail shows them, a record's history does not.
CONSULTATIONS = ("open", "read_confidential", "download")


#: Audit events newest first, in the order they were written: the trail and the records'
#: histories a page at a time (the cursor of a page is an event's id).
EVENT_ORDER = Keyset(AuditEvent.id, descending=True)


def record_history(
    *about: ColumnElement[bool], after: str | None = None, size: int | None = TAB_PAGE
) -> Page[AuditEvent]:
    """A page of the changes matching any of `about` (a record's own, its parts'), newest
    first, as the current reader may see them: what they may not see is left out in SQL,
    before the page is cut."""
    query = (
        select(AuditEvent)
        .where(or_(*about), AuditEvent.action.not_in(CONSULTATIONS))
        .options(joinedload(AuditEvent.user))
    )
    return history_events(query, after=after, size=size)


def history_events(
    query: Select, *, after: str | None = None, size: int | None = TAB_PAGE
) -> Page[AuditEvent]:
    """A page of a record's history as the current reader may see it (the events about
    confidential content: sees_confidential; the fields: reads_every_field), newest
    first, after the cursor `after`."""
    if not sees_confidential():
        query = without_confidential(query)
    every_field = reads_every_field()
    if not every_field:
        query = without_unreadable(query)
    page = EVENT_ORDER.page(query, after=after, size=size)
    return Page(readable(page.rows, every_field), page.next, page.after)


def about(model: type, ids) -> ColumnElement[bool]:
    """SQL: an event about one of these rows of `model` (`ids`: a value, or a select)."""
    condition = AuditEvent.entity_type == model.__tablename__
    if isinstance(ids, int):
        return condition & (AuditEvent.entity_id == ids)
    return condition & AuditEvent.entity_id.in_(ids)
