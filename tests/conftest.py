"""Test harness: the schema is migrated once per run; each test runs inside a transaction
rolled back at its end (SAVEPOINTs for the app's commits), on SQLite by default or on
PostgreSQL when CAPINTRA_TEST_DATABASE_URL is set.

Requests made with the `client` fixture get their own application context (fresh `g`,
fresh session on the same connection), exactly as in production, so a test can create
data with the factories and then act through real routes.
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import inspect

from capintra import create_app
from capintra.audit.changes import kept_values
from capintra.config import TestConfig
from capintra.extensions import db
from tests import factories
from tests.clock import TimeMachine
from tests.databases import dispose, postgresql_schema, scratch_database

# Nothing a test run does may touch the repository's instance folder (the demo database).
os.environ.setdefault("CAPINTRA_INSTANCE_PATH", tempfile.mkdtemp(prefix="capintra-instance-"))
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


#: Tests of a few minutes each, started first (below).
LONGEST = ("tests/web/test_hostile_input.py::",)


def _cost_rank(item) -> int:
    if item.nodeid.startswith(LONGEST):
        return 0
    if item.get_closest_marker("browser"):
        return 1
    if item.get_closest_marker("live"):
        return 2
    return 3


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test`: -n, --dist loadgroup), tests that share a costly
    server stay on one worker: the browser tests (one Chromium, one server) and each live
    module (one gunicorn).

    The longest work comes first, so that no worker starts a five-minute test when the
    others have nothing left: the hostile-input test, the browser group, the live
    servers, then the rest (pyproject.toml turns off xdist's own reordering, which puts
    the groups with most tests first and a long single test last)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.get_closest_marker("live"):
            item.add_marker(pytest.mark.xdist_group(f"live:{item.module.__name__}"))
    items.sort(key=_cost_rank)  # stable: the collection's order within a rank


class BoundSession(FlaskSQLAlchemySession):
    """A session that honours an explicit bind (the test's connection)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as a real server would run it."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_test_app(database_url: str, tmp_dir, **overrides):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_DIR = str(tmp_dir / "uploads")

    for key, value in overrides.items():
        setattr(Config, key, value)
    app = create_app(Config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite: a file of this run (of this xdist worker). PostgreSQL: the database of
    CAPINTRA_TEST_DATABASE_URL, in a schema of this worker's own (`test_gw0`…), emptied
    at the start and dropped at the end."""
    url = os.environ.get("CAPINTRA_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with postgresql_schema(url, f"test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    app = make_test_app(database_url, tmp_path_factory.mktemp("files"))
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app
    dispose(app)  # before the worker's schema is dropped


@contextmanager
def rolled_back(app):
    """An app context whose session works inside a transaction rolled back at the end."""
    with app.app_context():
        # Values kept until the data changes: a rolled-back test's changes leave the
        # audit trail's ids to be used again by the next test (SQLite).
        kept_values(app).clear()
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "class_": BoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def app_ctx(app):
    with rolled_back(app):
        yield app


@pytest.fixture
def client(app_ctx) -> FlaskClient:
    return app_ctx.test_client()


@pytest.fixture
def make(app_ctx):
    """Factories: make.user(role=…), make.operation(…)."""
    return factories


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Browser:
    """A signed-in test client that knows its CSRF token."""

    def __init__(self, client: FlaskClient, user=None):
        self.client = client
        self.user = user
        self.token: str | None = None

    def refresh_token(self, path: str = "/account/password") -> str:
        response = self.client.get(path)
        self.token = csrf_token_from(response.get_data(as_text=True))
        return self.token

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, *, csrf: bool = True, headers=None, **kwargs):
        data = dict(data or {})
        headers = dict(headers or {})
        if csrf:
            headers.setdefault("X-CSRFToken", self.token or self.refresh_token())
        return self.client.post(path, data=data, headers=headers, **kwargs)

    def htmx(self, method: str, path: str, target: str | None = None, data=None, **kwargs):
        headers = {"HX-Request": "true", **({"HX-Target": target} if target else {})}
        if method.upper() == "GET":
            return self.client.get(path, headers=headers, **kwargs)
        return self.post(path, data=data, headers=headers, **kwargs)


def login(client: FlaskClient, user, password: str = factories.PASSWORD) -> Browser:
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(
        "/login", data={"username": user.username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return Browser(client, user)


@pytest.fixture
def login_as(client, make):
    """login_as("officer") or login_as(user): a signed-in Browser."""

    def _login(who="officer", **kwargs):
        user = make.user(role=who, **kwargs) if isinstance(who, str) else who
        return login(client, user)

    return _login


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


@pytest.fixture
def travel(monkeypatch) -> TimeMachine:
    """travel.forward(minutes=31): move the application's clock on."""
    return TimeMachine(monkeypatch)


@pytest.fixture
def scratch_app(database_url, tmp_path):
    """scratch_app(): a new app on an empty throw-away database (same kind as the test
    database), committed for real; several calls share the database. Dropped at the end."""
    apps = []
    with scratch_database(database_url, tmp_path) as url:

        def _new(**overrides):
            app = make_test_app(url, tmp_path, **overrides)
            apps.append(app)
            return app

        try:
            yield _new
        finally:
            for app in apps:
                dispose(app)
