"""Demo data of the accounts: the four demo users (`seed-demo`), and an example account
(the administration's <user_id> routes use it in the generated route tests)."""

from __future__ import annotations

import functools
import itertools
import secrets
from collections.abc import Callable

from capintra.auth.models import User
from capintra.auth.passwords import hash_password
from capintra.auth.services import create_user
from capintra.demo import DemoContext
from capintra.extensions import db
from capintra.security import Role

#: (line label, username, full name, role, is_admin)
DEMO_USERS = [
    ("officer", "claire.morel", "Claire Morel", Role.OFFICER, False),
    ("assistant", "nadia.benali", "Nadia Benali", Role.ASSISTANT, False),
    ("manager", "jerome.faure", "Jérôme Faure", Role.MANAGER, False),
    ("admin", "helene.roux", "Hélène Roux", Role.MANAGER, True),
]


def seed_accounts(users, make_password: Callable[[], str]) -> tuple[list[User], list[str]]:
    """The demo accounts; returns them and their 'label username password' lines."""
    made, lines = [], []
    for label, username, full_name, role, is_admin in users:
        password = make_password()
        made.append(create_user(username, role, password, full_name=full_name, is_admin=is_admin))
        lines.append(f"{label} {username} {password}")
    return made, lines


def load(context: DemoContext) -> None:
    users, lines = seed_accounts(DEMO_USERS, context.make_password)
    context.accounts.extend(lines)
    context.created["auth"] = users


# --- examples for the route tests -----------------------------------------------------------

_examples = itertools.count(1)


@functools.cache
def _unknown_password_hash() -> str:
    """A real hash of a password nobody knows (hashing is slow: once per process)."""
    return hash_password(secrets.token_urlsafe(24))


def example_user(role: Role = Role.OFFICER) -> User:
    """An active account (an officer), flushed."""
    n = next(_examples)
    user = User(
        username=f"exemple.{role.value}{n}.{secrets.token_hex(3)}",
        full_name=f"Compte d'exemple {n}",
        email="",
        role=role,
        is_admin=False,
        active=True,
        password_hash=_unknown_password_hash(),
        must_change_password=False,
        failed_logins=0,
    )
    db.session.add(user)
    db.session.flush()
    return user
