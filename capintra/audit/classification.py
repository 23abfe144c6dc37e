"""Every audited column, classified once: ordinary, personal or sensitive.

Audit events keep old → new values for ordinary columns only; for personal and
sensitive columns they keep the field name. A table or column missing here fails
tests/audit/test_classification.py, so a new model cannot slip through unclassified.
"""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    ORDINARY = "ordinary"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


O, P, S = Kind.ORDINARY, Kind.PERSONAL, Kind.SENSITIVE

_COMMON = {"id": O, "version": O, "created_at": O, "updated_at": O}
_SOFT = {"deleted_at": O}

#: Tables that are not audited themselves: the trail, and the session store.
NOT_AUDITED = frozenset({"audit_event", "web_session", "alembic_version"})

#: Bookkeeping columns whose change alone makes no event (explicit events cover them,
#: or they change with every edit).
SILENT = frozenset(
    {
        ("*", "version"),
        ("*", "updated_at"),
        ("user_account", "last_login_at"),
        ("user_account", "failed_logins"),
        ("user_account", "locked_until"),
        ("household", "search_key"),
    }
)

COLUMNS: dict[str, dict[str, Kind]] = {
    "user_account": {
        **_COMMON,
        "username": P,
        "full_name": P,
        "email": P,
        "role": O,
        "is_admin": O,
        "active": O,
        "password_hash": S,
        "must_change_password": O,
        "last_login_at": O,
        "failed_logins": O,
        "locked_until": O,
    },
    "operation": {
        **_COMMON,
        "name": O,
        "communes": O,
        "procedures": O,
        "concession_ref": O,
        "funders": O,
        "priority_area": O,
        "start_date": O,
        "end_date": O,
        "active": O,
    },
}


def kind_of(table: str, column: str) -> Kind:
    return COLUMNS[table][column]


def is_silent(table: str, column: str) -> bool:
    return ("*", column) in SILENT or (table, column) in SILENT
