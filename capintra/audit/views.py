from flask import Blueprint, request

from capintra.audit.queries import recent_events
from capintra.auth.models import User
from capintra.extensions import db
from capintra.security import require
from capintra.web.htmx import render
from capintra.web.routing import db_id

bp = Blueprint("audit", __name__)


@bp.get("/")
@require("audit.view")
def index():
    before = request.args.get("before", type=db_id)
    events = recent_events(before_id=before)
    user_ids = {e.user_id for e in events if e.user_id}
    users = (
        {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    return render("audit/index.html", partial="audit-rows", events=events, users=users)
