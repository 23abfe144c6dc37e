"""The follow-up committee's pages: the list of flagged files (officers and managers:
`report.view`), its printable version, and the decision recorded per file (officers:
`household.social`, version checked: a stale row answers 409 with the current decision
beside the user's input). htmx redraws the row; without JavaScript the form posts and
the list comes back (303)."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from capintra import clock
from capintra.committee import queries, services
from capintra.committee.forms import DecisionForm
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.households.queries import get_household_or_404
from capintra.security import require
from capintra.web.htmx import flashes_oob, render, wants_partial
from capintra.web.stale import stale_view

bp = Blueprint("committee", __name__)


def row_id(household_id: int) -> str:
    return f"committee-row-{household_id}"


@bp.get("/")
@require("report.view")
def index():
    return _list_page({}, 200)


@bp.get("/print")
@require("report.view")
def print_view():
    """The list as the committee reads it on paper: no form, no link."""
    return render_template(
        "committee/print.html", rows=queries.committee_rows(), today=clock.today()
    )


@bp.post("/<int:household_id>/decision")
@require("household.social")
def decision(household_id: int):
    household = get_household_or_404(household_id)
    form = DecisionForm()
    if not form.validate():
        return _refused(household_id, form, 422)
    try:
        check_version(household, form.version.data)
        services.record_decision(household, form.committee_decision.data, unflag=form.unflag.data)
    except (StaleVersion, StaleDataError):
        # StaleDataError: PostgreSQL, both read the same version; this UPDATE ran once
        # the other committed and found no row of that version.
        db.session.rollback()
        household = get_household_or_404(household_id)
        stale = stale_view(household, form.version.data, sensitive=False)
        form.version.data = household.version
        return _refused(household_id, form, 409, stale)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _refused(household_id, form, 409)
    db.session.commit()
    if form.unflag.data:
        flash(_("Décision enregistrée ; le dossier %(ref)s est retiré de la liste du comité.",
                ref=household.reference), "success")  # fmt: skip
    else:
        flash(_("Décision enregistrée pour le dossier %(ref)s.", ref=household.reference),
              "success")  # fmt: skip
    if wants_partial(row_id(household_id)):
        rows = queries.committee_rows([household_id])
        body = render_template("committee/_row.html", row=rows[0]) if rows else ""
        return make_response(body + flashes_oob(), 200)
    anchor = None if form.unflag.data else row_id(household_id)
    return redirect(url_for("committee.index", _anchor=anchor), 303)


def _refused(household_id: int, form: DecisionForm, status: int, stale=None):
    """The row with the user's input and the reason (htmx), or the whole list with it."""
    if wants_partial(row_id(household_id)):
        rows = queries.committee_rows([household_id])
        if not rows:  # no longer on the list: say so in place of the row
            body = render_template("committee/_row_gone.html", household_id=household_id, form=form)
        else:
            body = render_template("committee/_row.html", row=rows[0], form=form, stale=stale)
        return make_response(body + flashes_oob(), status)
    return _list_page({household_id: (form, stale)}, status)


def _list_page(states: dict, status: int):
    """A page of the list (`after=`); a refused decision's row (without JavaScript)
    first, wherever it is in the list."""
    page = queries.committee_page(request.args.get("after"))
    rows = list(page.rows)
    if states:
        shown = {row.household_id for row in rows}
        refused = queries.committee_rows(list(states))
        rows = [row for row in refused if row.household_id not in shown] + rows
        listed = {row.household_id for row in refused}
    else:
        listed = set()
    gone = [(hid, form) for hid, (form, _stale) in states.items() if hid not in listed]
    return render(
        "committee/index.html", rows=rows, page=page, total=queries.committee_count(),
        states=states, gone=gone, status=status,
    )  # fmt: skip
