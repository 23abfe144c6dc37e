"""The disposal lists in the administration (admin flag only, capability
`retention.run`): the list, one list's lines, and its approval (version-checked,
audited). Nothing here applies a list: the next `flask anonymise-closed` does."""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from capintra.auth.models import User
from capintra.errors import DomainError, check_version
from capintra.extensions import db
from capintra.keyset import Keyset
from capintra.retention import services
from capintra.retention.models import DisposalLine, DisposalList
from capintra.security import require
from capintra.web.errors import error_response
from capintra.web.forms import RequiredVersionForm
from capintra.web.htmx import redirect_to, render

bp = Blueprint("retention", __name__)


class ApproveForm(RequiredVersionForm):
    """Approve: a button carrying the version shown."""


#: Disposal lists, the latest first (keyset on the id).
DISPOSAL_ORDER = Keyset(DisposalList.id, descending=True)


@bp.get("/")
@require("retention.run")
def disposals():
    """The lists, the latest first, a page at a time: the nightly run may write one a day."""
    page = DISPOSAL_ORDER.page(select(DisposalList), after=request.args.get("after"), size=50)
    ids = [item.id for item in page]
    counts = dict(
        db.session.execute(
            select(DisposalLine.disposal_list_id, func.count())
            .where(DisposalLine.disposal_list_id.in_(ids))
            .group_by(DisposalLine.disposal_list_id)
        ).all()
    )
    return render("retention/disposals.html", lists=page, counts=counts)


def _list_or_404(list_id: int) -> DisposalList:
    return db.get_or_404(DisposalList, list_id)


def _detail(disposal: DisposalList, form: ApproveForm, status: int = 200, message: str = ""):
    approver = db.session.get(User, disposal.approved_by_id) if disposal.approved_by_id else None
    return render(
        "retention/disposal.html",
        disposal=disposal,
        lines=services.lines_of(disposal),
        approver=approver,
        form=form,
        message=message,
        status=status,
    )


@bp.get("/<int:list_id>")
@require("retention.run")
def disposal(list_id: int):
    item = _list_or_404(list_id)
    form = ApproveForm(formdata=None)
    form.version.data = item.version
    return _detail(item, form)


@bp.post("/<int:list_id>/approve")
@require("retention.run")
def disposal_approve(list_id: int):
    item = _list_or_404(list_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return error_response(422, _("Formulaire incomplet : rechargez la page du bordereau."))
    try:
        check_version(item, form.version.data)
        services.approve(item, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        item = _list_or_404(list_id)
        fresh = ApproveForm(formdata=None)
        fresh.version.data = item.version
        return _detail(item, fresh, 409, error.message)
    flash(
        _("Bordereau n° %(id)s approuvé : le prochain passage de conservation l’appliquera.",
          id=item.id),
        "success",
    )  # fmt: skip
    return redirect_to(url_for("retention.disposal", list_id=item.id))
