from flask import Blueprint, request

from capintra.audit.labels import action_labels, entity_labels, present_changes
from capintra.audit.queries import recent_events, shown_changes
from capintra.security import can, require
from capintra.web.htmx import render
from capintra.web.routing import db_id

bp = Blueprint("audit", __name__)

PAGE = 100


@bp.get("/")
@require("audit.view")
def index():
    confidential = can("audit.confidential")
    before = request.args.get("before", type=db_id)
    events, next_before = recent_events(confidential=confidential, before_id=before, limit=PAGE)
    return render(
        "audit/index.html",
        partial="audit-rows",
        events=events,
        next_before=next_before,
        action_labels=action_labels(),
        entity_labels=entity_labels(),
        present=lambda e: present_changes(e, shown_changes(e, confidential)),
    )
