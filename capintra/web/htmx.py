"""One route serves the page and its partials (CONVENTIONS: htmx)."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block

from capintra.extensions import htmx


def wants_partial(*targets: str) -> bool:
    """True for an htmx request aimed at one of these element ids (not boosted navigation)."""
    return bool(htmx) and not htmx.boosted and htmx.target in targets


def render(template: str, *, partial: str | None = None, status: int = 200, **ctx):
    """Render the page, or only the block named like the htmx target element.

    The element id uses hyphens (`household-rows`), the block underscores (`household_rows`).
    """
    if partial and wants_partial(partial):
        body = render_block(template, partial.replace("-", "_"), **ctx)
        # The messages ride along out of band, as on a whole page (an empty list clears
        # the previous ones).
        body += flashes_oob()
    else:
        body = render_template(template, **ctx)
    return make_response(body, status)


def flashes_oob() -> str:
    """The pending messages, for an htmx answer that is not a whole page (swapped into
    the page's message region out of band, as render() does for a block)."""
    return render_template("web/_flashes.html", oob=True)


def redirect_to(url: str, status: int = 303):
    """303 for plain requests; HX-Redirect for htmx (the browser follows 3xx silently)."""
    if request.headers.get("HX-Request") == "true" and not htmx.boosted:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, status)
