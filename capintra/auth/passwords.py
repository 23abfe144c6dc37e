"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import re
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from capintra.text import normalise


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

#: Words that make a password guessable whatever digits or symbols surround them
#: ("Motdepasse2024!", "capintra2026", "SaintEtienne42"): zxcvbn knows English words,
#: not these.
GUESSABLE_WORDS = frozenset(
    {"motdepasse", "password", "bienvenue", "bonjour", "bonsoir", "salut", "soleil",
     "azerty", "qwerty", "azertyuiop", "qwertyuiop", "capintra", "admin", "administrateur",
     "secret", "changeme", "jetaime", "loulou", "doudou", "chouchou", "marseille", "paris",
     "lyon", "saintetienne", "saintchamond", "rivedegier", "laricamarie", "ricamarie",
     "firminy", "loire", "relogement", "menage", "printemps", "ete", "automne", "hiver",
     "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
     "octobre", "novembre", "decembre"}
)  # fmt: skip

#: zxcvbn's score (0–4) a password must reach: 3 is "safely unguessable" (10^8 guesses).
MIN_STRENGTH = 3


def common_passwords() -> frozenset[str]:
    global _common
    if _common is None:
        text = resources.files("capintra.auth").joinpath("common_passwords.txt").read_text("utf-8")
        _common = frozenset(
            line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
        )
    return _common


def _letters(password: str) -> str:
    """The password's letters alone, lower case, without accents."""
    return re.sub(r"[^a-z]", "", normalise(password))


def is_guessable(password: str, username: str = "") -> bool:
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return True
    if _letters(password) in GUESSABLE_WORDS | {_letters(p) for p in common_passwords()}:
        return True
    inputs = [username, "capintra", "saint-etienne", "firminy", "rive-de-gier"]
    return zxcvbn(password[:100], user_inputs=[i for i in inputs if i])["score"] < MIN_STRENGTH


def password_problems(password: str, username: str = "") -> list[str]:
    """French messages saying why a password is refused (empty when acceptable)."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("Au moins %(n)d caractères.", n=minimum))
    elif is_guessable(password, username):
        problems.append(
            _(
                "Ce mot de passe est trop facile à deviner ; une phrase de plusieurs mots "
                "sans rapport entre eux convient bien."
            )
        )
    if username and username.lower() in password.lower():
        problems.append(_("Le mot de passe ne doit pas contenir l’identifiant."))
    return problems
