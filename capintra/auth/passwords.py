"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and answer False."""
    hasher = _hasher()
    if not password_hash:
        hasher.hash(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_common: frozenset[str] | None = None


def common_passwords() -> frozenset[str]:
    global _common
    if _common is None:
        text = resources.files("capintra.auth").joinpath("common_passwords.txt").read_text("utf-8")
        _common = frozenset(
            line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
        )
    return _common


def password_problems(password: str, username: str = "") -> list[str]:
    """French messages saying why a password is refused (empty when acceptable)."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("Au moins %(n)d caractères.", n=minimum))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        problems.append(_("Ce mot de passe est trop courant ; choisissez-en un autre."))
    if username and username.lower() in lowered:
        problems.append(_("Le mot de passe ne doit pas contenir l'identifiant."))
    return problems
