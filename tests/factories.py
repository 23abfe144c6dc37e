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


def household(operation_id: int | None = None, **kw):
    """A household file with a reference, through the service (search key kept)."""
    from capintra.households.models import Household, Phase
    from capintra.households.services import assign_reference

    if operation_id is None:
        operation_id = operation().id
    n = next(_seq)
    obj = Household(
        operation_id=operation_id,
        name=kw.pop("name", f"DUPONT Famille{n}"),
        address=kw.pop("address", f"{n} rue de la République"),
        commune=kw.pop("commune", "Saint-Étienne"),
        phase=kw.pop("phase", Phase.A_RENCONTRER),
        **kw,
    )
    assign_reference(obj)
    db.session.commit()
    return obj


def member(household_obj, **kw):
    from capintra.households.models import Member, Relation

    obj = Member(
        household_id=household_obj.id,
        last_name=kw.pop("last_name", "DUPONT"),
        first_name=kw.pop("first_name", "Marie"),
        relation=kw.pop("relation", Relation.CONJOINT),
        **kw,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def note(household_obj, *, confidential: bool = True, author=None, **kw):
    from capintra.households.models import Note, NoteKind

    obj = Note(
        household_id=household_obj.id,
        kind=kw.pop("kind", NoteKind.ENTRETIEN),
        note_date=kw.pop("note_date", date(2026, 11, 20)),
        body=kw.pop("body", "Entretien au domicile."),
        author_id=author.id if author else None,
        confidential=confidential,
        **kw,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def letter(household_obj, **kw):
    from capintra.households.models import Letter, LetterChannel, LetterDirection

    obj = Letter(
        household_id=household_obj.id,
        letter_date=kw.pop("letter_date", date(2026, 11, 2)),
        direction=kw.pop("direction", LetterDirection.SENT),
        channel=kw.pop("channel", LetterChannel.LRAR),
        subject=kw.pop("subject", "Convocation à un entretien"),
        **kw,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def task(household_obj=None, **kw):
    from capintra.households.models import Task

    obj = Task(
        household_id=household_obj.id if household_obj else None,
        title=kw.pop("title", "Rappeler le ménage"),
        due_date=kw.pop("due_date", date(2026, 11, 30)),
        **kw,
    )
    db.session.add(obj)
    db.session.commit()
    return obj
