"""Reads on buildings and occupancy."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import (
    Date,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    distinct,
    exists,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import contains_eager, joinedload

from capintra.admin.models import Operation
from capintra.buildings import rules
from capintra.buildings.models import (
    Arrete,
    Building,
    BuildingIncident,
    CostsOnHold,
    Occupancy,
    OccupancyKind,
    Unit,
    UnitCondition,
    UnitState,
)
from capintra.extensions import db
from capintra.households.models import Household
from capintra.housing import HousingCosts
from capintra.keyset import TAB_PAGE, Keyset, Page
from capintra.text import normalise


def covering(on: date):
    """The live periods that cover `on` (half-open [start, end))."""
    return and_(
        Occupancy.deleted_at.is_(None),
        Occupancy.start_date <= on,
        (Occupancy.end_date.is_(None)) | (Occupancy.end_date > on),
    )


@dataclass(frozen=True)
class BuildingCounts:
    building_id: int
    units: int
    occupied: int
    vacant: int
    walled_up: int


def _unit_counts(on: date, *where, rehouse: bool = False):
    """The count rule, one place for the list and `building_counts`: per building, its
    live units and how many are occupied, vacant, walled up (vacant and muré) on `on`.
    A unit is occupied when any period (principal or hosted) covers the day: a departure
    and an arrival on the same day count it once, occupied. A subquery (`where` narrows
    the units, e.g. to a page's buildings).

    One pass over the units and their covering periods, grouped by building: a unit
    without a covering period is the one row whose period is empty (vacant), so only the
    units themselves need counting distinct. For a page's units both databases look them
    up by the unit's index (an EXISTS was looked up three times per unit by SQLite, once
    per count using it, and PostgreSQL hashed every period of the database for it; a
    subquery per unit, then per building, took half as long again).

    With `rehouse`, also the households still to rehouse: covering principal periods of
    a live household, in the same pass (a second subquery looked the units and their
    periods up again). A household is live unless it is among the deleted ones, read
    once from their index (`ix_household_deleted`): joining each counted period to its
    household read a row of the household table per period (the occupancy report's
    statement 128 → 64 ms at 50,000 households, SQLite)."""
    units = func.count(distinct(Unit.id))
    vacant = func.count(case((Occupancy.id.is_(None), 1)))
    columns = [
        Unit.building_id.label("building_id"),
        units.label("units"),
        (units - vacant).label("occupied"),
        vacant.label("vacant"),
        func.count(
            case((Occupancy.id.is_(None) & (Unit.condition == UnitCondition.MURE), 1))
        ).label("walled_up"),
    ]
    query = select(*columns).outerjoin(Occupancy, and_(Occupancy.unit_id == Unit.id, covering(on)))
    if rehouse:
        deleted = select(Household.id).where(Household.deleted_at.is_not(None))
        principal = and_(
            Occupancy.kind == OccupancyKind.PRINCIPAL,
            Occupancy.household_id.is_not(None),
            Occupancy.household_id.not_in(deleted),
        )
        query = query.add_columns(func.count(case((principal, 1))).label("rehouse"))
    return query.where(Unit.deleted_at.is_(None), *where).group_by(Unit.building_id).subquery()


def building_counts(on: date, building_ids: Iterable[int] | None = None) -> list[BuildingCounts]:
    """Per building (live ones, or those given): its units, and how many are occupied,
    vacant, walled up on `on` (`_unit_counts`) — one SQL statement, whatever the number
    of buildings."""
    counts = _unit_counts(on)
    query = (
        select(
            Building.id,
            func.coalesce(counts.c.units, 0),
            func.coalesce(counts.c.occupied, 0),
            func.coalesce(counts.c.vacant, 0),
            func.coalesce(counts.c.walled_up, 0),
        )
        .outerjoin(counts, counts.c.building_id == Building.id)
        .where(Building.deleted_at.is_(None))
        .order_by(Building.id)
    )
    if building_ids is not None:
        query = query.where(Building.id.in_(list(building_ids)))
    return [BuildingCounts(*map(int, row)) for row in db.session.execute(query)]


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListedOperation:
    id: int
    name: str


class BuildingRow(NamedTuple):
    """A line of the buildings' list and of the occupancy report: the building, read as
    columns (not a record: the list is read on every visit, and loading the records was
    most of its time), its operation, and its counts on the day asked for.

    A tuple, so that the list's template unpacks it into names: reading the attributes
    of 50 rows through Jinja's attribute lookup was a tenth of rendering them."""

    id: int
    address: str
    commune: str
    target_vacancy_date: date | None
    operation: ListedOperation
    units: int
    occupied: int
    vacant: int
    walled_up: int
    to_rehouse: int
    #: days from the day asked for to the target vacancy date (None: no target)
    days_left: int | None
    #: the target date has passed and households are still to rehouse
    late: bool


@dataclass(frozen=True)
class BuildingFilters:
    """The list's filters, as read from the query string (`q`, `operation`,
    `past_target`, `after`): bad values are ignored, never an error."""

    operation_id: int | None = None
    q: str = ""
    past_target: bool = False
    #: Keyset pagination: the page starts after this building (in the list's order).
    after: int | None = None

    @classmethod
    def from_args(cls, args) -> BuildingFilters:
        return cls(
            operation_id=_positive_int(args.get("operation")),
            q=(args.get("q") or "").strip()[:200],
            past_target=args.get("past_target") == "1",
            after=_positive_int(args.get("after")),
        )

    def as_args(self) -> dict:
        """The filters as query-string arguments (without `after`), for the page links."""
        args: dict = {}
        if self.q:
            args["q"] = self.q
        if self.operation_id is not None:
            args["operation"] = self.operation_id
        if self.past_target:
            args["past_target"] = "1"
        return args


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _like_pattern(text: str) -> str:
    """`text` anywhere, its LIKE wildcards escaped with "/" (as `autoescape` does; a
    normalised search has none, but the pattern does not rely on it)."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class _Shape:
    """Which filters a list statement has; their values are bound at execution."""

    by_operation: bool = False
    past_target: bool = False
    search: bool = False
    after: bool = False
    paged: bool = False
    ordered: bool = True


#: The list counts its buildings up to this many ("plus de 1 000" beyond).
COUNT_CAP = 1000


def _values(on: date, filters: BuildingFilters) -> tuple[_Shape, dict]:
    key = normalise(filters.q)
    shape = _Shape(filters.operation_id is not None, filters.past_target, bool(key))
    values = {"on": on, "operation_id": filters.operation_id, "q": _like_pattern(key)}
    return shape, {**values, "cap": COUNT_CAP + 1}


def _filtered_buildings(shape: _Shape) -> Select:
    """The live buildings the filters keep (values bound: `on`, `operation_id`, `q`),
    with their operation to be put in the list's order (operation, address); not
    `ordered`, the building table alone (a count)."""
    query = select(Building.id).where(Building.deleted_at.is_(None))
    if shape.ordered:
        query = query.join(Operation, Operation.id == Building.operation_id)
    if shape.by_operation:
        query = query.where(Building.operation_id == bindparam("operation_id", type_=Integer))
    if shape.past_target:  # only those whose target vacancy date has passed
        query = query.where(Building.target_vacancy_date < bindparam("on", type_=Date))
    if shape.search:
        query = query.where(Building.address_key.like(bindparam("q", type_=String), escape="/"))
    return query


@functools.lru_cache(maxsize=64)
def _statement(shape: _Shape) -> Select:
    """The statement of a shape of filters, built once per process: building the list's
    statement (subqueries over a CTE) took longer than running it. A count, or the
    buildings with their counts (`_counted`), of a page (values `size`, the cursor
    `after_0`…) or all of them."""
    buildings = _filtered_buildings(shape)
    if not shape.ordered:
        # counted up to COUNT_CAP + 1 (« plus de 1 000 »), as the households' list: as
        # fast for 6,000 buildings as for 60 (all of them counted: 0.5 ms, and growing)
        capped = buildings.limit(bindparam("cap", type_=Integer)).subquery()
        return select(func.count()).select_from(capped)
    if shape.after:
        cursor = tuple(
            bindparam(f"after_{i}", type_=column.type)
            for i, column in enumerate(LIST_ORDER.columns)
        )
        buildings = buildings.where(LIST_ORDER.beyond(cursor))
    buildings = buildings.order_by(*LIST_ORDER.order_by())
    if shape.paged:
        buildings = buildings.limit(bindparam("size", type_=Integer))
    listed = _counted(bindparam("on", type_=Date), buildings.cte("page"), LIST_ORDER.columns)
    if shape.paged:
        # how many the filters find on every page, on each row: no statement of its own
        total = _statement(replace(shape, ordered=False, after=False, paged=False))
        listed = listed.add_columns(total.scalar_subquery())
    return listed


def building_count(on: date, filters: BuildingFilters) -> int:
    """How many buildings the filters find (all pages), up to COUNT_CAP + 1."""
    shape, values = _values(on, filters)
    return db.session.scalar(_statement(replace(shape, ordered=False)), values)


#: The list's order (capintra/keyset.py): by operation, then address; its cursor `after`
#: is a building's id, whose place in the order is looked up.
LIST_ORDER = Keyset(Operation.name, Building.address_key, Building.id)


def building_list(
    on: date, filters: BuildingFilters | None = None, size: int = 50
) -> tuple[list[BuildingRow], int | None, int]:
    """A page of the live buildings the filters keep, their operation, and per building
    its units, and how many are occupied, vacant, walled up and households still to
    rehouse (open principal periods of a household) on `on`; the id to start the next
    page after (None on the last page); how many buildings the filters find on all
    pages (up to COUNT_CAP + 1). One SQL statement for the page and the count, whatever
    the number of buildings (the counts are computed for the page's buildings only),
    plus one to find where the page starts, and one to count when the page is empty."""
    filters = filters or BuildingFilters()
    shape, values = _values(on, filters)
    shape, values["size"] = replace(shape, paged=True), size + 1
    if filters.after is not None:
        cursor = db.session.execute(
            select(*LIST_ORDER.columns)
            .join(Operation, Operation.id == Building.operation_id)
            .where(Building.id == filters.after)
        ).first()
        if cursor is not None:
            shape = replace(shape, after=True)
            values.update({f"after_{i}": value for i, value in enumerate(cursor)})
    result = _columns(_statement(shape), values).all()
    rows = _rows(on, (row[:-1] for row in result))
    count = result[0][-1] if result else building_count(on, filters)
    next_after = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_after, count


def all_building_rows(on: date, filters: BuildingFilters | None = None) -> list[BuildingRow]:
    """Every live building the filters keep (no page, `after` ignored), with the same
    counts as the list's on `on`, in the list's order: one SQL statement (the occupancy
    report, buildings/report.py)."""
    shape, values = _values(on, filters or BuildingFilters())
    return _rows(on, _columns(_statement(shape), values))


def _columns(statement: Select, values: dict):
    """A statement of columns read through the session's connection: the ORM's handling
    of a statement (it builds no record here) was a tenth of the list's time."""
    return db.session.connection().execute(statement, values)


def _counted(on, page, order) -> Select:
    """The buildings of `page` (a CTE of building ids) with their operation and their
    counts on `on`: units, occupied, vacant, walled up (`_unit_counts`) and households
    still to rehouse (open principal periods of a live household): one statement."""
    counts = _unit_counts(on, Unit.building_id.in_(select(page.c.id)), rehouse=True)
    return (
        select(
            Building.id,
            Building.address,
            Building.commune,
            Building.target_vacancy_date,
            Operation.id,
            Operation.name,
            func.coalesce(counts.c.units, 0),
            func.coalesce(counts.c.occupied, 0),
            func.coalesce(counts.c.vacant, 0),
            func.coalesce(counts.c.walled_up, 0),
            func.coalesce(counts.c.rehouse, 0),
        )
        .join(page, page.c.id == Building.id)
        .join(Building.operation)
        .outerjoin(counts, counts.c.building_id == Building.id)
        .order_by(*order)
    )


def _rows(on: date, result) -> list[BuildingRow]:
    operations: dict[int, ListedOperation] = {}
    rows = []
    for bid, address, commune, target, op_id, op_name, *numbers in result:
        operation = operations.get(op_id) or operations.setdefault(
            op_id, ListedOperation(op_id, op_name)
        )
        units, occupied, vacant, walled_up, to_rehouse = map(int, numbers)
        days = rules.days_left(target, on)
        rows.append(
            BuildingRow(bid, address, commune, target, operation, units, occupied, vacant,
                        walled_up, to_rehouse, days, rules.late(days, to_rehouse))
        )  # fmt: skip
    return rows


@functools.cache
def _operations_statement() -> Select:
    has_building = exists().where(
        Building.operation_id == Operation.id, Building.deleted_at.is_(None)
    )
    return select(Operation.id, Operation.name).where(has_building).order_by(Operation.name)


def operations_with_buildings() -> list[Row]:
    """The operations the list's filter offers: those with a live building, their id and
    name only (whole Operation objects, built on every page, cost a tenth of it)."""
    return list(db.session.execute(_operations_statement()))


def get_building_or_404(building_id: int) -> Building:
    building = db.session.scalar(
        select(Building)
        .where(Building.id == building_id, Building.deleted_at.is_(None))
        .options(joinedload(Building.operation), joinedload(Building.owner_or_syndic))
    )
    if building is None:
        abort(404)
    return building


def get_unit_or_404(unit_id: int) -> Unit:
    unit = db.session.scalar(
        select(Unit)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.id == unit_id, Unit.deleted_at.is_(None), Building.deleted_at.is_(None))
        .options(joinedload(Unit.building).joinedload(Building.operation))
    )
    if unit is None:
        abort(404)
    return unit


def get_period_or_404(period_id: int) -> Occupancy:
    period = db.session.scalar(
        select(Occupancy)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            Occupancy.id == period_id,
            Occupancy.deleted_at.is_(None),
            Unit.deleted_at.is_(None),
            Building.deleted_at.is_(None),
        )
        .options(contains_eager(Occupancy.unit))
    )
    if period is None:
        abort(404)
    return period


def state_of(unit: Unit, occupied: bool) -> UnitState:
    """services.unit_state's rule, for a unit whose occupation is already known."""
    if occupied:
        return UnitState.OCCUPIED
    if unit.condition is UnitCondition.MURE:
        return UnitState.WALLED_UP
    if unit.condition in (UnitCondition.INSALUBRE, UnitCondition.SINISTRE):
        return UnitState.UNSAFE
    return UnitState.VACANT


@dataclass(frozen=True)
class GridUnit:
    unit: Unit
    state: UnitState
    #: covering the day, principal first, households and hosts loaded (a hosted period
    #: whose host has left reads « hébergé, hôte parti »: Occupancy.host_gone)
    periods: list[Occupancy]


def unit_grid(building: Building, on: date) -> list[tuple[int, list[GridUnit]]]:
    """The building's live units by floor, highest first (the ground floor at the
    bottom), each with its state and occupants on `on` — two statements."""
    units = list(
        db.session.scalars(
            select(Unit)
            .where(Unit.building_id == building.id, Unit.deleted_at.is_(None))
            .order_by(Unit.floor.desc(), Unit.lot_number, Unit.id)
        )
    )
    periods: dict[int, list[Occupancy]] = {u.id: [] for u in units}
    if units:
        rows = db.session.scalars(
            select(Occupancy)
            .where(Occupancy.unit_id.in_(list(periods)), covering(on))
            .options(joinedload(Occupancy.household), joinedload(Occupancy.host))
            .order_by(Occupancy.kind, Occupancy.start_date, Occupancy.id)
        )
        for period in rows:
            periods[period.unit_id].append(period)
    floors: dict[int, list[GridUnit]] = {}
    for unit in units:
        found = sorted(periods[unit.id], key=lambda p: p.kind is not OccupancyKind.PRINCIPAL)
        floors.setdefault(unit.floor, []).append(GridUnit(unit, state_of(unit, bool(found)), found))
    return list(floors.items())


def grid_unit(unit: Unit, on: date) -> GridUnit:
    """One unit of the grid (its card redrawn after a change)."""
    found = list(
        db.session.scalars(
            select(Occupancy)
            .where(Occupancy.unit_id == unit.id, covering(on))
            .options(joinedload(Occupancy.household), joinedload(Occupancy.host))
            .order_by(Occupancy.start_date, Occupancy.id)
        )
    )
    found.sort(key=lambda p: p.kind is not OccupancyKind.PRINCIPAL)
    return GridUnit(unit, state_of(unit, bool(found)), found)


def periods_of(unit: Unit) -> list[Occupancy]:
    """The unit's live occupancy periods, latest first, households loaded."""
    return list(
        db.session.scalars(
            select(Occupancy)
            .where(Occupancy.unit_id == unit.id, Occupancy.deleted_at.is_(None))
            .options(joinedload(Occupancy.household))
            .order_by(Occupancy.start_date.desc(), Occupancy.id.desc())
        )
    )


def arretes_of(building: Building, on: date) -> list[tuple[Arrete, Unit | None, bool]]:
    """The arrêtés on the building or its live units: those in force on `on` first (not
    lifted by then), then the latest; with the unit and whether in force."""
    in_force = Arrete.lifted_on.is_(None) | (Arrete.lifted_on > on)
    rows = db.session.execute(
        select(Arrete, Unit)
        .outerjoin(Unit, Unit.id == Arrete.unit_id)
        .where(
            Arrete.deleted_at.is_(None),
            (Arrete.building_id == building.id)
            | ((Unit.building_id == building.id) & Unit.deleted_at.is_(None)),
        )
        .order_by(case((in_force, 0), else_=1), Arrete.arrete_date.desc(), Arrete.id.desc())
    )
    return [
        (arrete, unit, arrete.lifted_on is None or arrete.lifted_on > on) for arrete, unit in rows
    ]


#: A building's incidents, the latest first: squats, visits, repairs pile up over the
#: years of an operation, so the tab shows them a page at a time.
INCIDENT_ORDER = Keyset(BuildingIncident.incident_date, BuildingIncident.id, descending=True)


def incidents_of(building: Building) -> list[BuildingIncident]:
    return list(incidents_page(building, size=None))


def incidents_page(
    building: Building, *, after: str | None = None, start_at=None, size: int | None = TAB_PAGE
) -> Page[BuildingIncident]:
    """A page of the building's live incidents, the latest first, after the cursor."""
    query = (
        select(BuildingIncident)
        .where(
            BuildingIncident.building_id == building.id,
            BuildingIncident.deleted_at.is_(None),
        )
        .options(joinedload(BuildingIncident.recorded_by))
    )
    return INCIDENT_ORDER.page(query, after=after, start_at=start_at, size=size)


#: How many late buildings the dashboard lists before "et N autres".
LATE_SHOWN = 10


@dataclass(frozen=True)
class LateBuilding:
    building: Building
    to_rehouse: int
    on: date

    @property
    def days_late(self) -> int:
        return (self.on - self.building.target_vacancy_date).days


def late_buildings(on: date) -> tuple[list[LateBuilding], int]:
    """Buildings past their target vacancy date with households still to rehouse, the
    latest first: the first LATE_SHOWN, and how many more. Two statements, whatever the
    number of buildings: the late buildings that still house someone (a probe per
    building that stops at its first household found), then the households of the few
    shown. Counting every late building's households to keep those with some read all
    their units and periods: 50 ms at 50,000 households, against 16."""
    still_housed = and_(
        Unit.deleted_at.is_(None),
        Household.deleted_at.is_(None),
        Occupancy.kind == OccupancyKind.PRINCIPAL,
        covering(on),
    )
    housing = exists().where(
        Unit.building_id == Building.id,
        Occupancy.unit_id == Unit.id,
        Household.id == Occupancy.household_id,
        still_housed,
    )
    rows = db.session.execute(
        select(Building, func.count().over())
        .where(
            Building.deleted_at.is_(None),
            Building.target_vacancy_date.is_not(None),
            Building.target_vacancy_date < on,
            housing,
        )
        .options(joinedload(Building.operation))
        .order_by(Building.target_vacancy_date, Building.id)
        .limit(LATE_SHOWN)
    ).all()
    if not rows:
        return [], 0
    households = dict(
        db.session.execute(
            select(Unit.building_id, func.count(Occupancy.id))
            .join(Occupancy, Occupancy.unit_id == Unit.id)
            .join(Household, Household.id == Occupancy.household_id)
            .where(Unit.building_id.in_([building.id for building, _total in rows]), still_housed)
            .group_by(Unit.building_id)
        ).all()
    )
    # (.get: on PostgreSQL a relocation committed between the two statements may have
    # emptied one since)
    shown = [LateBuilding(b, int(households.get(b.id, 0)), on) for b, _total in rows]
    return shown, max(0, rows[0][1] - len(shown))


# --- a household's housing costs (capintra.housing) -------------------------------------


def housing_costs(household_ids: list[int], on: date) -> dict[int, HousingCosts]:
    """Feature.provides[HOUSING_COSTS]: per household, the rent, charges and APL of its
    principal period covering `on` (the latest begun, should two cover it), else those
    held on its file while it has none (CostsOnHold) — one statement, whatever the
    number of households."""
    periods = (
        select(
            Occupancy.household_id.label("household_id"),
            literal(0).label("held"),
            Occupancy.id.label("period_id"),
            Occupancy.rent_cents.label("rent"),
            Occupancy.charges_cents.label("charges"),
            Occupancy.apl_cents.label("apl"),
            Unit.lot_number.label("lot"),
            Building.address.label("address"),
            Occupancy.start_date.label("start"),
        )
        .join(Unit, Unit.id == Occupancy.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            Occupancy.household_id.in_(household_ids),
            Occupancy.kind == OccupancyKind.PRINCIPAL,
            covering(on),
            Unit.deleted_at.is_(None),
            Building.deleted_at.is_(None),
        )
    )
    held = select(
        CostsOnHold.household_id,
        literal(1),
        literal(None, Integer),
        CostsOnHold.rent_cents,
        CostsOnHold.charges_cents,
        CostsOnHold.apl_cents,
        literal(None, String),
        literal(None, String),
        literal(None, Date),
    ).where(CostsOnHold.household_id.in_(household_ids))
    both = union_all(periods, held).subquery()
    # the amounts held first, then the periods by start: the latest period begun wins
    rows = db.session.execute(
        select(both).order_by(both.c.held.desc(), both.c.start, both.c.period_id)
    )
    found: dict[int, HousingCosts] = {}
    on_hold = _("montants du dossier, en attente d’une occupation")
    for household_id, is_held, period_id, rent, charges, apl, lot, address, _start in rows:
        if is_held:
            found[household_id] = HousingCosts(rent, charges, apl, on_hold)
        else:
            source = _("Lot %(lot)s, %(address)s", lot=lot, address=address)
            found[household_id] = HousingCosts(rent, charges, apl, source, period_id)
    return found


# --- forms ---------------------------------------------------------------------------------


def operation_choices() -> list[Operation]:
    return list(db.session.scalars(select(Operation).order_by(Operation.name)))


def units_of(building: Building) -> list[Unit]:
    """The building's live units, by floor then lot (an arrêté's choices)."""
    return list(
        db.session.scalars(
            select(Unit)
            .where(Unit.building_id == building.id, Unit.deleted_at.is_(None))
            .order_by(Unit.floor, Unit.lot_number, Unit.id)
        )
    )


def get_arrete_or_404(building: Building, arrete_id: int) -> Arrete:
    """A live arrêté on the building or on one of its live units."""
    arrete = db.session.scalar(
        select(Arrete)
        .outerjoin(Unit, Unit.id == Arrete.unit_id)
        .where(
            Arrete.id == arrete_id,
            Arrete.deleted_at.is_(None),
            (Arrete.building_id == building.id)
            | ((Unit.building_id == building.id) & Unit.deleted_at.is_(None)),
        )
    )
    if arrete is None:
        abort(404)
    return arrete


def get_incident_or_404(building: Building, incident_id: int) -> BuildingIncident:
    incident = db.session.scalar(
        select(BuildingIncident).where(
            BuildingIncident.id == incident_id,
            BuildingIncident.building_id == building.id,
            BuildingIncident.deleted_at.is_(None),
        )
    )
    if incident is None:
        abort(404)
    return incident


def household_by_reference(reference: str) -> Household | None:
    """A live household file by its reference (MEN-2026-0042), case ignored."""
    return db.session.scalar(
        select(Household).where(
            Household.reference == reference.strip().upper(), Household.deleted_at.is_(None)
        )
    )


def open_principal_period(household_id: int, on: date) -> Occupancy | None:
    """The household's open principal period begun by `on` (its home that day)."""
    return db.session.scalar(
        select(Occupancy).where(
            Occupancy.household_id == household_id,
            Occupancy.kind == OccupancyKind.PRINCIPAL,
            Occupancy.deleted_at.is_(None),
            Occupancy.end_date.is_(None),
            Occupancy.start_date <= on,
        )
    )
