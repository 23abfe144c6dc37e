"""The building's page and its tabs (capintra.web.pages), declared in feature.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import request
from sqlalchemy import or_, select

from capintra import clock
from capintra.audit.labels import history_context
from capintra.audit.queries import about, record_history
from capintra.buildings import queries, rules
from capintra.buildings.forms import ConditionForm, OpenPeriodForm
from capintra.buildings.items import item_form
from capintra.buildings.models import (
    Arrete,
    Building,
    BuildingIncident,
    Occupancy,
    OccupancyKind,
    Unit,
    UnitState,
)
from capintra.documents import queries as documents
from capintra.documents.forms import upload_form
from capintra.documents.models import Document
from capintra.keyset import Page
from capintra.security import can
from capintra.text import lazy_gettext as _l
from capintra.web.forms import DeleteForm
from capintra.web.pages import RecordPage, Tab, TabState, paged


def day_asked() -> date:
    """The `date` argument (AAAA-MM-JJ, as a date field sends it, or JJ/MM/AAAA as
    typed) the counts and the grid are shown as of; today when absent or not a date."""
    value = request.args.get("date", "").strip()
    try:
        if "/" in value:
            day, month, year = value.split("/")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(value) if value else clock.today()
    except ValueError:
        return clock.today()


#: The grid's legend, in the order it is read.
LEGEND = (UnitState.OCCUPIED, UnitState.VACANT, UnitState.UNSAFE, UnitState.WALLED_UP)


def _page_context(building: Building, state: TabState) -> dict:
    return {"today": clock.today(), "delete_form": DeleteForm(formdata=None)}


def condition_form(unit) -> ConditionForm:
    form = ConditionForm(formdata=None)
    form.condition.data = unit.condition
    form.version.data = unit.version
    return form


@dataclass(frozen=True)
class GridCounts:
    """The building on the day shown, counted from its grid (no query of its own)."""

    by_state: dict[UnitState, int]
    units: int
    owned: int
    to_rehouse: int
    days_left: int | None

    @property
    def late(self) -> bool:
        return rules.late(self.days_left, self.to_rehouse)


def grid_counts(building: Building, floors, on) -> GridCounts:
    items = [item for _floor, row in floors for item in row]
    by_state = dict.fromkeys(LEGEND, 0)
    for item in items:
        by_state[item.state] += 1
    target = building.target_vacancy_date
    return GridCounts(
        by_state=by_state,
        units=len(items),
        # « maîtrise foncière »: the units the company had acquired by that day
        owned=sum(1 for i in items if i.unit.acquired_on and i.unit.acquired_on <= on),
        to_rehouse=sum(
            1
            for i in items
            for p in i.periods
            if p.household_id and p.kind is OccupancyKind.PRINCIPAL
        ),
        days_left=rules.days_left(target, on),
    )


def _units(building: Building, state: TabState) -> dict:
    on = state.extra.get("on") or day_asked()
    floors = queries.unit_grid(building, on)
    return {
        "on": on,
        "floors": floors,
        "counts": grid_counts(building, floors, on),
        "legend": LEGEND,
        "condition_form": condition_form,
    }


def _add_form(kind: str, building: Building, state: TabState) -> None:
    """The tab's add form, for whoever may add (built once, not for readers)."""
    if state.add_form is None and can("building.edit"):
        state.add_form = item_form(kind, building, None)


def _arretes(building: Building, state: TabState) -> dict:
    _add_form("arretes", building, state)
    return {"items": queries.arretes_of(building, clock.today())}


def _incidents(building: Building, state: TabState) -> dict:
    _add_form("incidents", building, state)
    return {"items": paged(queries.incidents_page, building, state, BuildingIncident)}


def _documents(building: Building, state: TabState) -> dict:
    state.add_form = state.add_form or upload_form(formdata=None)
    return {"items": paged(documents.documents_page, building, state, Document)}


def history_of(building: Building, after: str | None = None) -> Page:
    """A page of who changed the building, its units, arrêtés, incidents and documents, and when
    (a unit's occupancy periods are in the unit's history)."""
    units = select(Unit.id).where(Unit.building_id == building.id)
    arretes = select(Arrete.id).where(
        or_(Arrete.building_id == building.id, Arrete.unit_id.in_(units))
    )
    incidents = select(BuildingIncident.id).where(BuildingIncident.building_id == building.id)
    documents_ = select(Document.id).where(
        Document.owner_type == Building.__tablename__, Document.owner_id == building.id
    )
    return record_history(
        about(Building, building.id),
        about(Unit, units),
        about(Arrete, arretes),
        about(BuildingIncident, incidents),
        about(Document, documents_),
        after=after,
    )


def _history(building: Building, state: TabState) -> dict:
    return history_context(history_of(building, request.args.get("after")), named=True)


PAGE = RecordPage(
    name="building",
    model=Building,
    endpoint="buildings.detail",
    url="/buildings/<int:building_id>",
    template="buildings/detail.html",
    capability="building.view",
    load=queries.get_building_or_404,
    context=_page_context,
)


def _tab(name: str, label, order: int, context=None, **options) -> Tab:
    return Tab("building", name, label, order, f"buildings/tabs/{name}.html", context, **options)


TABS = (
    _tab("units", _l("Logements"), 0, _units, first=True),
    _tab("arretes", _l("Arrêtés"), 10, _arretes),
    _tab("incidents", _l("Incidents"), 20, _incidents),
    _tab("documents", _l("Documents"), 30, _documents),
    _tab("history", _l("Historique"), 40, _history),
)


# --- a unit's page: the unit and its occupancy, and its history ----------------------------


def _unit_page_context(unit: Unit, state: TabState) -> dict:
    return {"building": unit.building}


def _unit(unit: Unit, state: TabState) -> dict:
    """The unit, its occupancy periods, and the form that opens one (given back with its
    errors after a refused POST: `state.extra["period_form"]`, `["period_error"]`)."""
    period_form = state.extra.get("period_form")
    if period_form is None:
        period_form = OpenPeriodForm(formdata=None)
        period_form.start_date.data = clock.today()
    return {
        "periods": queries.periods_of(unit),
        "unit_state": queries.grid_unit(unit, day_asked()).state,
        "period_form": period_form,
        "period_error": state.extra.get("period_error", ""),
    }


def unit_history_of(unit: Unit, after: str | None = None) -> Page:
    """A page of who changed the unit, its arrêtés and occupancy periods, and when; the periods'
    rent, charges and APL only for who reads them (restricted fields)."""
    return record_history(
        about(Unit, unit.id),
        about(Arrete, select(Arrete.id).where(Arrete.unit_id == unit.id)),
        about(Occupancy, select(Occupancy.id).where(Occupancy.unit_id == unit.id)),
        after=after,
    )


def _unit_history(unit: Unit, state: TabState) -> dict:
    return history_context(unit_history_of(unit, request.args.get("after")), named=False)


UNIT_PAGE = RecordPage(
    name="unit",
    model=Unit,
    endpoint="buildings.unit",
    url="/units/<int:unit_id>",
    template="buildings/unit.html",
    capability="building.view",
    load=queries.get_unit_or_404,
    context=_unit_page_context,
    tabs_endpoint="buildings.unit_tab_",
)

UNIT_TABS = (
    Tab("unit", "unit", _l("Logement"), 0, "buildings/tabs/unit.html", _unit, first=True),
    Tab("unit", "history", _l("Historique"), 10, "buildings/tabs/unit_history.html",
        _unit_history),
)  # fmt: skip
