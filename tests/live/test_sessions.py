"""Sessions on the real server: anonymous visitors store nothing, and a static file's
error leaves a signed-in user's session as it was."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from capintra.auth.models import WebSession
from tests.live.client import summary
from tests.live.conftest import LIVE

pytestmark = LIVE

TIMES = 50
ANONYMOUS = {
    "/login": 200,  # the login form (with its CSRF token)
    "/pas-de-page-ici": 404,  # an error page
    "/static/app.css": 200,  # a static file
}


def test_anonymous_requests_store_no_session(live):
    live.signed_in("officer")  # one real session, so the table is not empty to begin with
    before = live.count(WebSession)
    assert before == 1

    def visit(path):
        return live.client().get(path)  # a new browser each time: no cookie

    paths = [path for path in ANONYMOUS for _ in range(TIMES)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(visit, paths))

    after = live.count(WebSession)
    for path, expected in ANONYMOUS.items():
        mine = [r for r in answers if r.path == path]
        assert [r.status for r in mine] == [expected] * TIMES, f"{path}: {summary(mine)}"
    assert after == before, (
        f"{after - before} web_session rows stored for {len(paths)} anonymous requests "
        f"({TIMES} × {', '.join(ANONYMOUS)})"
    )


def test_a_static_404_or_405_keeps_the_signed_in_session(live):
    client = live.signed_in("assistant")
    cookies = dict(client.cookies)
    missing = client.get("/static/pas-de-fichier.css")
    assert missing.status == 404
    wrong_method = client.post("/static/app.css", {"x": "1"}, csrf=False)
    assert wrong_method.status == 405
    assert client.cookies == cookies, "a static error changed the session cookie"
    still = client.get("/")
    assert still.status == 200, f"signed out by a static error: {still!r} → {still.location}"
