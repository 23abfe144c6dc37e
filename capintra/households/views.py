"""Household files: list and search, the file with its tabs, inline edits."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from capintra.database import writes
from capintra.documents import hosting
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.households import dashboard, queries, services
from capintra.households.archive import guard_evidence
from capintra.households.forms import (
    AcknowledgeForm,
    HouseholdForm,
    SplitForm,
    TaskDoneForm,
    field_value,
)
from capintra.households.items import ITEMS, item_form
from capintra.households.models import Household, Letter, Member, Phase, Task
from capintra.households.pages import phase_form, record_opening
from capintra.organisations.forms import QUICK_PREFIX, OrganisationForm
from capintra.organisations.queries import choices as organisation_choices
from capintra.security import can, require
from capintra.text import lazy_gettext as _l
from capintra.web.confirm import confirmation_page
from capintra.web.formatting import date_fr
from capintra.web.forms import DeleteForm
from capintra.web.home import render_dashboard
from capintra.web.htmx import redirect_to, render, wants_partial
from capintra.web.pages import TabState, render_tab, saved, tab_url
from capintra.web.routing import db_id
from capintra.web.stale import Stale, stale_view

bp = Blueprint("households", __name__)

SORT_CHOICES = [
    ("nom", _l("Nom")),
    ("reference", _l("Référence")),
    ("recent", _l("Modifiés récemment")),
]


# --- list ------------------------------------------------------------------------------


@bp.get("/")
@require("household.view")
def index():
    filters = queries.HouseholdFilters.from_args(request.args)
    rows, next_after, count = queries.household_list(filters, current_app.config["PAGE_SIZE"])
    reasons = queries.search_reasons(rows, filters.q)
    # The results alone (a keystroke of the active search) show no filter choices.
    operations, officers = (
        ([], []) if wants_partial("household-results") else queries.filter_choices()
    )
    return render(
        "households/index.html",
        partial="household-results",
        rows=rows,
        next_after=next_after,
        count=count,
        count_cap=queries.COUNT_CAP,
        reasons=reasons,
        filters=filters,
        phases=Phase.choices(),
        sorts=SORT_CHOICES,
        operations=operations,
        officers=officers,
    )


# --- create and edit -------------------------------------------------------------------


def _household_form(household: Household | None = None) -> HouseholdForm:
    form = HouseholdForm(obj=household if request.method == "GET" else None)
    form.restrict_for(current_user)
    operations, officers = queries.filter_choices()
    form.operation_id.choices = [(o.id, o.name) for o in operations]
    if "officer_id" in form:
        form.officer_id.choices = [(None, "—")] + [(u.id, u.display_name) for u in officers]
    if "partner_ids" in form:
        form.partner_ids.choices = organisation_choices()
        if household is not None and request.method == "GET":
            form.partner_ids.data = [o.id for o in queries.partners_of(household)]
    if household is not None and request.method == "GET":
        form.version.data = household.version
    return form


def _quick_org_form() -> OrganisationForm | None:
    """The inline « add an organisation » of the partners, for who may add one."""
    if not can("organisation.add"):
        return None
    return OrganisationForm(prefix=QUICK_PREFIX, formdata=None)


@bp.route("/new", methods=["GET", "POST"])
@require("household.edit")
def create():
    form = _household_form()
    if request.method == "GET" and can("household.social"):
        form.officer_id.data = current_user.id
    if form.validate_on_submit():
        try:
            household = services.create_household(form.data_for_model(), current_user)
        except DomainError as error:  # a rule refused (not the form): 409, as on edit
            db.session.rollback()
            form.form_errors.append(error.message)
            return render("households/form.html", form=form, household=None, stale=None,
                          quick_org=_quick_org_form(), status=409)  # fmt: skip
        else:
            db.session.commit()
            flash(_("Dossier %(ref)s créé.", ref=household.reference), "success")
            return redirect_to(url_for("households.detail", household_id=household.id))
    status = 422 if request.method == "POST" else 200
    return render("households/form.html", form=form, household=None, stale=None,
                  quick_org=_quick_org_form(), status=status)  # fmt: skip


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@require("household.edit")
@writes  # the form shown is a consultation of the file (audited)
def edit(household_id: int):
    household = queries.get_household_or_404(household_id)
    if request.method == "GET":
        record_opening(household)
        db.session.commit()
    form = _household_form(household)
    stale, status = None, 200
    if form.validate_on_submit():
        try:
            check_version(household, form.version.data)
            services.update_household(household, form.data_for_model(), current_user)
            db.session.commit()
        except StaleVersion:
            db.session.rollback()
            household = queries.get_household_or_404(household_id)
            stale, status = _stale(household, form), 409
            form.version.data = household.version
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 409
        else:
            flash(_("Dossier enregistré."), "success")
            return redirect_to(url_for("households.detail", household_id=household.id))
    elif request.method == "POST":
        status = 422
    return render(
        "households/form.html",
        form=form,
        household=household,
        stale=stale,
        quick_org=_quick_org_form(),
        status=status,
    )


# --- inline add / edit / delete of members, notes, letters, tasks -----------------------------


def _stale(record, form) -> Stale:
    """A refused save's screen: what changed since the version the form showed."""
    return stale_view(record, form.version.data, sensitive=can("household.confidential"))


def _form_data(form) -> dict:
    return {
        name: field_value(fld)
        for name, fld in form._fields.items()
        if name not in ("csrf_token", "version")
    }


def _add_view(kind: str):
    spec = ITEMS[kind]

    def view(household_id: int):
        household = queries.get_household_or_404(household_id)
        form = item_form(kind, None, formdata=request.form)
        if not form.validate():
            return render_tab(household, spec.tab, TabState(add_form=form), status=422)
        item = spec.model(household_id=household.id)
        spec.save(item, _form_data(form), current_user)
        db.session.add(item)
        db.session.commit()
        return saved(household, spec.tab, spec.created)

    view.__name__ = f"{kind}_add"
    return view


def _edit_view(kind: str):
    spec = ITEMS[kind]

    def view(household_id: int, item_id: int):
        household = queries.get_household_or_404(household_id)
        item = queries.get_item_or_404(spec.model, household, item_id)
        if request.method == "GET":
            form = item_form(kind, item)
            return render_tab(household, spec.tab, TabState(edit_id=item.id, edit_form=form))
        form = item_form(kind, item, formdata=request.form)
        if not form.validate():
            state = TabState(edit_id=item.id, edit_form=form)
            return render_tab(household, spec.tab, state, status=422)
        try:
            check_version(item, form.version.data)
        except StaleVersion:
            stale = _stale(item, form)
            form.version.data = item.version
            state = TabState(edit_id=item.id, edit_form=form, stale=stale)
            return render_tab(household, spec.tab, state, status=409)
        spec.save(item, _form_data(form), current_user)
        db.session.commit()
        return saved(household, spec.tab, spec.updated)

    view.__name__ = f"{kind}_edit"
    return view


def _delete_view(kind: str):
    spec = ITEMS[kind]

    def view(household_id: int, item_id: int):
        household = queries.get_household_or_404(household_id)
        item = queries.get_item_or_404(spec.model, household, item_id)
        form = DeleteForm(formdata=request.form)
        if not form.validate():
            state = TabState(extra={"error": _("Suppression impossible : rechargez la page.")})
            return render_tab(household, spec.tab, state, status=422)
        try:
            check_version(item, form.version.data)
        except StaleVersion as stale:
            # The tab as it is now, with the reason: the user sees what changed.
            return render_tab(household, spec.tab, TabState(extra={"error": stale.message}), 409)
        question, label = spec.question(item)
        cancel = tab_url(household, spec.tab)
        if (page := confirmation_page(form, question, cancel, confirm_label=label)) is not None:
            return page  # no JavaScript: the question on a page of its own
        item.soft_delete()
        db.session.commit()
        return saved(household, spec.tab, spec.deleted)

    view.__name__ = f"{kind}_delete"
    return view


for _kind in ITEMS:
    bp.add_url_rule(
        f"/<int:household_id>/{_kind}",
        endpoint=f"{_kind}_add",
        view_func=require("household.edit")(_add_view(_kind)),
        methods=["POST"],
    )
    bp.add_url_rule(
        f"/<int:household_id>/{_kind}/<int:item_id>",
        endpoint=f"{_kind}_edit",
        view_func=require("household.edit")(writes(_edit_view(_kind))),
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        f"/<int:household_id>/{_kind}/<int:item_id>/delete",
        endpoint=f"{_kind}_delete",
        view_func=require("household.edit")(_delete_view(_kind)),
        methods=["POST"],
    )


# A closed file's letters: archived (404 for those who may not read the archive, 409 for
# any save).
guard_evidence(bp, ("letters_add", "letters_edit", "letters_delete", "letter_acknowledge"))


# --- phase and split ---------------------------------------------------------------------


@bp.post("/<int:household_id>/phase")
@require("household.social")
def phase(household_id: int):
    household = queries.get_household_or_404(household_id)
    form = phase_form(household, formdata=request.form)
    if not form.validate():
        state = TabState(extra={"phase_form": form})
        return render_tab(household, "summary", state, status=422)
    try:
        check_version(household, form.version.data)
        services.change_phase(
            household,
            form.to_phase.data,
            current_user,
            reason=form.reason.data,
            outcome=form.outcome.data,
        )
    except DomainError as error:
        # 409 with the reason and the current state: the file as it is now, the form
        # as typed, carrying the current version.
        db.session.rollback()
        household = queries.get_household_or_404(household_id)
        form.form_errors.append(error.message)
        form.version.data = household.version
        state = TabState(extra={"phase_form": form})
        return render_tab(household, "summary", state, status=409)
    db.session.commit()
    # The whole page reloads (the header shows the phase), with htmx too: say it there.
    flash(_("Étape du dossier : %(p)s.", p=household.phase.label), "success")
    return redirect_to(url_for("households.detail", household_id=household.id))


@bp.post("/<int:household_id>/split")
@require("household.social")
def split(household_id: int):
    household = queries.get_household_or_404(household_id)
    form = SplitForm(formdata=request.form)
    if not form.validate():
        error = _("Décohabitation impossible : rechargez la page puis réessayez.")
        return render_tab(household, "members", TabState(extra={"error": error}), status=422)
    member = queries.get_item_or_404(Member, household, db_id(form.member_id.data))
    try:
        check_version(member, form.version.data)
        new = services.split_member(household, member, current_user)
    except DomainError as error:
        db.session.rollback()
        household = queries.get_household_or_404(household_id)
        return render_tab(household, "members", TabState(extra={"error": error.message}), 409)
    db.session.commit()
    flash(
        _("Décohabitation : dossier %(ref)s créé, lié à %(orig)s.", ref=new.reference,
          orig=household.reference),
        "success",
    )  # fmt: skip
    return redirect_to(url_for("households.detail", household_id=new.id))


# --- documents (capintra.documents: stored, sniffed; the file's tab hosts them) ----------


@bp.post("/<int:household_id>/documents")
@require("household.edit")
def documents_upload(household_id: int):
    return hosting.upload(queries.get_household_or_404(household_id))


@bp.post("/<int:household_id>/documents/<int:document_id>/delete")
@require("household.edit")
def documents_delete(household_id: int, document_id: int):
    return hosting.delete(queries.get_household_or_404(household_id), document_id)


# --- one-click actions of the dashboard: « AR reçu le … », « Faite » ----------------------

#: The dashboard's lists these actions redraw: the list's element id, its template, context.
DASHBOARD_BOXES = {
    "letters": ("dash-letters-box", "households/_dashboard_letters.html", dashboard.letters_box),
    "tasks": ("dash-tasks-box", "households/_dashboard_tasks.html", dashboard.tasks_box),
}


def _dashboard_answer(box: str, message: str, status: int = 200):
    """htmx: the list redrawn in place with the message. Without JavaScript: done, a flash
    and a 303 back to the dashboard; refused, the dashboard with the reason (409, 422)."""
    target, template, context = DASHBOARD_BOXES[box]
    if wants_partial(target):
        if status != 200:
            db.session.rollback()
        kind = "success" if status == 200 else "warning"
        response = render(template, status=status, message=message, message_kind=kind,
                          **context())  # fmt: skip
        if status == 200:
            response.headers["HX-Trigger"] = "capintra:saved"
        return response
    if status != 200:
        db.session.rollback()
        return render_dashboard(status, message)
    flash(message, "success")
    return redirect_to(url_for("web.dashboard", _anchor=target), 303)


@bp.post("/<int:household_id>/letters/<int:item_id>/acknowledge")
@require("household.edit")
def letter_acknowledge(household_id: int, item_id: int):
    household = queries.get_household_or_404(household_id)
    letter = queries.get_item_or_404(Letter, household, item_id)
    form = AcknowledgeForm(formdata=request.form)
    if not form.validate():
        if form.acknowledged_on.errors:  # said beside the row's date (the list's template)
            g.acknowledge_error = (letter.id, " ".join(map(str, form.acknowledged_on.errors)))
        message = _(
            "L’accusé de réception n’a pas pu être enregistré : la date n’est pas "
            "valide ou la page est trop ancienne. Rechargez la page puis réessayez."
        )
        return _dashboard_answer("letters", message, 422)  # fmt: skip
    day = form.acknowledged_on.data or services.today()
    try:
        check_version(letter, form.version.data)
        services.acknowledge_letter(letter, day)
    except StaleVersion:
        message = _("Ce courrier a été modifié par quelqu’un d’autre entre-temps : voici la "
                    "liste à jour, vérifiez-la avant de recommencer.")  # fmt: skip
        return _dashboard_answer("letters", message, 409)
    except DomainError as error:
        return _dashboard_answer("letters", error.message, 409)
    db.session.commit()
    message = _("AR du courrier « %(subject)s » (%(ref)s) reçu le %(d)s : enregistré.",
                subject=letter.subject, ref=household.reference, d=date_fr(day))  # fmt: skip
    return _dashboard_answer("letters", message)


@bp.post("/<int:household_id>/tasks/<int:item_id>/done")
@require("household.edit")
def task_done(household_id: int, item_id: int):
    household = queries.get_household_or_404(household_id)
    task = queries.get_item_or_404(Task, household, item_id)
    form = TaskDoneForm(formdata=request.form)
    if not form.validate():
        message = _("La tâche n’a pas pu être marquée comme faite : rechargez la page puis "
                    "réessayez.")  # fmt: skip
        return _dashboard_answer("tasks", message, 422)
    try:
        check_version(task, form.version.data)
        services.complete_task(task)
    except StaleVersion:
        message = _("Cette tâche a été modifiée par quelqu’un d’autre entre-temps : voici la "
                    "liste à jour, vérifiez-la avant de recommencer.")  # fmt: skip
        return _dashboard_answer("tasks", message, 409)
    except DomainError as error:
        return _dashboard_answer("tasks", error.message, 409)
    db.session.commit()
    message = _("Tâche « %(title)s » (%(ref)s) faite.", title=task.title,
                ref=household.reference)  # fmt: skip
    return _dashboard_answer("tasks", message)
