"""What every blueprint shares, and the pages that belong to no feature."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text

from capintra.extensions import db
from capintra.features import dashboard_sections
from capintra.security import can, public, require

bp = Blueprint("web", __name__)


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/")
@require("dashboard.view")
def dashboard():
    sections = [(s.template, s.context()) for s in dashboard_sections() if can(s.capability)]
    return render_template("web/dashboard.html", sections=sections, user=current_user)
