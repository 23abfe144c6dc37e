"""Checks every response and every template must pass (DESIGN §5, Security)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: What the Content-Security-Policy forbids in HTML: each pattern with what it means.
FORBIDDEN_HTML = [
    (re.compile(r"<script\b(?![^>]*\ssrc\s*=)[^>]*>", re.I), "inline <script> (no src)"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\b(?:data-)?hx-on", re.I), "hx-on attribute"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "inline event handler (on…=)"),
    (re.compile(r"""=\s*["']?\s*javascript:""", re.I), "javascript: URL"),
]


def csp_problems(html: str) -> list[str]:
    problems = []
    for pattern, what in FORBIDDEN_HTML:
        for match in pattern.finditer(html):
            start = max(match.start() - 40, 0)
            problems.append(f"{what}: …{html[start : match.end() + 40]!r}…")
    return problems


def assert_csp_safe_html(html: str, where: str = "") -> None:
    problems = csp_problems(html)
    assert not problems, f"{where}: " + "\n".join(problems)


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0].lower()] = words[1:]
    return policy


def assert_security_headers(response, *, personal: bool = True, where: str = "") -> None:
    """Headers every response carries; `personal`: a page that may show personal data."""
    headers = response.headers
    where = where or f"{response.status_code} {response.request.path}"
    csp = parse_csp(headers.get("Content-Security-Policy", ""))
    assert csp, f"{where}: no Content-Security-Policy"
    for directive, sources in csp.items():
        for bad in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"):
            assert bad not in sources, f"{where}: CSP {directive} allows {bad}"
    assert "script-src" in csp or "default-src" in csp, f"{where}: CSP without script-src"
    assert csp.get("frame-ancestors") == ["'none'"], f"{where}: frame-ancestors"
    assert csp.get("object-src") == ["'none'"], f"{where}: object-src"
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    vary = {v.strip().lower() for v in headers.get("Vary", "").split(",")}
    assert "hx-request" in vary, f"{where}: Vary without HX-Request"
    if personal:
        cache = headers.get("Cache-Control", "")
        assert "no-store" in cache, f"{where}: Cache-Control {cache!r}, not no-store"


def assert_local_redirect(response, where: str = "") -> str:
    """A redirect to a path of this site (never another host); returns the path."""
    location = response.headers.get("Location", "")
    parts = urlsplit(location)
    assert parts.scheme in ("", "http"), f"{where}: redirect to {location!r}"
    assert parts.netloc in ("", "localhost"), f"{where}: redirect to {location!r}"
    assert parts.path.startswith("/") and not parts.path.startswith("//"), location
    assert "\\" not in location, f"{where}: redirect to {location!r}"
    return parts.path
