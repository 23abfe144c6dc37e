"""Files on disk are their owner's only (issue 8, DESIGN §5): the SQLite database and
its WAL and shared-memory files, the secret key, the instance folder and the uploads,
whatever the umask of whoever runs `make run`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from capintra import create_app
from capintra.config import TestConfig
from capintra.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _loose_umask():
    os.umask(0o022)  # the usual one: files 644, folders 755 unless asked otherwise


def test_init_db_creates_owner_only_files(tmp_path):
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPINTRA_")}
    env["CAPINTRA_INSTANCE_PATH"] = str(instance)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "capintra", "init-db"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        preexec_fn=_loose_umask,  # noqa: PLW1509 - no threads in the child yet
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert mode(instance) == 0o700
    assert mode(instance / "capintra.db") == 0o600
    assert mode(instance / "secret_key") == 0o600
    for leftover in ("capintra.db-wal", "capintra.db-shm"):
        if (instance / leftover).exists():
            assert mode(instance / leftover) == 0o600, leftover


def test_the_wal_files_of_a_running_app_are_owner_only(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'run.db'}"
        UPLOAD_DIR = str(tmp_path / "uploads")

    previous = os.umask(0o022)
    try:
        app = create_app(Config)
        with app.app_context():
            db.session.execute(text("CREATE TABLE probe (x INTEGER)"))
            db.session.execute(text("INSERT INTO probe VALUES (1)"))
            db.session.commit()
            wal, shm = tmp_path / "run.db-wal", tmp_path / "run.db-shm"
            assert wal.exists() and shm.exists()  # the connection is still open (pool)
            assert (mode(tmp_path / "run.db"), mode(wal), mode(shm)) == (0o600,) * 3
            db.engine.dispose()
    finally:
        os.umask(previous)


def test_an_existing_database_left_readable_is_narrowed(tmp_path):
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
        UPLOAD_DIR = str(tmp_path / "uploads")

    create_app(Config)
    assert mode(path) == 0o600
