"""Browser tests: the app served by a real threaded server on a throw-away SQLite file,
driven by Playwright on Debian's chromium. Reusable by every feature's browser tests:

    pytestmark = BROWSER            # marks the module, skips it when no browser

    def test_x(live_server, page):
        username, password = live_server.make_user("officer")
        live_server.run(lambda: factories.household())   # code in the app, committed
        page.goto(live_server.url("/login"))

`page` fails the test on any console error (CSP violations included) or page error.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from capintra.extensions import db
from tests import factories
from tests.conftest import make_test_app
from tests.databases import dispose, migrate

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Chromium logs every 4xx as a console error; 409 and 422 are answers the pages expect
#: (htmx swaps them in place), anything else fails the test.
EXPECTED_REFUSAL = re.compile(r"Failed to load resource: .* status of (409|422)\b")

#: Put `pytestmark = BROWSER` in every browser test module.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("CAPINTRA_SKIP_BROWSER") == "1", reason="CAPINTRA_SKIP_BROWSER=1"
    ),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


@dataclass
class LiveServer:
    app: Any
    base_url: str
    _users: int = field(default=0)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def run(self, fn: Callable[[], Any]) -> Any:
        """Run fn in the app (factories welcome) and commit; returns what fn returns."""
        with self.app.app_context():
            result = fn()
            db.session.commit()
            if isinstance(result, db.Model):
                db.session.refresh(result)
                db.session.expunge(result)
            return result

    def make_user(self, role: str = "officer", **kw) -> tuple[str, str]:
        """A user who can sign in: (username, password)."""
        user = self.run(lambda: factories.user(role, **kw))
        return user.username, factories.PASSWORD


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    app = make_test_app(f"sqlite:///{tmp / 'live.db'}", tmp)
    migrate(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        dispose(app)


@pytest.fixture(scope="session")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser context (no cookies); any console error or page error fails the test."""
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        refused = EXPECTED_REFUSAL.search(message.text)
        if refused is None:  # CSP violations, script errors, failed loads (404, 500…)
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.problems = problems
    yield page
    context.close()
    assert not problems, "browser reported:\n" + "\n".join(problems)


def sign_in(page, live_server: LiveServer, username: str, password: str) -> None:
    page.goto(live_server.url("/login"))
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
