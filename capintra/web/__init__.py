"""What every blueprint shares, and the pages that belong to no feature."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text

from capintra.extensions import db
from capintra.features import dashboard_sections
from capintra.security import can, public, require

bp = Blueprint("web", __name__)

#: Main navigation: (endpoint, label, capability). Shown only to those who hold it.
NAVIGATION = [
    ("web.dashboard", _l("Tableau de bord"), "dashboard.view"),
    ("households.index", _l("Ménages"), "household.view"),
    ("buildings.index", _l("Immeubles"), "building.view"),
    ("orders.index", _l("Bons de commande"), "order.view"),
    ("reports.relocation", _l("Rapports"), "report.view"),
    ("audit.index", _l("Journal d'audit"), "audit.view"),
    ("admin.users", _l("Administration"), "admin.manage"),
]


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
