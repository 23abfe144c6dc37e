"""Account administration rules: the last admin stays; deactivation ends sessions."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.auth.services import set_password
from capintra.auth.sessions import end_user_sessions
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households.models import Household, Task
from capintra.security import Role


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.is_admin.is_(True), User.active.is_(True), User.id != user.id)
    )


def update_user(user: User, *, full_name: str, email: str, role: str, is_admin: bool) -> None:
    if user.is_admin and not is_admin and _other_active_admins(user) == 0:
        raise DomainError(_("Impossible de retirer le dernier administrateur."), user)
    user.full_name = full_name
    user.email = email
    user.role = Role(role)
    user.is_admin = is_admin


def check_deactivation(user: User) -> None:
    """Refuse (409) what deactivating would break: the last administrator."""
    if user.is_admin and _other_active_admins(user) == 0:
        raise DomainError(_("Impossible de désactiver le dernier administrateur."), user)


def deactivate_user(user: User) -> None:
    check_deactivation(user)
    user.active = False
    end_user_sessions(user.id)


def reactivate_user(user: User) -> None:
    user.active = True


def unlock_user(user: User) -> None:
    user.locked_until = None
    user.failed_logins = 0
    record_event("account_unlocked", user)


def reset_password(user: User, password: str) -> None:
    """Set a temporary password: the user must change it at next login."""
    set_password(user, password, must_change=True)
    record_event("password_reset", user)


def reassign_files(from_officer: User, to_officer: User) -> int:
    """Move every file of an officer, and the open tasks on them, to another officer.

    Row by row through the ORM so each change is an audit event. Returns the count.
    """
    if to_officer.id == from_officer.id:
        raise DomainError(_("Choisissez un autre référent que le titulaire actuel."))
    if to_officer.role is not Role.OFFICER or not to_officer.active:
        raise DomainError(_("Le nouveau référent doit être un(e) chargé(e) actif(ve)."))
    households = db.session.scalars(
        select(Household).where(
            Household.officer_id == from_officer.id, Household.deleted_at.is_(None)
        )
    ).all()
    for household in households:
        household.officer_id = to_officer.id
    tasks = db.session.scalars(
        select(Task).where(
            Task.assignee_id == from_officer.id,
            Task.done.is_(False),
            Task.deleted_at.is_(None),
            Task.household_id.in_([h.id for h in households]),
        )
    ).all()
    for task in tasks:
        task.assignee_id = to_officer.id
    db.session.flush()
    return len(households)
