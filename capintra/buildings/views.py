"""Buildings: the list per operation, the building's page (tabs in pages.py), a unit's
page and its occupancy history, the unit's condition changed in place, a period ended."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _

from capintra.buildings import pages, queries, services
from capintra.buildings.forms import ConditionForm, EndPeriodForm, PeriodCostsForm
from capintra.buildings.models import Building, Unit
from capintra.documents import hosting
from capintra.errors import DomainError, StaleVersion, check_version
from capintra.extensions import db
from capintra.households.models import Household
from capintra.security import can, require
from capintra.web.htmx import flashes_oob, redirect_to, render, wants_partial
from capintra.web.pages import TabState, render_tab, tab_url
from capintra.web.stale import stale_view

bp = Blueprint("buildings", __name__)


# --- list --------------------------------------------------------------------------------


@bp.get("/buildings/")
@require("building.view")
def index():
    on = pages.day_asked()
    filters = queries.BuildingFilters.from_args(request.args)
    rows, next_after = queries.building_list(on, filters, current_app.config["PAGE_SIZE"])
    groups: dict[int, tuple] = {}
    for row in rows:
        groups.setdefault(row.building.operation_id, (row.building.operation, []))[1].append(row)
    return render(
        "buildings/index.html",
        partial="building-results",
        groups=list(groups.values()),
        count=queries.building_count(on, filters),
        next_after=next_after,
        on=on,
        filters=filters,
        operations=[] if wants_partial("building-results") else queries.operations_with_buildings(),
    )


# --- a unit ------------------------------------------------------------------------------


@bp.get("/units/<int:unit_id>")
@require("building.view")
def unit(unit_id: int):
    found = queries.get_unit_or_404(unit_id)
    return render(
        "buildings/unit.html",
        unit=found,
        building=found.building,
        periods=queries.periods_of(found),
        state=queries.grid_unit(found, pages.day_asked()).state,
    )


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
        item = queries.grid_unit(db.session.get(Unit, unit.id), pages.day_asked())
        body = render_template(
            "buildings/_unit_card.html",
            item=item,
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
        "buildings/period_end.html",
        form=form,
        period=period,
        unit=queries.get_unit_or_404(period.unit_id),
        household=household,
        error=error,
        status=status,
    )


@bp.route("/occupancy/<int:period_id>/end", methods=["GET", "POST"])
@require("building.edit")
def period_end(period_id: int):
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
    """Where the costs form leads back: the household's occupancy, or the unit's page."""
    if household is not None:
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
