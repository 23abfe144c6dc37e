"""Configuration read from CAPINTRA_* environment variables, with working defaults."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _instance_secret(instance_path: Path) -> str:
    """Return the secret key kept in the instance folder, creating it (mode 600) once."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return key_file.read_text().strip()


class Config:
    """Production-shaped defaults for one machine."""

    TESTING = False
    DEMO = os.environ.get("CAPINTRA_DEMO") == "1"
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("CAPINTRA_DATABASE_URL")
    SECRET_KEY: str | None = os.environ.get("CAPINTRA_SECRET_KEY")
    UPLOAD_DIR: str | None = os.environ.get("CAPINTRA_UPLOAD_DIR")
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True, "pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # Sessions live in the database; the cookie carries only a random id.
    SESSION_COOKIE_NAME = "capintra_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("CAPINTRA_SECURE_COOKIES") == "1"
    #: Reverse proxies in front (nginx: 1) whose X-Forwarded-For/-Proto are trusted, so
    #: the audit trail records the client's address, not the proxy's.
    PROXY_COUNT = int(os.environ.get("CAPINTRA_PROXY_COUNT", "0") or 0)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)

    # CSRF token valid for the whole session, so a page left open still works.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False

    MAX_CONTENT_LENGTH = 10 * 1024 * 1024 + 64 * 1024  # 10 MB documents plus form fields
    MAX_DOCUMENT_SIZE = 10 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

    #: Whom to call when an account is locked: said on the login page after a failure.
    SUPPORT_CONTACT = os.environ.get("CAPINTRA_SUPPORT_CONTACT", "")
    LOGIN_MAX_FAILURES = 10
    LOGIN_LOCK_DURATION = timedelta(minutes=15)
    PASSWORD_MIN_LENGTH = 12

    # argon2id parameters (argon2-cffi's RFC 9106 low-memory profile).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    PAGE_SIZE = 50


class TestConfig(Config):
    """Tests: cheap hashing, a database given by the test run, no demo guard."""

    TESTING = True
    DEMO = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("CAPINTRA_TEST_DATABASE_URL")
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    PAGE_SIZE = 20
