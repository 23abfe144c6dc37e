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


ORD, PER, SEN = Kind.ORDINARY, Kind.PERSONAL, Kind.SENSITIVE

_COMMON = {"id": ORD, "version": ORD, "created_at": ORD, "updated_at": ORD}
_SOFT = {"deleted_at": ORD}

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
        "username": PER,
        "full_name": PER,
        "email": PER,
        "role": ORD,
        "is_admin": ORD,
        "active": ORD,
        "password_hash": SEN,
        "must_change_password": ORD,
        "last_login_at": ORD,
        "failed_logins": ORD,
        "locked_until": ORD,
    },
    "operation": {
        **_COMMON,
        "name": ORD,
        "communes": ORD,
        "procedures": ORD,
        "concession_ref": ORD,
        "funders": ORD,
        "priority_area": ORD,
        "start_date": ORD,
        "end_date": ORD,
        "active": ORD,
    },
}


def kind_of(table: str, column: str) -> Kind:
    return COLUMNS[table][column]


def is_silent(table: str, column: str) -> bool:
    return ("*", column) in SILENT or (table, column) in SILENT
