"""The crawler's checks bite: on a small app whose pages each break one rule, the crawler
reports each break, at its page, and nothing on the clean one. (tests/security/
test_crawler.py passing on capintra means something only while these fail where they
should.)"""

from __future__ import annotations

import pytest
from flask import Flask, abort, request

from capintra.web.headers import set_security_headers
from tests.security.crawler import Crawler, Marker

SECRET = "SECRETMARKER42"


def page(body: str) -> str:
    return (
        '<!doctype html><html lang="fr"><head><title>Essai</title></head>'
        f"<body><main>{body}</main></body></html>"
    )


BREAKS = {
    "/clean": page('<p id="a">Rien à redire.</p><label for="a">A</label>'),
    "/styled": page('<p style="color: red">Rouge</p>'),
    "/inline-script": page("<script>alert(1)</script>"),
    "/unclosed": page("<p>Un</span> deux</p>"),
    "/ids": page('<p id="x">Un</p><p id="x">Deux</p>'),
    "/dangling": page('<label for="nowhere">Nom</label>'),
    "/leak": page(f"<p>{SECRET}</p>"),
    "/label": page("<dl><dt>Santé</dt><dd>—</dd></dl>"),
    "/free-text": page("<p>Santé fragile, dit-il.</p>"),
    "/no-lang": page("").replace(' lang="fr"', ""),
    "/form": page('<form method="post" action="/clean"><button>Envoyer</button></form>'),
}


@pytest.fixture
def crawled():
    app = Flask(__name__)

    @app.get("/")
    def index():
        links = "".join(f'<a href="{url}">{url}</a>' for url in BREAKS)
        extra = '<a href="/forbidden">403</a><a href="/crash">500</a><a href="/bare">nu</a>'
        return page(links + extra + '<a href="/nowhere">?</a><img src="/image" alt="">')

    for url, html in BREAKS.items():
        app.add_url_rule(url, url.strip("/"), lambda html=html: html, methods=["GET", "POST"])

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    @app.get("/crash")
    def crash():
        return page('Traceback (most recent call last): File "/app.py"'), 500

    @app.get("/image")
    def image():
        return page(""), 200

    @app.get("/bare")
    def bare():
        return page("Sans en-têtes")

    @app.after_request  # runs after set_security_headers (the last registered runs first)
    def strip(response):
        if request.path == "/bare":
            del response.headers["Content-Security-Policy"]
        return response

    app.after_request(set_security_headers)

    markers = [
        Marker("the secret", SECRET, lambda role, endpoint: False),
        Marker("the field « Santé »", "Santé", lambda role, endpoint: False, label=True),
    ]
    crawler = Crawler(
        app.test_client(),
        "tester",
        markers=markers,
        expected=lambda endpoint, method: 403 if endpoint == "forbidden" else 200,
    )
    return crawler.crawl(["/"])


def _at(report, path: str) -> list[str]:
    return [
        what for what, where in report.problems.items() if any(f"GET {path}," in w for w in where)
    ]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/styled", "style= attribute"),
        ("/inline-script", "inline <script>"),
        ("/unclosed", "HTML error unexpected-end-tag"),
        ("/ids", 'id="x" appears 2 times'),
        ("/dangling", "no such id on the page"),
        ("/leak", "shows the secret to the tester"),
        ("/label", "shows the field « Santé »"),
        ("/no-lang", 'without <html lang="fr">'),
        ("/form", "posts without a csrf_token field"),
        ("/forbidden", "answered 403: a page shows this role a link"),
        ("/crash", "answered 500"),
        ("/crash", "traceback"),
        ("/bare", "security headers"),
        ("/nowhere", "no GET route answers"),
        ("/image", "served as text/html, its element needs ('image/',)"),
    ],
)
def test_each_break_is_reported(crawled, path, says):
    assert any(says in what for what in _at(crawled, path)), (path, _at(crawled, path))


def test_a_clean_page_and_free_text_pass(crawled):
    assert _at(crawled, "/clean") == []
    assert _at(crawled, "/free-text") == []
    assert crawled.seen["the field « Santé »"] == ["/label"]
