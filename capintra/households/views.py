"""Household files: list and search, the file with its tabs, inline edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from capintra.audit.labels import ACTION_LABELS, ENTITY_LABELS, present_changes
from capintra.audit.queries import shown_changes
from capintra.audit.service import record_bulk, record_event
from capintra.database import writes
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.households import queries, services
from capintra.households.forms import (
    DeleteForm,
    HouseholdForm,
    LetterForm,
    MemberForm,
    NoteForm,
    PhaseForm,
    SplitForm,
    TaskForm,
    field_value,
)
from capintra.households.models import Household, Letter, Member, Note, Phase, Task
from capintra.models import utcnow
from capintra.security import can, require
from capintra.web.confirm import confirmation_page
from capintra.web.formatting import date_fr
from capintra.web.htmx import redirect_to, render, wants_partial
from capintra.web.routing import db_id

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
    rows, next_after = queries.household_page(filters, current_app.config["PAGE_SIZE"])
    # The results alone (a keystroke of the active search) show no filter choices.
    operations, officers = (
        ([], []) if wants_partial("household-results") else queries.filter_choices()
    )
    return render(
        "households/index.html",
        partial="household-results",
        rows=rows,
        next_after=next_after,
        filters=filters,
        phases=Phase.choices(),
        sorts=SORT_CHOICES,
        operations=operations,
        officers=officers,
    )


# --- create and edit -------------------------------------------------------------------


def _household_form(household: Household | None = None) -> HouseholdForm:
    form = HouseholdForm(obj=household if request.method == "GET" else None)
    form.restrict_to(officer=can("household.social"))
    operations, officers = queries.filter_choices()
    form.operation_id.choices = [(o.id, o.name) for o in operations]
    if "officer_id" in form:
        form.officer_id.choices = [(None, "—")] + [(u.id, u.display_name) for u in officers]
    if household is not None and request.method == "GET":
        form.version.data = household.version
    return form


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
                          status=409)  # fmt: skip
        else:
            db.session.commit()
            flash(_("Dossier %(ref)s créé.", ref=household.reference), "success")
            return redirect_to(url_for("households.detail", household_id=household.id))
    status = 422 if request.method == "POST" else 200
    return render("households/form.html", form=form, household=None, stale=None, status=status)


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@require("household.edit")
@writes  # the form shown is a consultation of the file (audited)
def edit(household_id: int):
    household = queries.get_household_or_404(household_id)
    if request.method == "GET":
        _record_opening(household)
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
            stale, status = household, 409
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
        "households/form.html", form=form, household=household, stale=stale, status=status
    )


# --- the file and its tabs ---------------------------------------------------------------

TABS = [
    ("summary", _l("Synthèse")),
    ("members", _l("Composition familiale")),
    ("occupancy", _l("Occupation")),
    ("letters", _l("Courriers")),
    ("journal", _l("Journal")),
    ("documents", _l("Pièces jointes")),
    ("offers", _l("Souhaits et propositions")),
    ("relocation", _l("Relogement")),
    ("tasks", _l("Tâches")),
    ("history", _l("Historique")),
]


@dataclass
class TabState:
    """What a tab shows besides its list: the add form, and an item being edited."""

    add_form: Any = None
    edit_id: int | None = None
    edit_form: Any = None
    stale: Any = None
    extra: dict = field(default_factory=dict)


def _tab_context(household: Household, tab: str, state: TabState | None = None) -> dict:
    state = state or TabState()
    ctx: dict[str, Any] = {
        "household": household,
        "tab": tab,
        "tabs": TABS,
        "state": state,
        "today": services.today(),
    }
    if tab == "summary":
        ctx["children"] = queries.split_children(household)
        ctx["members"] = queries.members_of(household)
        if can("household.social"):
            ctx["phase_form"] = state.extra.get("phase_form") or _phase_form(household)
    elif tab == "members":
        ctx["items"] = queries.members_of(household)
        state.add_form = state.add_form or _sub_form("members", None)
        ctx["split_form"] = SplitForm(formdata=None)
    elif tab == "letters":
        ctx["items"] = queries.letters_of(household)
        state.add_form = state.add_form or _sub_form("letters", None)
    elif tab == "journal":
        items = queries.notes_of(household)
        ctx["items"] = items
        state.add_form = state.add_form or _sub_form("notes", None)
        if request.method == "GET":  # a page showing notes; not the tab redrawn after a save
            _record_confidential_reads(household, [n for n in items if n.confidential])
    elif tab == "documents":
        from capintra.documents.forms import upload_form

        ctx["items"] = queries.documents_of(household)
        state.add_form = state.add_form or upload_form(formdata=None)
    elif tab == "tasks":
        ctx["items"] = queries.tasks_of(household)
        state.add_form = state.add_form or _sub_form("tasks", None)
    elif tab == "history":
        ctx["events"] = queries.history_of(household)
        ctx["action_labels"] = ACTION_LABELS
        ctx["entity_labels"] = ENTITY_LABELS
        ctx["present_changes"] = _present
        ctx["phase_changes"] = queries.phase_changes_of(household)
    ctx["delete_form"] = DeleteForm(formdata=None)
    return ctx


def _record_confidential_reads(household: Household, notes: list[Note]) -> None:
    """Every read of a confidential note is an audit event: one INSERT for them all,
    committed once the page is rendered (render_tab), so no note is reloaded row by row."""
    if notes:
        record_bulk("read_confidential", notes)
        db.session.info[_AUDITED_READ] = True


def _present(event):
    """History rows of an event, without sensitive field names for non-officers."""
    return present_changes(event, shown_changes(event, can("household.confidential")))


#: session.info key: this request read something that must be audited (commit it).
_AUDITED_READ = "capintra_audited_read"


def render_tab(household: Household, tab: str, state: TabState | None = None, status: int = 200):
    ctx = _tab_context(household, tab, state)
    response = render("households/detail.html", partial="tab-content", status=status, **ctx)
    if db.session.info.pop(_AUDITED_READ, False):
        # After rendering: a commit expires every loaded object, which the page would
        # otherwise reload one query per row.
        db.session.commit()
    return response


#: Going from tab to tab of the same file within this time is one opening, not several.
REOPEN_AFTER = timedelta(minutes=10)


def _record_opening(household: Household) -> None:
    """Every consultation of a file is an audit event, whatever the request's headers
    say; tab after tab of the file this session just opened counts once."""
    now = utcnow()
    last = session.get("last_opened")
    if last and last[0] == household.id:
        try:
            if now - datetime.fromisoformat(last[1]) < REOPEN_AFTER:
                return
        except (TypeError, ValueError):
            pass
    record_event("open", household)
    session["last_opened"] = [household.id, now.isoformat()]
    db.session.info[_AUDITED_READ] = True


def _show_file(household_id: int, tab: str):
    """The file on one tab (a whole page, or the partial htmx loads)."""
    household = queries.get_household_or_404(household_id)
    _record_opening(household)
    return render_tab(household, tab)


@bp.get("/<int:household_id>")
@require("household.view")
@writes  # opening a file, reading a confidential note: audit events
def detail(household_id: int):
    return _show_file(household_id, "summary")


def _tab_view(tab: str):
    def view(household_id: int):
        return _show_file(household_id, tab)

    view.__name__ = f"tab_{tab}"
    return view


for _tab, _label in TABS[1:]:
    bp.add_url_rule(
        f"/<int:household_id>/{_tab}",
        endpoint=f"tab_{_tab}",
        view_func=require("household.view")(writes(_tab_view(_tab))),
        methods=["GET"],
    )


# --- inline add / edit / delete of members, notes, letters, tasks -----------------------------


@dataclass
class SubResource:
    model: type
    form: type
    tab: str
    #: flash messages after a plain (non-htmx) add, edit, delete
    created: str
    updated: str
    deleted: str


SUB_RESOURCES: dict[str, SubResource] = {
    "members": SubResource(
        Member, MemberForm, "members", _l("Membre ajouté."), _l("Membre modifié."),
        _l("Membre retiré."),
    ),
    "notes": SubResource(
        Note, NoteForm, "journal", _l("Note ajoutée."), _l("Note modifiée."),
        _l("Note supprimée."),
    ),
    "letters": SubResource(
        Letter, LetterForm, "letters", _l("Courrier enregistré."), _l("Courrier modifié."),
        _l("Courrier supprimé."),
    ),
    "tasks": SubResource(
        Task, TaskForm, "tasks", _l("Tâche ajoutée."), _l("Tâche modifiée."),
        _l("Tâche supprimée."),
    ),
}  # fmt: skip


def _sub_form(kind: str, item: Any, formdata: Any = None):
    """The add/edit form of a sub-resource, with choices and defaults filled in."""
    spec = SUB_RESOURCES[kind]
    # A posted form is read from the post alone: a field (the version!) missing from it
    # must not be filled in from the record.
    form = (
        spec.form(formdata=formdata) if formdata is not None else spec.form(formdata=None, obj=item)
    )
    if item is not None and formdata is None:
        form.version.data = item.version
    if kind == "members" and not can("household.confidential"):
        del form.disability_need
    if kind == "notes":
        if not can("household.confidential"):
            del form.shared
        elif item is not None and formdata is None:
            form.shared.data = not item.confidential
    if kind == "tasks":
        people = queries.task_assignees()
        form.assignee_id.choices = [(None, "—")] + [(u.id, u.display_name) for u in people]
        if item is None and formdata is None:
            form.assignee_id.data = current_user.id
    if item is None and formdata is None:
        today = services.today()
        for date_field in ("note_date", "letter_date"):
            if date_field in form:
                form[date_field].data = today
    return form


def _form_data(form) -> dict:
    return {
        name: field_value(fld)
        for name, fld in form._fields.items()
        if name not in ("csrf_token", "version")
    }


def after_inline_save(household: Household, tab: str, message: str):
    """After an inline add, edit or delete: the updated tab for htmx (with an HX-Trigger),
    else a flash and a 303 to the tab."""
    if wants_partial("tab-content"):
        response = render_tab(household, tab)
        response.headers["HX-Trigger"] = "capintra:saved"
        return response
    flash(str(message), "success")
    return redirect_to(url_for(f"households.tab_{tab}", household_id=household.id), 303)


def _add_view(kind: str):
    spec = SUB_RESOURCES[kind]

    def view(household_id: int):
        household = queries.get_household_or_404(household_id)
        form = _sub_form(kind, None, formdata=request.form)
        if not form.validate():
            return render_tab(household, spec.tab, TabState(add_form=form), status=422)
        item = spec.model(household_id=household.id)
        services.save_item(item, _form_data(form), current_user)
        db.session.add(item)
        db.session.commit()
        return after_inline_save(household, spec.tab, spec.created)

    view.__name__ = f"{kind}_add"
    return view


def _edit_view(kind: str):
    spec = SUB_RESOURCES[kind]

    def view(household_id: int, item_id: int):
        household = queries.get_household_or_404(household_id)
        item = queries.get_item_or_404(spec.model, household, item_id)
        if request.method == "GET":
            form = _sub_form(kind, item)
            return render_tab(household, spec.tab, TabState(edit_id=item.id, edit_form=form))
        form = _sub_form(kind, item, formdata=request.form)
        if not form.validate():
            state = TabState(edit_id=item.id, edit_form=form)
            return render_tab(household, spec.tab, state, status=422)
        try:
            check_version(item, form.version.data)
        except StaleVersion:
            form.version.data = item.version
            state = TabState(edit_id=item.id, edit_form=form, stale=item)
            return render_tab(household, spec.tab, state, status=409)
        services.save_item(item, _form_data(form), current_user)
        db.session.commit()
        return after_inline_save(household, spec.tab, spec.updated)

    view.__name__ = f"{kind}_edit"
    return view


def _delete_question(kind: str, item: Any) -> tuple[str, str | None]:
    """What the confirmation page of a delete asks (without JavaScript), and its button
    (no-break spaces inside « » and before ?, as French typography wants)."""
    if kind == "members":
        return _("Retirer %(name)s du ménage\u00a0?", name=item.full_name), _("Retirer")
    if kind == "notes":
        return _("Supprimer la note du %(d)s\u00a0?", d=date_fr(item.note_date)), None
    if kind == "letters":
        question = _("Supprimer le courrier «\u00a0%(subject)s\u00a0» du %(d)s\u00a0?",
                     subject=item.subject, d=date_fr(item.letter_date))  # fmt: skip
        return question, None
    return _("Supprimer la tâche «\u00a0%(title)s\u00a0»\u00a0?", title=item.title), None


def _delete_view(kind: str):
    spec = SUB_RESOURCES[kind]

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
        cancel_url = url_for(f"households.tab_{spec.tab}", household_id=household.id)
        question, label = _delete_question(kind, item)
        if (page := confirmation_page(form, question, cancel_url, confirm_label=label)) is not None:
            return page
        item.soft_delete()
        db.session.commit()
        return after_inline_save(household, spec.tab, spec.deleted)

    view.__name__ = f"{kind}_delete"
    return view


for _kind in SUB_RESOURCES:
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


# --- phase and split ---------------------------------------------------------------------


def _phase_form(household: Household, formdata: Any = None) -> PhaseForm:
    form = PhaseForm(formdata=formdata)
    if formdata is None:
        form.version.data = household.version
        following = [p for p in form.to_phase.choices if p[0] != household.phase.value]
        form.to_phase.choices = following
    return form


@bp.post("/<int:household_id>/phase")
@require("household.social")
def phase(household_id: int):
    household = queries.get_household_or_404(household_id)
    form = _phase_form(household, formdata=request.form)
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
