"""Domain errors: a business rule refuses the action (DESIGN §4).

Services raise them; `capintra.web.errors` turns them into the 409 page or htmx box.
They belong to the core so that services never import the web layer.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import object_session


class DomainError(Exception):
    """A business rule refuses the action: 409 with the reason and the current state."""

    status = 409

    def __init__(self, message: str, obj: Any = None):
        super().__init__(message)
        self.message = message
        self.obj = obj


class IllegalTransition(DomainError):
    pass


class InvalidInput(DomainError):
    """A value the form could not judge alone (a date before the order's, a missing
    reason): the form again with the message on `field` when given, 422, nothing
    written."""

    status = 422

    def __init__(self, message: str, obj: Any = None, field: str | None = None):
        super().__init__(message, obj)
        self.field = field


class StaleVersion(DomainError):
    """The record changed since the form was shown."""

    def __init__(self, obj: Any):
        super().__init__(
            _(
                "Ce dossier a été modifié par quelqu’un d’autre pendant que vous le lisiez. "
                "Vos saisies sont affichées à côté des valeurs actuelles : reprenez-les puis "
                "enregistrez à nouveau."
            ),
            obj,
        )


def check_version(obj: Any, submitted: Any) -> None:
    """Compare the version the form carried with the record's (raises StaleVersion).

    The record's row is locked first (see `_committed_version`): two saves of one
    version at once end as one save and one StaleVersion — the refusal with both
    versions — never as a bare conflict when the second one writes."""
    try:
        shown = int(submitted)
    except (TypeError, ValueError):
        raise StaleVersion(obj) from None
    if _committed_version(obj) != obj.version:
        # Saved by someone else since this request read it: the refusal shows the record
        # as it is now, not as this request first read it.
        _reload_columns(obj)
        raise StaleVersion(obj)
    if shown != obj.version:
        raise StaleVersion(obj)


def _committed_version(obj: Any) -> int:
    """The record's version as last committed, its row locked until the transaction ends.

    PostgreSQL: `SELECT … FOR NO KEY UPDATE` (the lock the save's UPDATE takes anyway,
    taken before the check: rows that point to this one may still be inserted) waits for
    a concurrent save of the row to commit, then reads its new version (read
    committed). SQLite: the POST's transaction began with the write lock (`BEGIN
    IMMEDIATE`, capintra/database.py), so the row read is already the last committed
    one and nobody writes beside us."""
    session = object_session(obj)
    if session is None or not sa_inspect(obj).persistent:
        return obj.version
    if session.get_bind().dialect.name == "sqlite":
        return obj.version
    mapper = sa_inspect(obj).mapper
    key = mapper.primary_key_from_instance(obj)
    statement = (
        select(mapper.version_id_col)
        .where(*(column == value for column, value in zip(mapper.primary_key, key, strict=True)))
        .with_for_update(key_share=True)
    )
    with session.no_autoflush:
        return session.execute(statement).scalar_one()


def _reload_columns(obj: Any) -> None:
    mapper = sa_inspect(obj).mapper
    names = [prop.key for prop in mapper.column_attrs if not prop.deferred]
    object_session(obj).refresh(obj, attribute_names=names)
