"""A small HTTP client for the live tests: the standard library only, one connection per
request (gunicorn's sync workers close it anyway), its own cookie jar, redirects never
followed (a 302/303 is an answer to check), and the CSRF token sent as X-CSRFToken.

    client = Client(base_url)
    client.login(username)                      # GET /login, POST /login, expects 302
    client.post("/households/new", {...})       # X-CSRFToken from a page of the session
    together([lambda: a.get(url), lambda: b.get(url)])   # requests started at once
"""

from __future__ import annotations

import http.client
import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlencode, urlsplit

from tests import factories
from tests.conftest import csrf_token_from

#: Seconds a request may take (gunicorn's worker timeout is 60 s; SQLite waits 5 s).
REQUEST_TIMEOUT = 60

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_ALERT = re.compile(r'<div class="alert alert-danger" role="alert">(.*?)</div>', re.S)


@dataclass
class Response:
    status: int
    headers: Message | None
    text: str
    method: str = ""
    path: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name) if self.headers is not None else None

    @property
    def location(self) -> str | None:
        return self.header("Location")

    @property
    def title(self) -> str:
        match = _TITLE.search(self.text)
        return " ".join(match.group(1).split()) if match else self.text[:120]

    @property
    def alert(self) -> str | None:
        """The error box of a form page (e.g. the login refusal), as text."""
        match = _ALERT.search(self.text)
        return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else None

    def __repr__(self) -> str:
        return f"<{self.status} {self.method} {self.path}: {self.title!r}>"


@dataclass
class Client:
    """One browser: its cookies and the CSRF token of its session."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    username: str | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        self.host, self.port = parts.hostname, parts.port

    # --- requests ---------------------------------------------------------------------

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = {"Connection": "close", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            data = raw.read()
            self._store_cookies(raw.msg.get_all("Set-Cookie") or [])
            return Response(raw.status, raw.msg, data.decode("utf-8", "replace"), method, path)
        finally:
            connection.close()

    def get(self, path: str, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data=None, *, files=None, csrf: bool = True, headers=None):
        """POST a form (urlencoded, or multipart with files={name: (filename, bytes, type)})."""
        headers = dict(headers or {})
        if csrf:
            headers.setdefault("X-CSRFToken", self.token or self.refresh_token())
        # A MultiDict (tests/forms.py's PageForm.data) keeps every value of a field.
        pairs = data.items(multi=True) if hasattr(data, "getlist") else (data or {}).items()
        fields = [(k, str(v)) for k, v in pairs if v is not None]
        if files:
            body, content_type = multipart(dict(fields), files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        return self.request("POST", path, body=body, headers=headers)

    def refresh_token(self, path: str = "/account/password") -> str:
        page = self.get(path)
        assert page.status == 200, f"no page to take a CSRF token from: {page!r}"
        self.token = csrf_token_from(page.text)
        return self.token

    # --- signing in -------------------------------------------------------------------

    def login_form(self) -> str:
        """GET /login and return the form's CSRF token."""
        page = self.get("/login")
        assert page.status == 200, f"GET /login: {page!r}"
        return csrf_token_from(page.text)

    def submit_login(self, username: str, password: str, token: str) -> Response:
        data = {"username": username, "password": password, "csrf_token": token}
        return self.post("/login", data, csrf=False)

    def login(self, username: str, password: str = factories.PASSWORD) -> Client:
        response = self.submit_login(username, password, self.login_form())
        assert response.status == 302, f"login of {username}: {response!r} {response.alert}"
        self.username = username
        self.token = None
        self.refresh_token()
        return self

    # --- cookies ----------------------------------------------------------------------

    def _store_cookies(self, headers: list[str]) -> None:
        for header in headers:
            first, *attributes = (part.strip() for part in header.split(";"))
            name, _, value = first.partition("=")
            attrs = {k.lower(): v for k, _, v in (a.partition("=") for a in attributes)}
            expired = attrs.get("max-age") == "0" or "1970" in attrs.get("expires", "")
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
    boundary = f"----capintra{secrets.token_hex(12)}"
    chunks: list[bytes] = []
    for name, value in fields.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, content, content_type) in files.items():
        chunks.append(
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


# --- together ------------------------------------------------------------------------------


def together(calls: Sequence[Callable[[], Response]]) -> list[Response]:
    """Run every call in its own thread, all released at once by a barrier; the answers
    in the order of the calls. A request that raises (connection reset, timeout) is an
    answer with status -1, so the summary shows it next to the others."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Response]) -> Response:
        barrier.wait(timeout=30)
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - reported as an answer
            return Response(-1, None, f"{type(error).__name__}: {error}")

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def statuses(responses: Sequence[Response]) -> Counter:
    return Counter(r.status for r in responses)


def summary(responses: Sequence[Response], expected: int | None = None) -> str:
    """Statuses counted, and the pages of the unexpected answers (title, counted)."""
    unexpected = Counter(
        f"{r.status} {r.title}" for r in responses if expected is None or r.status != expected
    )
    lines = [f"statuses: {dict(sorted(statuses(responses).items()))}"]
    lines += [f"  {n} × {page}" for page, n in unexpected.most_common(5)]
    return "\n".join(lines)
