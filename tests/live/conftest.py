"""Live tests: the real server, started as `make run` starts it (gunicorn -c gunicorn.conf.py
wsgi:app, 2 sync workers), on a throw-away database of the same kind as the test run
(SQLite file by default, a PostgreSQL schema when CAPINTRA_TEST_DATABASE_URL is set),
migrated with the app's migrations. One server per test module:

    pytestmark = LIVE

    def test_x(live):
        username = live.user("officer")                 # committed, password factories.PASSWORD
        household = live.run(lambda: factories.household())
        client = live.client().login(username)
        assert client.get(f"/households/{household.id}").status == 200
        assert live.count(AuditEvent, AuditEvent.action == "open") == 1

When an answer is not the expected one, `live.errors_since(mark)` says what the server
logged meanwhile (the last line of each traceback, counted).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from capintra.extensions import db
from tests import factories
from tests.conftest import make_test_app
from tests.databases import dispose, migrate, scratch_database
from tests.live.client import Client

ROOT = Path(__file__).resolve().parents[2]

#: Put `pytestmark = LIVE` in every live test module.
LIVE = pytest.mark.live

#: Seconds gunicorn may take to answer /healthz.
START_TIMEOUT = 30

#: The last line of a traceback in the error log: "sqlalchemy.exc.OperationalError: …".
_EXCEPTION_LINE = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Exception|Warning)\b: .*")
_CHAINED = ("The above exception", "During handling of the above exception")


@dataclass
class LiveServer:
    base_url: str
    app: Any  # the tests' app on the same database: factories, counts
    process: subprocess.Popen
    stdout_path: Path
    stderr_path: Path
    upload_dir: Path

    def client(self) -> Client:
        """A browser with no cookie."""
        return Client(self.base_url)

    def signed_in(self, role: str = "officer", **kw) -> Client:
        """A new user of this role, signed in on a new browser (with its CSRF token)."""
        return self.client().login(self.user(role, **kw))

    # --- the database -----------------------------------------------------------------

    def run(self, fn: Callable[[], Any]) -> Any:
        """Run fn in the app (factories welcome) and commit; returns what fn returns."""
        with self.app.app_context():
            try:
                result = fn()
                db.session.commit()
                if isinstance(result, db.Model):
                    db.session.refresh(result)
                    db.session.expunge(result)
                return result
            finally:
                db.session.remove()

    def user(self, role: str = "officer", **kw) -> str:
        """A user who can sign in with factories.PASSWORD: their username."""
        return self.run(lambda: factories.user(role, **kw)).username

    def scalars(self, statement) -> list:
        """Read only: the rows (objects detached with their columns loaded, or values)."""
        with self.app.app_context():
            try:
                rows = list(db.session.scalars(statement))
                for row in rows:
                    if isinstance(row, db.Model):
                        db.session.expunge(row)
                return rows
            finally:
                db.session.remove()

    def count(self, model, *criteria) -> int:
        return self.run(
            lambda: db.session.scalar(select(func.count()).select_from(model).where(*criteria))
        )

    # --- the server's log -------------------------------------------------------------

    def mark(self) -> int:
        """Where the error log ends now (for errors_since)."""
        return self.stderr_path.stat().st_size

    def errors_since(self, mark: int) -> Counter:
        """Exceptions the server logged since mark, by their last traceback line."""
        with open(self.stderr_path, "rb") as log:
            log.seek(mark)
            text = log.read().decode("utf-8", "replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        following = [*lines[1:], ""] if lines else []
        errors: Counter = Counter()
        for line, after in zip(lines, following, strict=True):
            # A chained exception is counted once, by the last exception of its traceback.
            if not _EXCEPTION_LINE.match(line) or after.startswith(_CHAINED):
                continue
            if after.startswith("("):  # SQLAlchemy's message goes on: "(sqlite3.…) …"
                line = f"{line} {after}"
            errors[line[:300]] += 1
        return errors

    def explain(self, mark: int) -> str:
        errors = self.errors_since(mark)
        if not errors:
            return "server logged no exception"
        return "server logged:\n" + "\n".join(f"  {n} × {line}" for line, n in errors.items())

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_env(database_url: str, tmp: Path, port: int) -> dict[str, str]:
    # Nothing of the caller's CAPINTRA_* settings (demo, proxies, secure cookies…) leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPINTRA_")}
    env.update(
        CAPINTRA_BIND=f"127.0.0.1:{port}",
        CAPINTRA_WORKERS="2",
        CAPINTRA_INSTANCE_PATH=str(tmp / "instance"),
        CAPINTRA_SECRET_KEY=secrets.token_hex(32),
        CAPINTRA_DATABASE_URL=database_url,
        CAPINTRA_UPLOAD_DIR=str(tmp / "uploads"),
        CAPINTRA_LOG_LEVEL="info",
        PYTHONUNBUFFERED="1",
    )
    return env


def _stop(process: subprocess.Popen) -> None:
    """End gunicorn and its workers: the whole process group, TERM then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):  # workers left behind, or a stuck master
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)


def _wait_until_up(base_url: str, process: subprocess.Popen, stderr_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"gunicorn stopped at start (exit code {process.returncode}); its stderr:\n"
                + stderr_path.read_text(errors="replace")[-5000:],
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(
        f"gunicorn did not answer /healthz within {START_TIMEOUT} s; its stderr:\n"
        + stderr_path.read_text(errors="replace")[-5000:],
        pytrace=False,
    )


@pytest.fixture(scope="module")
def live(database_url, tmp_path_factory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    with scratch_database(database_url, tmp) as url:
        app = make_test_app(url, tmp)  # its UPLOAD_DIR is tmp/uploads, like the server's
        try:
            migrate(app)
            port = _free_port()
            base_url = f"http://127.0.0.1:{port}"
            stdout_path, stderr_path = tmp / "gunicorn.out", tmp / "gunicorn.err"
            gunicorn = Path(sys.executable).with_name("gunicorn")
            with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
                process = subprocess.Popen(
                    [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
                    cwd=ROOT,
                    env=_server_env(url, tmp, port),
                    stdout=out,
                    stderr=err,
                    start_new_session=True,  # its own process group, killed as a whole
                )
            try:
                _wait_until_up(base_url, process, stderr_path)
                yield LiveServer(base_url, app, process, stdout_path, stderr_path, tmp / "uploads")
            finally:
                _stop(process)
        finally:
            dispose(app)
