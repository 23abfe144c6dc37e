"""What every blueprint shares, and the pages that belong to no feature."""

from flask import Blueprint
from sqlalchemy import text

from capintra.extensions import db
from capintra.security import public, require
from capintra.web.home import render_dashboard

bp = Blueprint("web", __name__)


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/")
@require("dashboard.view")
def dashboard():
    return render_dashboard()
