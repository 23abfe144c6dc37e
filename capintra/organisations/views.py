"""The organisations directory: the admins' list, create, edit and merge of duplicates
(/admin/organisations/…), and the quick add of assistants and officers
(/organisations/new), as a page or inline (htmx: the new option of a select)."""

from __future__ import annotations

import re

from flask import Blueprint, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _

from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db, htmx
from capintra.organisations import queries, services
from capintra.organisations.forms import QUICK_PREFIX, MergeForm, OrganisationForm
from capintra.organisations.models import Organisation, OrganisationKind
from capintra.security import require
from capintra.web.confirm import confirmation_page
from capintra.web.htmx import flashes_oob, redirect_to, render
from capintra.web.stale import stale_view

bp = Blueprint("organisations", __name__)

#: Where the quick add may send the user back: a local path, nothing else.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_.-]{0,200}\Z")


# --- the admins' directory -----------------------------------------------------------------


@bp.get("/admin/organisations/")
@require("admin.manage")
def index():
    filters = queries.DirectoryFilters.from_args(request.args)
    rows, count = queries.directory(filters, after=request.args.get("after"))
    return render(
        "organisations/index.html",
        partial="organisation-results",
        rows=rows,
        count=count,
        filters=filters,
        kinds=OrganisationKind.choices(),
    )


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@require("admin.manage")
def create():
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        organisation = Organisation()
        try:
            services.save_organisation(organisation, form.data_for_model())
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 409
        else:
            db.session.commit()
            flash(_("Organisme « %(name)s » ajouté à l’annuaire.", name=organisation.name),
                  "success")  # fmt: skip
            return redirect_to(url_for("organisations.edit", org_id=organisation.id))
    elif request.method == "POST":
        status = 422
    return render("organisations/form.html", form=form, organisation=None, stale=None,
                  status=status)  # fmt: skip


@bp.route("/admin/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@require("admin.manage")
def edit(org_id: int):
    organisation = queries.get_organisation_or_404(org_id)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = organisation.version
    stale, status = None, 200
    if form.validate_on_submit():
        try:
            check_version(organisation, form.version.data)
            services.save_organisation(organisation, form.data_for_model())
        except StaleVersion:
            db.session.rollback()
            organisation = queries.get_organisation_or_404(org_id)
            stale, status = stale_view(organisation, form.version.data, sensitive=True), 409
            form.version.data = organisation.version
        except DomainError as error:
            db.session.rollback()
            organisation = queries.get_organisation_or_404(org_id)
            form.form_errors.append(error.message)
            form.version.data = organisation.version
            status = 409
        else:
            db.session.commit()
            flash(_("Organisme « %(name)s » enregistré.", name=organisation.name), "success")
            return redirect_to(url_for("organisations.index"))
    elif request.method == "POST":
        status = 422
    return render(
        "organisations/form.html",
        form=form,
        organisation=organisation,
        usage=services.usage(organisation),
        stale=stale,
        status=status,
    )


@bp.route("/admin/organisations/<int:org_id>/merge", methods=["GET", "POST"])
@require("admin.manage")
def merge(org_id: int):
    """Merge this organisation, a duplicate, into another one: asks once (htmx's confirm,
    or a confirmation page without JavaScript), then moves every reference."""
    duplicate = queries.get_organisation_or_404(org_id)
    form = MergeForm()
    form.kept_id.choices = [(None, "—"), *queries.choices(exclude_id=duplicate.id)]
    if request.method == "GET":
        form.version.data = duplicate.version
        return _merge_page(duplicate, form)
    if not form.validate_on_submit():
        return _merge_page(duplicate, form, 422)
    try:
        check_version(duplicate, form.version.data)
        kept = queries.get_organisation_or_404(form.kept_id.data)
        if kept.id == duplicate.id:  # refused by the service too; asked before confirming
            raise DomainError(_("Un organisme ne peut pas être fusionné avec lui-même."), duplicate)
        question = _(
            "Fusionner « %(dup)s » dans « %(kept)s » ? Tout ce qui pointe vers le doublon "
            "passe à « %(kept)s », et le doublon disparaît de l’annuaire.",
            dup=duplicate.name,
            kept=kept.name,
        )
        cancel = url_for("organisations.merge", org_id=duplicate.id)
        page = confirmation_page(form, question, cancel, confirm_label=_("Fusionner"))
        if page is not None:
            return page
        moved = services.merge(duplicate, kept)
    except StaleVersion:
        db.session.rollback()
        duplicate = queries.get_organisation_or_404(org_id)
        form.form_errors.append(
            _("Cet organisme a été modifié entre-temps : vérifiez-le avant de fusionner.")
        )
        form.version.data = duplicate.version
        return _merge_page(duplicate, form, 409)
    except DomainError as error:
        db.session.rollback()
        duplicate = queries.get_organisation_or_404(org_id)
        form.form_errors.append(error.message)
        form.version.data = duplicate.version
        return _merge_page(duplicate, form, 409)
    db.session.commit()
    flash(
        _("« %(dup)s » fusionné dans « %(kept)s » (%(n)d fiche(s) rattachée(s)).",
          dup=duplicate.name, kept=kept.name, n=sum(moved.values())),
        "success",
    )  # fmt: skip
    return redirect_to(url_for("organisations.edit", org_id=kept.id))


def _merge_page(duplicate: Organisation, form: MergeForm, status: int = 200):
    return render(
        "organisations/merge.html",
        organisation=duplicate,
        usage=services.usage(duplicate),
        form=form,
        status=status,
    )


# --- assistants and officers add an organisation where they need one ---------------------


def _back_to(target: str | None) -> str:
    if target and _LOCAL_PATH.match(target):
        return target
    return url_for("web.dashboard")


def _inline() -> bool:
    return bool(htmx) and not htmx.boosted


def _inline_refusal(form: OrganisationForm, status: int):
    """htmx: the refusal goes to the quick add's message box, not into the select."""
    response = make_response(render_template("organisations/_quick_errors.html", form=form), status)
    response.headers["HX-Retarget"] = "#quick-org-errors"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@bp.route("/organisations/new", methods=["GET", "POST"])
@require("organisation.add")
def add():
    """A new organisation in the directory. htmx (the household form's « Ajouter »): the
    new option, selected, for the select it is appended to; plain: a page, then back to
    where the user came from (`next`)."""
    form = OrganisationForm(prefix=QUICK_PREFIX)
    back = _back_to(request.values.get("next"))
    status = 200
    if form.validate_on_submit():
        organisation = Organisation()
        try:
            services.save_organisation(organisation, form.data_for_model())
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 409
        else:
            db.session.commit()
            flash(_("Organisme « %(name)s » ajouté à l’annuaire.", name=organisation.name),
                  "success")  # fmt: skip
            if _inline():
                option = render_template(
                    "organisations/_option.html",
                    value=organisation.id,
                    label=queries.option_label(organisation.name, organisation.kind),
                )
                return make_response(option + flashes_oob(), 200)
            return redirect_to(back)
    elif request.method == "POST":
        status = 422
    if status != 200 and _inline():
        return _inline_refusal(form, status)
    return render("organisations/add.html", form=form, back=back, status=status)
