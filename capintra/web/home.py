"""The dashboard page: each feature's sections the user may see (DESIGN §3).

Each section is rendered on its own and kept until the data changes (capintra.audit.
changes): some count a whole table, and a dashboard read again without a change in
between costs the sections nothing. A section's HTML belongs to one user, on one day,
in one language, with the CSRF secret of one session (its forms carry a token) and the
page's query (« et 3 autres » shows a whole list)."""

from __future__ import annotations

from flask import make_response, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from capintra import clock
from capintra.audit.changes import until_changed
from capintra.features import DashboardSection, dashboard_sections
from capintra.security import can

#: Sections kept at most (of every user and session of a worker process).
KEPT_SECTIONS = 2000


def _render(section: DashboardSection) -> Markup:
    html = render_template(section.template, ctx=section.context(), user=current_user)
    return Markup(html)  # noqa: S704 - a template's output, escaped by Jinja


def _kept(section: DashboardSection) -> Markup:
    generate_csrf()  # the session's secret exists before it is part of the key
    key = ("web.dashboard", section.template, current_user.id, current_user.role,
           current_user.is_admin, clock.today(), str(get_locale()),
           session.get("csrf_token"), tuple(sorted(request.args.items(multi=True))))  # fmt: skip
    return until_changed(key, lambda: _render(section), room=KEPT_SECTIONS)


def render_dashboard(status: int = 200, message: str | None = None):
    """The dashboard; with a message (a refused action without JavaScript: 409, 422),
    every section computed afresh (a refused row says why in its own section)."""
    shown = [s for s in dashboard_sections() if can(s.capability)]
    sections = [_render(s) if message else _kept(s) for s in shown]
    body = render_template(
        "web/dashboard.html", sections=sections, user=current_user, message=message
    )
    return make_response(body, status)
