"""/notifications/: the signed-in person's notifications, and marking them read.

Only one's own: the list reads the current user's rows, and marking one read finds it
among them (anyone else's id: 404). Every signed-in person has some, so the route asks
what every signed-in role holds (`dashboard.view`).
"""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from capintra.extensions import db
from capintra.notifications import queries, services
from capintra.notifications.forms import MarkReadForm
from capintra.security import require
from capintra.text import ngettext
from capintra.web.htmx import redirect_to, render, wants_partial
from capintra.web.routing import db_id

bp = Blueprint("notifications", __name__)

#: The element (and template block, with underscores) an htmx mark-read redraws.
LIST_TARGET = "notification-list"


def _list_page(before: int | None, *, status: int = 200, form: MarkReadForm | None = None):
    rows, next_before = queries.notifications_of(current_user.id, before=before)
    response = render(
        "notifications/index.html",
        partial=LIST_TARGET,
        status=status,
        notifications=rows,
        next_before=next_before,
        before=before,
        form=form,
    )
    if wants_partial(LIST_TARGET):
        # The header's count follows the list (out of band).
        response.set_data(
            response.get_data(as_text=True)
            + render_template("notifications/_header_link.html", oob=True)
        )
    return response


@bp.get("/")
@require("dashboard.view")
def index():
    return _list_page(request.args.get("before", type=db_id))


@bp.post("/")
@require("dashboard.view")
def mark_read():
    """`id`: that notification read; `all=1`: all of them. Back to the list (303; htmx:
    the list redrawn, with the header's count)."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        return _list_page(None, status=422, form=form)
    if form.everything:
        count = services.mark_all_read(current_user.id)
        message = ngettext(
            "%(num)d notification marquée comme lue.", "%(num)d notifications marquées comme lues.",
            count,
        )  # fmt: skip
    else:
        notification = queries.get_own_or_404(current_user.id, form.notification_id)
        services.mark_read(notification)
        message = _("Notification marquée comme lue.")
    db.session.commit()
    flash(message, "success")
    if wants_partial(LIST_TARGET):
        return _list_page(form.page)
    return redirect_to(url_for("notifications.index", before=form.page), 303)
