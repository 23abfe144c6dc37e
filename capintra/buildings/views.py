"""Buildings: the list per operation, a building created and edited, the building's page
(tabs in pages.py) with its arrêtés and incidents added and edited inline, a unit's page
and its occupancy history, units added and edited, the unit's condition changed in
place, occupancy periods opened and closed."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from capintra.buildings import pages, queries, services
from capintra.buildings.forms import (
    BuildingForm,
    ConditionForm,
    EndPeriodForm,
    OpenPeriodForm,
    PeriodCostsForm,
    UnitForm,
)
from capintra.buildings.items import ITEMS, item_form
from capintra.buildings.models import Building, OccupancyKind, Unit
from capintra.documents import hosting
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.households.models import Household
from capintra.organisations.queries import choices as organisation_choices
from capintra.security import can, require
from capintra.web.confirm import confirmation_page
from capintra.web.forms import DeleteForm
from capintra.web.htmx import flashes_oob, redirect_to, render, wants_partial
from capintra.web.pages import TabState, render_tab, saved, tab_url
from capintra.web.stale import stale_view

bp = Blueprint("buildings", __name__)


# --- list --------------------------------------------------------------------------------


@bp.get("/buildings/")
@require("building.view")
def index():
    on = pages.day_asked()
    filters = queries.BuildingFilters.from_args(request.args)
    rows, next_after, count = queries.building_list(on, filters, current_app.config["PAGE_SIZE"])
    groups: dict[int, tuple] = {}
    for row in rows:
        groups.setdefault(row.operation.id, (row.operation, []))[1].append(row)
    return render(
        "buildings/index.html",
        partial="building-results",
        groups=list(groups.values()),
        count=count,
        count_cap=queries.COUNT_CAP,
        next_after=next_after,
        on=on,
        filters=filters,
        operations=[] if wants_partial("building-results") else queries.operations_with_buildings(),
    )


# --- a building created and edited ---------------------------------------------------------


def _building_form(building: Building | None = None) -> BuildingForm:
    shown = request.method == "GET"
    form = BuildingForm(formdata=None, obj=building) if shown else BuildingForm()
    form.operation_id.choices = [(o.id, o.name) for o in queries.operation_choices()]
    form.owner_or_syndic_id.choices = [("", "—"), *organisation_choices()]
    if building is not None and shown:
        form.version.data = building.version
    return form


def _building_page(form, building, status: int, stale=None):
    return render("buildings/form.html", form=form, building=building, stale=stale,
                  status=status)  # fmt: skip


@bp.route("/buildings/new", methods=["GET", "POST"])
@require("building.edit")
def building_create():
    form = _building_form()
    if request.method == "GET":
        return _building_page(form, None, 200)
    if not form.validate():
        return _building_page(form, None, 422)
    try:
        building = services.save_building(Building(), form.data_for_model())
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _building_page(form, None, 409)
    db.session.commit()
    flash(_("Immeuble « %(address)s » créé.", address=building.address), "success")
    return redirect_to(url_for("buildings.detail", building_id=building.id))


@bp.route("/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@require("building.edit")
def building_edit(building_id: int):
    building = queries.get_building_or_404(building_id)
    form = _building_form(building)
    if request.method == "GET":
        return _building_page(form, building, 200)
    if not form.validate():
        return _building_page(form, building, 422)
    try:
        check_version(building, form.version.data)
        services.save_building(building, form.data_for_model())
    except StaleVersion:
        db.session.rollback()
        building = queries.get_building_or_404(building_id)
        stale = stale_view(building, form.version.data, sensitive=False)
        form.version.data = building.version
        return _building_page(form, building, 409, stale)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _building_page(form, queries.get_building_or_404(building_id), 409)
    db.session.commit()
    flash(_("Immeuble enregistré."), "success")
    return redirect_to(url_for("buildings.detail", building_id=building.id))


# --- arrêtés and incidents, inline on their tabs ---------------------------------------------


def _item_add(kind: str):
    spec = ITEMS[kind]

    def view(building_id: int):
        building = queries.get_building_or_404(building_id)
        form = item_form(kind, building, None, formdata=request.form)
        if not form.validate():
            return render_tab(building, spec.tab, TabState(add_form=form), status=422)
        try:
            spec.save(spec.model(), building, spec.data(form), current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return render_tab(building, spec.tab, TabState(add_form=form), status=409)
        db.session.commit()
        return saved(building, spec.tab, spec.created)

    view.__name__ = f"{kind}_add"
    return view


def _item_edit(kind: str):
    spec = ITEMS[kind]

    def view(building_id: int, **ids):
        building = queries.get_building_or_404(building_id)
        item = spec.load(building, ids[spec.variable])
        if request.method == "GET":
            form = item_form(kind, building, item)
            return render_tab(building, spec.tab, TabState(edit_id=item.id, edit_form=form))
        form = item_form(kind, building, item, formdata=request.form)
        if not form.validate():
            state = TabState(edit_id=item.id, edit_form=form)
            return render_tab(building, spec.tab, state, status=422)
        try:
            check_version(item, form.version.data)
            spec.save(item, building, spec.data(form), current_user)
        except StaleVersion:
            db.session.rollback()
            item = spec.load(building, ids[spec.variable])
            stale = stale_view(item, form.version.data, sensitive=False)
            form.version.data = item.version
            state = TabState(edit_id=item.id, edit_form=form, stale=stale)
            return render_tab(building, spec.tab, state, status=409)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            state = TabState(edit_id=item.id, edit_form=form)
            return render_tab(building, spec.tab, state, status=409)
        db.session.commit()
        return saved(building, spec.tab, spec.updated)

    view.__name__ = f"{kind}_edit"
    return view


def _item_delete(kind: str):
    spec = ITEMS[kind]

    def view(building_id: int, **ids):
        building = queries.get_building_or_404(building_id)
        item = spec.load(building, ids[spec.variable])
        form = DeleteForm(formdata=request.form)
        if not form.validate():
            state = TabState(extra={"error": _("Suppression impossible : rechargez la page.")})
            return render_tab(building, spec.tab, state, status=422)
        try:
            check_version(item, form.version.data)
        except StaleVersion as stale:
            return render_tab(building, spec.tab, TabState(extra={"error": stale.message}), 409)
        cancel = tab_url(building, spec.tab)
        if (page := confirmation_page(form, spec.question(item), cancel)) is not None:
            return page  # no JavaScript: the question on a page of its own
        item.soft_delete()
        db.session.commit()
        return saved(building, spec.tab, spec.deleted)

    view.__name__ = f"{kind}_delete"
    return view


for _kind, _spec in ITEMS.items():
    _item = f"/buildings/<int:building_id>/{_kind}/<int:{_spec.variable}>"
    bp.add_url_rule(
        f"/buildings/<int:building_id>/{_kind}",
        endpoint=f"{_kind}_add",
        view_func=require("building.edit")(_item_add(_kind)),
        methods=["POST"],
    )
    bp.add_url_rule(
        _item,
        endpoint=f"{_kind}_edit",
        view_func=require("building.edit")(_item_edit(_kind)),
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        f"{_item}/delete",
        endpoint=f"{_kind}_delete",
        view_func=require("building.edit")(_item_delete(_kind)),
        methods=["POST"],
    )
    # fmt: skip


# --- a unit ------------------------------------------------------------------------------


def _unit_page(found: Unit, period_form=None, status: int = 200, error: str = ""):
    """The unit's page (capintra.buildings.pages.UNIT_PAGE, first tab) after a POST that
    opened no period: the form again with its errors."""
    if status >= 400:
        db.session.rollback()
        found = queries.get_unit_or_404(found.id)
    state = TabState(extra={"period_form": period_form, "period_error": error})
    return render_tab(found, "unit", state, status=status)


def _unit_form_page(form, building, found: Unit | None, status: int, stale=None):
    return render("buildings/unit_form.html", form=form, building=building, unit=found,
                  stale=stale, status=status)  # fmt: skip


@bp.route("/buildings/<int:building_id>/units/new", methods=["GET", "POST"])
@require("building.edit")
def unit_create(building_id: int):
    building = queries.get_building_or_404(building_id)
    if request.method == "GET":
        form = UnitForm(formdata=None)
        form.floor.data = 0  # « RDC », to change: a floor is always said
        return _unit_form_page(form, building, None, 200)
    form = UnitForm()
    if not form.validate():
        return _unit_form_page(form, building, None, 422)
    try:
        found = services.save_unit(Unit(building_id=building.id), form.data_for_model())
    except DomainError as error:
        db.session.rollback()
        form.lot_number.errors = [error.message]
        return _unit_form_page(form, queries.get_building_or_404(building_id), None, 409)
    db.session.commit()
    flash(_("Logement %(lot)s ajouté.", lot=found.lot_number), "success")
    return redirect_to(url_for("buildings.unit", unit_id=found.id))


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@require("building.edit")
def unit_edit(unit_id: int):
    found = queries.get_unit_or_404(unit_id)
    if request.method == "GET":
        form = UnitForm(formdata=None, obj=found)
        form.version.data = found.version
        return _unit_form_page(form, found.building, found, 200)
    form = UnitForm()
    if not form.validate():
        return _unit_form_page(form, found.building, found, 422)
    try:
        check_version(found, form.version.data)
        services.save_unit(found, form.data_for_model())
    except StaleVersion:
        db.session.rollback()
        found = queries.get_unit_or_404(unit_id)
        stale = stale_view(found, form.version.data, sensitive=False)
        form.version.data = found.version
        return _unit_form_page(form, found.building, found, 409, stale)
    except DomainError as error:
        db.session.rollback()
        found = queries.get_unit_or_404(unit_id)
        form.lot_number.errors = [error.message]
        return _unit_form_page(form, found.building, found, 409)
    db.session.commit()
    flash(_("Logement %(lot)s enregistré.", lot=found.lot_number), "success")
    return redirect_to(url_for("buildings.unit", unit_id=found.id))


def _card_answer(unit: Unit, status: int = 200, *, form=None, message: str = ""):
    """htmx: the unit's card redrawn (with the form refused, or the reason), messages out
    of band. Without JavaScript: done, a flash and a 303 to the grid; refused, the grid
    with the reason."""
    building = db.session.get(Building, unit.building_id)
    if status == 200:
        db.session.commit()
    else:
        db.session.rollback()
    if wants_partial(f"unit-{unit.id}"):
        if status == 200:
            flash(message, "success")
        on = pages.day_asked()
        item = queries.grid_unit(db.session.get(Unit, unit.id), on)
        body = render_template(
            "buildings/_unit_card.html",
            item=item,
            on=on,
            building=building,
            condition_form=pages.condition_form,
            refused_form=form,
            error=message if status != 200 else "",
        )
        return body + flashes_oob(), status
    if status == 200:
        flash(message, "success")
        return redirect_to(tab_url(building, "units") + f"#unit-{unit.id}", 303)
    building = queries.get_building_or_404(unit.building_id)
    return render_tab(building, "units", TabState(extra={"error": message}), status=status)


@bp.post("/units/<int:unit_id>/condition")
@require("building.edit")
def unit_condition(unit_id: int):
    found = queries.get_unit_or_404(unit_id)
    form = ConditionForm(formdata=request.form)
    if not form.validate():
        message = _(
            "L’état du logement n’a pas pu être enregistré : choisissez un état dans la "
            "liste, ou rechargez la page."
        )
        return _card_answer(found, 422, form=form, message=message)
    try:
        check_version(found, form.version.data)
    except StaleVersion:
        message = _(
            "Le logement %(lot)s a été modifié par quelqu’un d’autre entre-temps : voici son "
            "état actuel, vérifiez-le avant de recommencer.",
            lot=found.lot_number,
        )
        return _card_answer(found, 409, message=message)
    found.condition = form.condition.data
    db.session.flush()
    message = _(
        "Logement %(lot)s : état « %(state)s » enregistré.",
        lot=found.lot_number,
        state=found.condition.label,
    )
    return _card_answer(found, 200, message=message)


def _end_page(period, form, status: int = 200, error: str = ""):
    if status >= 400:
        db.session.rollback()
    household = db.session.get(Household, period.household_id) if period.household_id else None
    return render(
        "buildings/period_close.html",
        form=form,
        period=period,
        unit=queries.get_unit_or_404(period.unit_id),
        household=household,
        error=error,
        status=status,
    )


# --- occupancy periods opened and closed ------------------------------------------------------


@bp.post("/units/<int:unit_id>/occupancies")
@require("building.edit")
def period_open(unit_id: int):
    """An occupancy period begins on the unit (its form is on the unit's page)."""
    found = queries.get_unit_or_404(unit_id)
    form = OpenPeriodForm()
    household = None
    valid = form.validate()
    reference = (form.household_reference.data or "").strip()
    if valid and reference:
        household = queries.household_by_reference(reference)
        if household is None:
            form.household_reference.errors = [
                _("Aucun dossier ne porte la référence %(ref)s : vérifiez-la sur le dossier "
                  "du ménage.", ref=reference.upper())
            ]  # fmt: skip
            valid = False
    if not valid:
        return _unit_page(found, form, 422)
    try:
        services.add_period(
            found,
            start=form.start_date.data,
            status=form.status.data,
            kind=form.kind.data,
            household=household,
            occupant_label="" if household else form.occupant_label.data,
        )
    except DomainError as error:
        return _unit_page(found, form, 409, error.message)
    db.session.commit()
    who = household.reference if household else form.occupant_label.data.strip()
    if form.kind.data is OccupancyKind.HOSTED:
        message = _("Logement %(lot)s : hébergement de %(who)s enregistré.",
                    lot=found.lot_number, who=who)  # fmt: skip
    else:
        message = _("Logement %(lot)s : occupation par %(who)s enregistrée.",
                    lot=found.lot_number, who=who)  # fmt: skip
    flash(message, "success")
    return redirect_to(url_for("buildings.unit", unit_id=found.id))


@bp.route("/occupancies/<int:period_id>/close", methods=["GET", "POST"])
@require("building.edit")
def period_close(period_id: int):
    """The keys came back: the period ends (a page of its own, linked from the grid)."""
    period = queries.get_period_or_404(period_id)
    if request.method == "GET":
        if period.end_date is not None:  # nothing left to end: no form
            return _end_page(period, None, error=_("Cette occupation est déjà terminée."))
        form = EndPeriodForm(formdata=None)
        form.version.data = period.version
        return _end_page(period, form)
    form = EndPeriodForm(formdata=request.form)
    valid = form.validate()
    if valid and form.end_date.data <= period.start_date:
        form.end_date.errors = [
            _("La remise des clés doit être postérieure au début de l’occupation.")
        ]
        valid = False
    if not valid:
        return _end_page(period, form, 422)
    try:
        check_version(period, form.version.data)
        services.end_period(period, form.end_date.data, form.end_reason.data)
    except StaleVersion:
        message = _(
            "Cette occupation a été modifiée par quelqu’un d’autre entre-temps : voici "
            "l’occupation à jour, vérifiez-la avant de recommencer."
        )
        form.version.data = period.version
        return _end_page(period, form, 409, message)
    except DomainError as error:
        return _end_page(period, form, 409, error.message)
    unit_ = db.session.get(Unit, period.unit_id)
    message = _("Logement %(lot)s : occupation terminée.", lot=unit_.lot_number)
    return _card_answer(unit_, 200, message=message)


# --- a period's rent, charges and APL ---------------------------------------------------


def _costs_back_url(period, household) -> str:
    """Where the costs form leads back: the unit's page when it was opened from there
    (`from=unit`, the only value read: never a URL), else the household's occupancy, or
    the unit's page for a shop."""
    if household is not None and request.args.get("from") != "unit":
        return tab_url(household, "occupancy")
    return url_for("buildings.unit", unit_id=period.unit_id)


def _costs_page(period, form, status: int = 200, stale=None):
    household = db.session.get(Household, period.household_id) if period.household_id else None
    return render(
        "buildings/period_costs.html",
        form=form,
        period=period,
        unit=queries.get_unit_or_404(period.unit_id),
        household=household,
        stale=stale,
        back_url=_costs_back_url(period, household),
        status=status,
    )


@bp.route("/occupancies/<int:period_id>/costs", methods=["GET", "POST"])
@require("household.finances")
def period_costs(period_id: int):
    """« Loyer et charges » of a period: individual finances, for who reads them (the
    household file's remaining charge and effort rate are computed from them)."""
    period = queries.get_period_or_404(period_id)
    if request.method == "GET":
        form = PeriodCostsForm(formdata=None, obj=period)
        form.version.data = period.version
        return _costs_page(period, form)
    form = PeriodCostsForm(formdata=request.form)
    if not form.validate():
        return _costs_page(period, form, 422)
    try:
        check_version(period, form.version.data)
        services.set_period_costs(
            period,
            rent_cents=form.rent_cents.data,
            charges_cents=form.charges_cents.data,
            apl_cents=form.apl_cents.data,
        )
    except StaleVersion:
        db.session.rollback()
        period = queries.get_period_or_404(period_id)
        stale = stale_view(period, form.version.data, sensitive=can("household.confidential"))
        form.version.data = period.version
        return _costs_page(period, form, 409, stale)
    except DomainError as error:
        db.session.rollback()
        period = queries.get_period_or_404(period_id)
        form.form_errors.append(error.message)
        return _costs_page(period, form, 409)
    db.session.commit()
    flash(_("Loyer et charges enregistrés."), "success")
    household = db.session.get(Household, period.household_id) if period.household_id else None
    return redirect_to(_costs_back_url(period, household), 303)


# --- documents ---------------------------------------------------------------------------


@bp.post("/buildings/<int:building_id>/documents")
@require("building.edit")
def documents_upload(building_id: int):
    return hosting.upload(queries.get_building_or_404(building_id))


@bp.post("/buildings/<int:building_id>/documents/<int:document_id>/delete")
@require("building.edit")
def documents_delete(building_id: int, document_id: int):
    return hosting.delete(queries.get_building_or_404(building_id), document_id)
