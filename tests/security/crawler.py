"""A crawler over Flask's test client, for tests/security/test_crawler.py.

It follows, breadth-first, what a signed-in person's pages offer to GET — `<a href>`,
`<img src>`, stylesheets and scripts, GET forms' actions, and the `hx-get` of an element
with an `hx-target` (played as htmx does, with `HX-Request` and `HX-Target`) — then the
GET routes of `app.url_map` it never reached (seeds), and checks every answer:

- no 5xx and no traceback; a redirect stays on this site and never to the login page
  (nothing a person can open signs them out);
- what a page links to answers 2xx/3xx: a link shown to a role never answers 403 or
  404; a seed answers what tests/security/role_table.py says (allowed, or its 403);
- the security headers (tests/checks.py), `no-store` on everything but static files;
- HTML parses without a single error by html5lib (the WHATWG parser), and holds nothing
  the Content-Security-Policy forbids (no `style=`, no inline script…);
- on a whole page, ids are unique and every id referred to (`hx-target`, a label's
  `for`, `aria-*`) exists; it has `<html lang="fr">`, a `<title>` and one `<main>`; an
  htmx request for a target gets a fragment, never a whole page to nest in it;
- every form or `hx-post` posts to a POST route the role may use (the role table: never
  its 403), and a form carries its CSRF token (forms work with htmx switched off);
- a script, a stylesheet or an image is served as one (`nosniff` refuses anything else);
  JSON parses, and a CSV's rows all have its header's width;
- no marker (a unique string planted in a field or an item) reaches a role that may not
  read it — CSV, JSON and SVG as text, XLSX cells, PDF text included.

Nothing is posted. One PDF or spreadsheet per endpoint is enough (they are slow to
make); other endpoints get `per_endpoint` URLs each. It collects every problem instead of
stopping at the first, so one run lists them all.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import html5lib
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.checks import assert_local_redirect, assert_security_headers, csp_problems

#: Attributes that name ids of the same page (space-separated).
REFERENCES = ("for", "form", "list", "aria-controls", "aria-describedby", "aria-labelledby")
IMAGES = ("image/",)
SCRIPTS = ("text/javascript", "application/javascript")
STYLESHEETS = ("text/css",)
SECURITY_HEADERS = (
    "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
    "Cache-Control", "Vary",
)  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


#: The element a fragment starting with this tag is swapped into (htmx's target).
CONTAINERS = {"tr": "tbody", "td": "tr", "th": "tr", "li": "ul", "option": "select"}


def _dialect(text: str):
    """The CSV's separator: « ; » (French spreadsheets) or « , »."""
    first = text.split("\n", 1)[0]
    return "excel" if first.count(",") > first.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _container_of(fragment: str) -> str:
    match = re.match(r"\s*<([a-z]+)", fragment, re.I)
    return CONTAINERS.get(match.group(1).lower(), "div") if match else "div"


@dataclass(frozen=True)
class Marker:
    """A unique string planted in the data, and who may read it: `allowed(role,
    endpoint)`. A `label` marker is a field's French label: found only where it names a
    field (a whole text, or followed by « : », « ( » or « · »: `<dt>Santé</dt>`, « Santé :
    a → b » in a history), not inside someone's free text."""

    name: str
    value: str
    allowed: Callable[[str, str | None], bool]
    label: bool = False

    def found_in(self, text: str, segments: list[str]) -> bool:
        if not self.label:
            return self.value in text
        return any(_names_field(segment, self.value) for segment in segments)


def _names_field(segment: str, label: str) -> bool:
    if not segment.startswith(label):
        return False
    rest = segment[len(label) :].lstrip(" \u00a0\u202f")
    return not rest or rest[0] in ":(·"


@dataclass(frozen=True)
class Request:
    url: str
    #: Where it was found ("" for a seed from the url_map).
    found_on: str
    #: htmx's HX-Target, for an `hx-get` played as htmx plays it.
    target: str | None = None
    #: The media types the element that named it needs (a script, a stylesheet, an
    #: image): with `nosniff`, a browser refuses any other.
    expects: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.url, self.target)

    @property
    def headers(self) -> dict[str, str]:
        if self.target is None:
            return {}
        return {"HX-Request": "true", "HX-Target": self.target}

    def __str__(self) -> str:
        how = f" (htmx, target #{self.target})" if self.target else ""
        where = f", linked from {self.found_on}" if self.found_on else ", a route of url_map"
        return f"GET {self.url}{how}{where}"


@dataclass
class Report:
    role: str
    #: what is wrong → the requests whose answer showed it
    problems: dict[str, list[str]] = field(default_factory=dict)
    #: endpoint → how many answers were read
    visited: Counter = field(default_factory=Counter)
    #: endpoints reached through a link (not only as a seed)
    linked: set[str] = field(default_factory=set)
    #: marker name → the URLs whose answer held it
    seen: dict[str, list[str]] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0

    def problem(self, what: str, where: str = "") -> None:
        self.problems.setdefault(what, []).append(where)

    def describe(self, limit: int = 40) -> str:
        """Each problem once, with how many answers showed it and the first of them."""
        lines = []
        for what, where in list(self.problems.items())[:limit]:
            more = f" (and {len(where) - 1} more)" if len(where) > 1 else ""
            at = f"\n    at {where[0]}{more}" if where[0] else ""
            lines.append(f"[{self.role}] {what}{at}")
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} other problems")
        return "\n".join(lines)

    #: endpoint → seconds spent on its answers
    timings: Counter = field(default_factory=Counter)


class Crawler:
    """Breadth-first over what a role's pages offer; at most `per_endpoint` URLs of one
    endpoint (and as many htmx plays of it), `max_requests` in all."""

    def __init__(
        self,
        client,
        role: str,
        *,
        markers: Iterable[Marker] = (),
        expected: Callable[[str, str], int | str | None] = lambda endpoint, method: None,
        per_endpoint: int = 5,
        per_endpoint_htmx: int = 1,
        max_requests: int = 600,
    ):
        self.client = client
        self.app = client.application
        self.role = role
        self.markers = list(markers)
        self.expected = expected
        self.per_endpoint = per_endpoint
        self.per_endpoint_htmx = per_endpoint_htmx
        #: Endpoints that answered a PDF or a spreadsheet: one of each is enough (slow).
        self._downloads: set[str | None] = set()
        self.max_requests = max_requests
        self.report = Report(role)
        self._queued: set[tuple[str, str | None]] = set()
        self._per_endpoint: Counter = Counter()
        self._queue: deque[Request] = deque()
        self._adapter = self.app.url_map.bind("localhost")

    # --- the walk ---------------------------------------------------------------------------

    def crawl(self, starts: Iterable[str] = ("/",), seeds: dict[str, str] | None = None) -> Report:
        """From `starts` (pages the role reaches from its menu), then the seeds."""
        began = time.perf_counter()
        for start in starts:
            self._offer(Request(start, found_on="(start)"))
        self._drain()
        for endpoint, url in sorted((seeds or {}).items()):
            if not self._per_endpoint[(endpoint, False)]:
                self._offer(Request(url, found_on=""))
        self._drain()
        self.report.seconds = time.perf_counter() - began
        return self.report

    def _drain(self) -> None:
        while self._queue and self.report.requests < self.max_requests:
            self._visit(self._queue.popleft())

    def endpoint_of(self, path: str, query: str = "") -> str | None:
        try:
            endpoint, _args = self._adapter.match(path, method="GET", query_args=query)
        except RequestRedirect as redirect:  # a missing trailing slash: the route answers 308
            return self.endpoint_of(urlsplit(redirect.new_url).path)
        except HTTPException:
            return None
        return endpoint

    def _offer(self, request: Request) -> None:
        """Queue a URL unless seen, or its endpoint already has its share."""
        if request.key in self._queued:
            return
        parts = urlsplit(request.url)
        endpoint = self.endpoint_of(parts.path, parts.query)
        if endpoint is None:
            if request.found_on:
                self._problem(request, "links to a URL no GET route answers")
            return
        share = (endpoint, request.target is not None)
        if self._per_endpoint[share] >= (self.per_endpoint_htmx if share[1] else self.per_endpoint):
            return
        self._per_endpoint[share] += 1
        self._queued.add(request.key)
        self._queue.append(request)

    def _visit(self, request: Request) -> None:
        parts = urlsplit(request.url)
        endpoint = self.endpoint_of(parts.path, parts.query)
        if endpoint in self._downloads:
            return
        self.report.requests += 1
        began = time.perf_counter()
        response = self.client.get(request.url, headers=request.headers)
        if response.mimetype in (PDF, XLSX):
            self._downloads.add(endpoint)
        self.report.timings[endpoint] += time.perf_counter() - began
        self.report.visited[endpoint] += 1
        if request.found_on:
            self.report.linked.add(endpoint)
        tree = self._check(request, endpoint, response)
        for found in self._links(request, response, tree):
            self._offer(found)

    # --- checks --------------------------------------------------------------------------------

    def _problem(self, request: Request, what: str) -> None:
        self.report.problem(what, str(request))

    def _check(self, request: Request, endpoint: str | None, response):
        """Every check of one answer; returns its parsed HTML (None: not HTML)."""
        status = response.status_code
        body = response.get_data()
        text = body.decode("utf-8", "replace")
        if status >= 500:
            self._problem(request, f"answered {status}")
        if "Traceback" in text or 'File "/' in text:
            self._problem(request, "the answer holds a traceback")
        self._check_status(request, endpoint, response)
        try:
            assert_security_headers(response, personal=endpoint != "static", where="")
        except AssertionError as error:
            got = ", ".join(f"{name}: {response.headers.get(name)!r}" for name in SECURITY_HEADERS)
            self._problem(request, f"security headers: {error} (got {got})")
        if request.expects and status == 200 and not response.mimetype.startswith(request.expects):
            self._problem(
                request, f"served as {response.mimetype}, its element needs {request.expects}"
            )
        self._check_download(request, response, text)
        tree = None
        if response.mimetype == "text/html":
            tree = self._check_html(request, text, redirect=300 <= status < 400)
        self._check_markers(request, endpoint, *self._readable(response, text, tree))
        return tree

    def _check_download(self, request: Request, response, text: str) -> None:
        """JSON parses; a CSV's rows all have its header's width."""
        if response.status_code != 200:
            return
        if response.mimetype == "application/json":
            try:
                json.loads(text)
            except ValueError as error:
                self._problem(request, f"JSON that does not parse: {error}")
        if response.mimetype == "text/csv":
            rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect=_dialect(text)))
            widths = Counter(len(row) for row in rows[1:] if row)
            if rows and any(width != len(rows[0]) for width in widths):
                self._problem(
                    request, f"CSV rows of {dict(widths)} columns under a header of {len(rows[0])}"
                )

    def _check_status(self, request: Request, endpoint: str | None, response) -> None:
        status = response.status_code
        if 300 <= status < 400:
            try:
                location = assert_local_redirect(response, str(request))
            except AssertionError as error:
                self._problem(request, f"redirects off the site: {error}")
                return
            if location == "/login":
                self._problem(request, "sends a signed-in person to the login page")
        if request.found_on:
            if status >= 400:
                self._problem(
                    request, f"answered {status}: a page shows this role a link it may not follow"
                )
            return
        want = self.expected(endpoint, "GET")
        if want is None:
            self._problem(request, f"{endpoint}: no line in tests/security/role_table.py")
        elif isinstance(want, int) and want >= 400:
            if status != want:
                self._problem(request, f"answered {status}, the role table says {want}")
        elif status >= 400:
            self._problem(request, f"answered {status}, the role table says {want}")

    def _check_html(self, request: Request, text: str, *, redirect: bool = False):
        """Parse errors and what the CSP forbids; on a whole page, ids and forms too.
        Returns the parsed tree."""
        parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
        whole = request.target is None or text.lstrip().lower().startswith("<!doctype")
        if whole and request.target is not None:
            self._problem(request, f"answers a whole page to htmx, swapped into #{request.target}")
        if whole:
            tree = parser.parse(text)
        else:
            tree = parser.parseFragment(text, container=_container_of(text))
        lines = text.splitlines()
        for position, code, data in parser.errors[:5]:
            line, column = position
            source = lines[line - 1] if 0 < line <= len(lines) else ""
            self._problem(
                request,
                f"HTML error {code} {data or ''} at line {line}, column {column}: "
                f"{source.strip()[:160]!r}",
            )
        for problem in csp_problems(text):
            self._problem(request, problem)
        elements = [e for e in tree.iter() if isinstance(e.tag, str)]
        if whole:
            self._check_ids(request, elements)
        if whole and not redirect:  # a redirect's body is Werkzeug's, which nobody sees
            self._check_document(request, elements)
        self._check_posts(request, elements)
        return tree

    def _check_ids(self, request: Request, elements: list) -> None:
        """Ids are unique, and every reference to one (`hx-target="#id"`, a label's `for`,
        `aria-describedby`…) names one of the page's."""
        ids = Counter(e.attrib["id"] for e in elements if e.attrib.get("id"))
        for name, count in sorted(ids.items()):
            if count > 1:
                self._problem(request, f'id="{name}" appears {count} times on the page')
        for element in elements:
            for name in ("hx-target", "hx-include", "hx-indicator"):
                target = element.attrib.get(name, "")
                if target.startswith("#") and target[1:] not in ids:
                    self._problem(
                        request, f"<{element.tag} {name}={target!r}>: no such id on the page"
                    )
            for name in REFERENCES:
                for reference in element.attrib.get(name, "").split():
                    if reference not in ids:
                        self._problem(
                            request,
                            f"<{element.tag} {name}={reference!r}>: no such id on the page",
                        )

    def _check_document(self, request: Request, elements: list) -> None:
        """A whole page says its language and has a title, and a single `<main>`."""
        root = elements[0] if elements else None
        if root is None or root.tag != "html" or root.attrib.get("lang") != "fr":
            self._problem(request, 'a whole page without <html lang="fr">')
        titles = [e for e in elements if e.tag == "title"]
        if len(titles) != 1 or not "".join(titles[0].itertext()).strip():
            self._problem(request, "a whole page without a <title>")
        if sum(e.tag == "main" for e in elements) != 1:
            self._problem(request, "a whole page without exactly one <main>")

    def _check_posts(self, request: Request, elements: list) -> None:
        """Every form or htmx element that posts names a POST route the role may use, and a
        form carries its CSRF token (it must work with htmx switched off)."""
        for element in elements:
            attributes = element.attrib
            if element.tag == "form" and attributes.get("method", "").lower() == "post":
                what = f"<form action={attributes.get('action')!r}>"
                self._check_post_target(request, attributes.get("action") or request.url, what)
                tokens = [
                    e for e in element.iter()
                    if e.tag == "input" and e.attrib.get("name", "").endswith("csrf_token")
                ]  # fmt: skip
                if not tokens:
                    self._problem(request, f"{what} posts without a csrf_token field")
            if attributes.get("hx-post"):
                what = f"<{element.tag} hx-post={attributes['hx-post']!r}>"
                self._check_post_target(request, attributes["hx-post"], what)

    def _check_post_target(self, request: Request, href: str, what: str) -> None:
        parts = urlsplit(urljoin(f"http://localhost{request.url}", href))
        if parts.netloc != "localhost":
            self._problem(request, f"{what} posts to another site")
            return
        try:
            endpoint, _args = self._adapter.match(parts.path, method="POST")
        except HTTPException:
            self._problem(request, f"{what}: no POST route answers it")
            return
        want = self.expected(endpoint, "POST")
        if want in (403, "login"):
            self._problem(request, f"{what}: shows the role a form of {endpoint}, refused to it")

    def _readable(self, response, text: str, tree) -> tuple[str, list[str]]:
        """The answer as text a person could read (XLSX cells, PDF text, the body and a
        redirect's Location), and its segments: each HTML element's own text, each
        spreadsheet cell, each line or CSV cell of anything else."""
        if response.mimetype == XLSX:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
            cells = [
                str(value).strip()
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if value is not None
            ]
            return "\n".join(cells), cells
        if response.mimetype == PDF:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(response.get_data()))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        text += "\n" + response.headers.get("Location", "")
        if tree is not None:
            pieces = [piece for e in tree.iter() for piece in (e.text, e.tail) if piece]
        else:
            pieces = re.split(r'[\n;,"]', text)
        return text, [piece.strip() for piece in pieces if piece.strip()]

    def _check_markers(self, request: Request, endpoint, text: str, segments: list[str]) -> None:
        for marker in self.markers:
            if marker.found_in(text, segments):
                self.report.seen.setdefault(marker.name, []).append(request.url)
                if not marker.allowed(self.role, endpoint):
                    self._problem(request, f"shows {marker.name} to the {self.role}")

    # --- links ---------------------------------------------------------------------------------

    def _links(self, request: Request, response, tree) -> list[Request]:
        found: list[Request] = []
        if 300 <= response.status_code < 400 and response.headers.get("Location"):
            found.append(self._request(request.url, response.headers["Location"], request))
        if tree is None:
            return [r for r in found if r is not None]
        for element in tree.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            attributes = element.attrib
            if tag == "a" and attributes.get("href"):
                found.append(self._request(request.url, attributes["href"], request))
            if tag in ("img", "script") and attributes.get("src"):
                expects = IMAGES if tag == "img" else SCRIPTS
                found.append(self._request(request.url, attributes["src"], request, expects))
            if tag == "link" and attributes.get("href"):
                expects = STYLESHEETS if "stylesheet" in attributes.get("rel", "") else IMAGES
                found.append(self._request(request.url, attributes["href"], request, expects))
            if tag == "form" and attributes.get("method", "get").lower() == "get":
                found.append(self._request(request.url, attributes.get("action", ""), request))
            if attributes.get("hx-get") and attributes.get("hx-target", "").startswith("#"):
                found.append(
                    self._request(
                        request.url,
                        attributes["hx-get"],
                        request,
                        target=attributes["hx-target"][1:],
                    )
                )
        return [r for r in found if r is not None]

    def _request(
        self,
        base: str,
        href: str,
        parent: Request,
        expects: tuple[str, ...] = (),
        *,
        target: str | None = None,
    ) -> Request | None:
        """The same-site URL a link points at (None: another site, mailto:, a fragment)."""
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        parts = urlsplit(urljoin(f"http://localhost{base}", href))
        if parts.scheme not in ("http", "https") or parts.netloc not in ("localhost", ""):
            return None
        url = urlunsplit(("", "", parts.path, parts.query, ""))
        return Request(url, found_on=parent.url, target=target, expects=expects)
