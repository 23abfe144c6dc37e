"""Factories: objects with sensible defaults, overridable by keyword."""

from __future__ import annotations

import itertools
from datetime import date

from capintra.admin.models import Operation
from capintra.auth.models import User
from capintra.auth.passwords import hash_password
from capintra.extensions import db
from capintra.security import Role

PASSWORD = "correct horse battery staple"  # noqa: S105
_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def user(role: str = "officer", *, admin: bool = False, password: str = PASSWORD, **kw) -> User:
    """role: officer | assistant | manager | admin (a manager with the admin flag)."""
    if role == "admin":
        role, admin = "manager", True
    n = next(_seq)
    obj = User(
        username=kw.pop("username", f"{role}{n}"),
        full_name=kw.pop("full_name", f"Personne {n}"),
        email=kw.pop("email", f"{role}{n}@example.org"),
        role=Role(role),
        is_admin=admin,
        active=kw.pop("active", True),
        password_hash=_hash(password),
        must_change_password=kw.pop("must_change_password", False),
        failed_logins=0,
        **kw,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def operation(**kw) -> Operation:
    n = next(_seq)
    obj = Operation(
        name=kw.pop("name", f"Opération {n}"),
        communes=kw.pop("communes", ["Saint-Étienne"]),
        procedures=kw.pop("procedures", ["opah_ru"]),
        start_date=kw.pop("start_date", date(2024, 1, 1)),
        **kw,
    )
    db.session.add(obj)
    db.session.commit()
    return obj
