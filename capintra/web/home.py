"""The dashboard page: each feature's sections the user may see (DESIGN §3)."""

from __future__ import annotations

from flask import make_response, render_template
from flask_login import current_user

from capintra.features import dashboard_sections
from capintra.security import can


def render_dashboard(status: int = 200, message: str | None = None):
    """The dashboard; with a message (a refused action without JavaScript: 409, 422)."""
    sections = [(s.template, s.context()) for s in dashboard_sections() if can(s.capability)]
    body = render_template(
        "web/dashboard.html", sections=sections, user=current_user, message=message
    )
    return make_response(body, status)
