from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from capintra.admin import services
from capintra.admin.forms import (
    OperationForm,
    PasswordResetForm,
    ReassignForm,
    SimpleVersionForm,
    UserCreateForm,
    UserEditForm,
)
from capintra.admin.models import Operation
from capintra.auth.models import User
from capintra.auth.services import PasswordRefused, create_user
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db, htmx
from capintra.households.queries import filter_choices
from capintra.security import require
from capintra.web.confirm import confirmation_page
from capintra.web.errors import error_response
from capintra.web.htmx import flashes_oob, redirect_to, render
from capintra.web.stale import stale_view

bp = Blueprint("admin", __name__)


def _inline(target_prefix: str) -> bool:
    return bool(htmx) and not htmx.boosted and (htmx.target or "").startswith(target_prefix)


@bp.get("/")
@require("admin.manage")
def index():
    return redirect(url_for("admin.users"))


# --- users -----------------------------------------------------------------------------


@bp.get("/users/")
@require("admin.manage")
def users():
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.username)).all()
    return render("admin/users.html", users=rows, action_form=SimpleVersionForm())


@bp.route("/users/new", methods=["GET", "POST"])
@require("admin.manage")
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                form.username.data,
                form.role.data,
                form.password.data,
                full_name=form.full_name.data,
                email=form.email.data or "",
                is_admin=form.is_admin.data,
                must_change_password=True,
            )
        except PasswordRefused as refused:
            form.password.errors.extend(refused.problems)
        except DomainError as error:
            form.username.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Compte %(u)s créé.", u=user.username), "success")
            return redirect_to(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render("admin/user_new.html", form=form, status=status)


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@require("admin.manage")
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = user.role.value
        form.version.data = user.version
    stale = None
    status = 200
    if form.validate_on_submit():
        try:
            check_version(user, form.version.data)
            services.update_user(
                user,
                full_name=form.full_name.data,
                email=form.email.data or "",
                role=form.role.data,
                is_admin=form.is_admin.data,
            )
            db.session.commit()
        except StaleVersion:
            db.session.rollback()
            stale = stale_view(user, form.version.data, sensitive=True)
            status = 409
            form.version.data = user.version
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 409
        else:
            flash(_("Compte modifié."), "success")
            if _inline("user-"):
                row = render_template(
                    "admin/_user_row.html", u=user, action_form=SimpleVersionForm()
                )
                return row + flashes_oob()
            return redirect_to(url_for("admin.users"))
    elif request.method == "POST":
        status = 422
    template = "admin/_user_edit_row.html" if _inline("user-") else "admin/user_edit.html"
    return render_template(template, u=user, form=form, stale=stale), status


def _user_row(user: User, status: int = 200, message: str | None = None):
    """The user's row in its current state (inline answers), with a message if refused."""
    html = render_template(
        "admin/_user_row.html", u=user, action_form=SimpleVersionForm(), row_message=message
    )
    return html, status


def _user_action(user_id: int, action, message: str, question: str | None = None, check=None):
    """Deactivate, reactivate, unlock: a button carrying the version it showed.

    Inline (htmx), a refusal answers the row in its current state with the reason (422
    for a malformed form, 409 for a stale version or a rule); plain, the error page.
    `question`: the action asks first (htmx's confirm; without JavaScript a page), once
    `check(user)` found nothing against it.
    """
    user = _user_or_404(user_id)
    form = SimpleVersionForm()
    inline = _inline("user-")
    if not form.validate_on_submit():
        if inline:
            return _user_row(user, 422, _("Formulaire incomplet : rechargez la page."))
        return error_response(422)
    try:
        check_version(user, form.version.data)
        if check:
            check(user)
        if question and (page := confirmation_page(form, question, url_for("admin.users"),
                                                   confirm_label=_("Désactiver"))):  # fmt: skip
            return page
        action(user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if inline:
            return _user_row(user, 409, error.message)
        raise
    flash(message, "success")
    if inline:
        html, status = _user_row(user)
        return html + flashes_oob(), status
    return redirect_to(url_for("admin.users"))


@bp.post("/users/<int:user_id>/deactivate")
@require("admin.manage")
def user_deactivate(user_id: int):
    user = _user_or_404(user_id)
    question = _("Désactiver le compte de %(name)s\u00a0? Ses sessions s’arrêtent aussitôt.",
                 name=user.display_name)  # fmt: skip
    return _user_action(user_id, services.deactivate_user, _("Compte désactivé."), question,
                        check=services.check_deactivation)  # fmt: skip


@bp.post("/users/<int:user_id>/reactivate")
@require("admin.manage")
def user_reactivate(user_id: int):
    return _user_action(user_id, services.reactivate_user, _("Compte réactivé."))


@bp.post("/users/<int:user_id>/unlock")
@require("admin.manage")
def user_unlock(user_id: int):
    return _user_action(user_id, services.unlock_user, _("Compte déverrouillé."))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@require("admin.manage")
def user_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if request.method == "GET":
        form.version.data = user.version
    if form.validate_on_submit():
        check_version(user, form.version.data)
        try:
            services.reset_password(user, form.password.data)
        except PasswordRefused as refused:
            db.session.rollback()
            form.password.errors.extend(refused.problems)
        else:
            db.session.commit()
            flash(_("Mot de passe réinitialisé : à changer à la prochaine connexion."), "success")
            return redirect_to(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render("admin/user_password.html", u=user, form=form, status=status)


# --- operations ------------------------------------------------------------------------


@bp.get("/operations/")
@require("admin.manage")
def operations():
    rows = db.session.scalars(select(Operation).order_by(Operation.name)).all()
    return render("admin/operations.html", operations=rows)


def _apply_operation(op: Operation, form: OperationForm) -> None:
    op.name = form.name.data.strip()
    op.communes = list(form.communes.data)
    op.procedures = list(form.procedures.data)
    op.concession_ref = form.concession_ref.data or ""
    op.funders = form.funders.data or ""
    op.priority_area = form.priority_area.data
    op.start_date = form.start_date.data
    op.end_date = form.end_date.data


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    query = select(Operation.id).where(Operation.name == name.strip())
    if exclude_id:
        query = query.where(Operation.id != exclude_id)
    return db.session.scalar(query) is not None


@bp.route("/operations/new", methods=["GET", "POST"])
@require("admin.manage")
def operation_new():
    form = OperationForm()
    if form.validate_on_submit():
        if _name_taken(form.name.data):
            form.name.errors.append(_("Une opération porte déjà ce nom."))
        else:
            op = Operation()
            _apply_operation(op, form)
            db.session.add(op)
            db.session.commit()
            flash(_("Opération créée."), "success")
            return redirect_to(url_for("admin.operations"))
    status = 422 if request.method == "POST" else 200
    return render("admin/operation_form.html", form=form, op=None, stale=None, status=status)


@bp.route("/operations/<int:op_id>/edit", methods=["GET", "POST"])
@require("admin.manage")
def operation_edit(op_id: int):
    op = db.get_or_404(Operation, op_id)
    form = OperationForm(obj=op if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = op.version
    stale, status = None, 200
    if form.validate_on_submit():
        if _name_taken(form.name.data, exclude_id=op.id):
            form.name.errors.append(_("Une opération porte déjà ce nom."))
            status = 422
        else:
            try:
                check_version(op, form.version.data)
            except StaleVersion:
                stale, status = stale_view(op, form.version.data, sensitive=True), 409
                form.version.data = op.version
            else:
                _apply_operation(op, form)
                db.session.commit()
                flash(_("Opération modifiée."), "success")
                return redirect_to(url_for("admin.operations"))
    elif request.method == "POST":
        status = 422
    return render("admin/operation_form.html", form=form, op=op, stale=stale, status=status)


@bp.route("/users/<int:user_id>/reassign", methods=["GET", "POST"])
@require("admin.manage")
def user_reassign(user_id: int):
    """Reassign an officer's files, e.g. before a departure."""
    user = _user_or_404(user_id)
    form = ReassignForm()
    officers = filter_choices()[1]
    form.to_officer_id.choices = [(None, "—")] + [
        (o.id, o.display_name) for o in officers if o.id != user.id
    ]
    status = 200
    if form.validate_on_submit():
        target = db.session.get(User, form.to_officer_id.data)
        try:
            if target is None:
                raise DomainError(_("Référent introuvable."))
            count = services.reassign_files(user, target)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 409
        else:
            db.session.commit()
            flash(
                _("%(n)d dossier(s) confié(s) à %(name)s.", n=count, name=target.display_name),
                "success",
            )
            return redirect_to(url_for("admin.users"))
    elif request.method == "POST":
        status = 422
    return render("admin/user_reassign.html", u=user, form=form, status=status)
