from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from capintra.confidentiality import visible
from capintra.extensions import db
from capintra.security import require
from tests.throwaway.visits.models import Visit

bp = Blueprint("visits", __name__, template_folder=str(Path(__file__).parent / "templates"))


def visits_of(household_id: int | None = None, limit: int = 20) -> list[Visit]:
    """Visits the current user may see (the confidentiality policy), newest first."""
    query = select(Visit).where(Visit.deleted_at.is_(None), visible(Visit))
    if household_id is not None:
        query = query.where(Visit.household_id == household_id)
    return list(db.session.scalars(query.order_by(Visit.visit_date.desc()).limit(limit)))


@bp.get("/<int:visit_id>")
@require("household.view")
def detail(visit_id: int):
    visit = db.session.scalar(
        select(Visit).where(Visit.id == visit_id, Visit.deleted_at.is_(None), visible(Visit))
    )
    if visit is None:
        abort(404)
    return render_template("visits/detail.html", visit=visit)
