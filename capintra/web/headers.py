"""Security headers on every response (DESIGN §5)."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    # A view may set a policy of its own (a chart's SVG: capintra.reports.charts); every
    # other response gets the strict one.
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.vary.add("HX-Request")
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def register_headers(app: Flask) -> None:
    app.after_request(set_security_headers)
