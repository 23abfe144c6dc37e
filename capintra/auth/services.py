"""Signing in, locking, changing passwords."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.auth.passwords import hash_password, password_problems, verify_password
from capintra.auth.sessions import end_user_sessions
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.models import utcnow
from capintra.security import Role


class PasswordRefused(DomainError):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def authenticate(username: str, password: str) -> User | None:
    """Return the user if the password is right and the account usable; count failures.

    Unknown user, wrong password, locked or deactivated account: the caller gets None
    and shows the same message. The hash is checked outside any transaction (no lock is
    held while it runs); the outcome is then decided under the account's lock (row lock
    on PostgreSQL, the write lock on SQLite), so parallel guesses are counted one after
    the other and the lock holds at the 10th. The caller commits before it answers.
    """
    user = find_user(username)
    user_id, password_hash = (user.id, user.password_hash) if user else (None, None)
    db.session.rollback()
    ok = verify_password(password_hash, password)
    if user_id is None:
        record_event("login_failed", entity_type="user_account")
        return None
    user = db.session.scalar(
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    now = utcnow()
    if user is None:  # deleted meanwhile
        record_event("login_failed", entity_type="user_account")
        return None
    if ok and user.password_hash == password_hash and user.active and not user.is_locked(now):
        # Bookkeeping, not an edit: in SQL, so the version an admin's open form carries
        # stays valid.
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=None, last_login_at=now)
        )
        record_event("login", user, user_id=user.id)
        return user
    record_event("login_failed", user, user_id=user.id)
    if not user.is_locked(now):
        count_failure(user, now)  # the 10th failure locks, after its own event
    return None


def count_failure(user: User, now=None) -> bool:
    """Count a wrong password; lock the account for 15 minutes at the 10th.

    Incremented in SQL, so concurrent workers cannot lose a failure. Returns True when
    this failure locked the account.
    """
    now = now or utcnow()
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    failures = db.session.scalar(select(User.failed_logins).where(User.id == user.id))
    if failures < current_app.config["LOGIN_MAX_FAILURES"]:
        return False
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=0, locked_until=now + current_app.config["LOGIN_LOCK_DURATION"])
        .execution_options(synchronize_session=False)
    )
    record_event("account_locked", user, user_id=user.id)
    return True


def validate_new_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise PasswordRefused(problems)


def set_password(user: User, password: str, *, must_change: bool = False) -> None:
    """Set a password (policy checked) and end every open session of the user."""
    validate_new_password(password, user.username)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_user_sessions(user.id)


def create_user(
    username: str,
    role: Role | str,
    password: str,
    *,
    full_name: str = "",
    email: str = "",
    is_admin: bool = False,
    must_change_password: bool = False,
) -> User:
    username = normalise_username(username)
    if not username or len(username) > 64:
        raise DomainError(_("Identifiant vide ou trop long (64 caractères au plus)."))
    if db.session.scalar(select(func.count()).where(User.username == username)):
        raise DomainError(_("L’identifiant %(u)s existe déjà.", u=username))
    validate_new_password(password, username)
    user = User(
        username=username,
        role=Role(role),
        full_name=full_name,
        email=email,
        is_admin=is_admin,
        active=True,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
        failed_logins=0,
    )
    db.session.add(user)
    db.session.flush()
    return user
