"""The relocation report's reads: a fixed number of statements whatever the number of
households (tests/reports/test_queries.py counts them).

What each figure means (the page and the exports say it in French):

- the households *concerned* are the live household files of the selection, splits
  (« décohabitations », a file with `split_from_id`) left out and counted apart;
- a household's *building* is that of its current or last principal occupancy (not a
  temporary one, « occupation temporaire », such as a temporary unit of ours);
- stock figures are today's: with a right to rehousing (oui), met (past « à
  rencontrer »), in search (phase « recherche »), temporarily relocated (a temporary
  relocation not ended), without an accepted solution (open file not yet « relogé »,
  no final relocation, no accepted offer; with the date of its last offer);
- flow figures count what happened in the period (`from`, `to`, both included; open
  when absent): finally relocated (final relocation's date), returned (a temporary stay
  ended), left of their own accord (outcome « parti par ses propres moyens », closed in
  the period), refusals (offers sent in the period);
- *remaining* (progress against the building's target vacancy date) is all-time:
  concerned households neither finally relocated nor closed (nor in a phase from
  « relogé » on).

Dates are compared in SQL as dates; month grouping and durations are computed in Python
over the rows read (portable between SQLite and PostgreSQL).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Date, and_, case, func, literal, select
from sqlalchemy.orm import aliased

from capintra.admin.models import Operation
from capintra.buildings.models import Building, Occupancy, OccupancyKind, OccupantStatus, Unit
from capintra.extensions import db
from capintra.households.models import (
    Household,
    Member,
    Outcome,
    Phase,
    PhaseChange,
    RehousingRight,
    Relation,
)
from capintra.organisations.models import Organisation
from capintra.relocation.models import Answer, Offer, Relocation, RelocationKind
from capintra.reports import figures

_FAR = date(9999, 12, 31)
_EPOCH = date(1900, 1, 1)

#: Phases of a file whose household is rehoused (or whose file is closed): done, even
#: when no relocation was recorded (files older than the relocation records).
REHOUSED = (Phase.RELOGE, Phase.SUIVI, Phase.CLOS)

#: At most this many files are listed « sans solution acceptée » (the count is exact).
WITHOUT_SOLUTION_ROWS = 500


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    operation_id: int | None = None


def in_period(column, filters: Filters):
    conditions = []
    if filters.start is not None:
        conditions.append(column >= filters.start)
    if filters.end is not None:
        conditions.append(column <= filters.end)
    return and_(column.is_not(None), *conditions) if conditions else column.is_not(None)


def _home():
    """household_id → building_id of its current or last principal occupancy."""
    ranked = (
        select(
            Occupancy.household_id.label("household_id"),
            Unit.building_id.label("building_id"),
            func.row_number()
            .over(
                partition_by=Occupancy.household_id,
                order_by=(
                    func.coalesce(Occupancy.end_date, literal(_FAR, Date)).desc(),
                    Occupancy.start_date.desc(),
                    Occupancy.id.desc(),
                ),
            )
            .label("rank"),
        )
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(
            Occupancy.deleted_at.is_(None),
            Occupancy.household_id.is_not(None),
            Occupancy.kind == OccupancyKind.PRINCIPAL,
            Occupancy.status != OccupantStatus.TEMPORAIRE,
        )
        .subquery()
    )
    return select(ranked.c.household_id, ranked.c.building_id).where(ranked.c.rank == 1).subquery()


def _relocations(filters: Filters):
    """Per household: flags of its relocations (final in the period, final ever,
    temporary open, temporary ended in the period, temporary ever)."""
    final = Relocation.kind == RelocationKind.DEFINITIF
    temp = Relocation.kind == RelocationKind.TEMPORAIRE

    def flag(condition):
        return func.max(case((condition, 1), else_=0))

    return (
        select(
            Relocation.household_id.label("household_id"),
            flag(and_(final, in_period(Relocation.relocated_on, filters))).label("final_in"),
            flag(final).label("final_any"),
            flag(and_(temp, Relocation.ended_on.is_(None))).label("temp_open"),
            flag(and_(temp, in_period(Relocation.ended_on, filters))).label("temp_returned"),
            flag(temp).label("temp_any"),
        )
        .where(Relocation.deleted_at.is_(None))
        .group_by(Relocation.household_id)
        .subquery()
    )


def _formal_count():
    """How many of the offers counted are formal."""
    return func.sum(case((Offer.formal.is_(True), 1), else_=0))


def _offers():
    """Per household: an accepted offer or not, the last offer's date, formal offers."""
    return (
        select(
            Offer.household_id.label("household_id"),
            func.max(case((Offer.answer == Answer.ACCEPTEE, 1), else_=0)).label("accepted"),
            func.max(Offer.sent_on).label("last_sent"),
            _formal_count().label("formal"),
        )
        .where(Offer.deleted_at.is_(None))
        .group_by(Offer.household_id)
        .subquery()
    )


def _formal_offers_of(household_id):
    """A correlated subquery: the formal offers made to the household `household_id`
    (NULL when none) — looked up by index for each final relocation, where `_offers`
    groups every household's offers first."""
    return (
        select(_formal_count())
        .where(Offer.household_id == household_id, Offer.deleted_at.is_(None))
        .scalar_subquery()
    )


def _first_meeting_of(household_id):
    """A correlated subquery: when the file `household_id` first left « à rencontrer »
    (its first meeting; NULL when never), looked up by index for each final relocation
    (grouping every file's phase changes first cost more)."""
    return (
        select(func.min(PhaseChange.at))
        .where(
            PhaseChange.household_id == household_id,
            PhaseChange.from_phase == Phase.A_RENCONTRER,
        )
        .scalar_subquery()
    )


def _households(filters: Filters):
    where = [Household.deleted_at.is_(None)]
    if filters.operation_id is not None:
        where.append(Household.operation_id == filters.operation_id)
    return where


@dataclass
class Counts:
    """The headline counts of a group of households (see the module's docstring)."""

    concerned: int = 0
    right: int = 0
    met: int = 0
    in_search: int = 0
    temp_open: int = 0
    temp_returned: int = 0
    relocated: int = 0
    left: int = 0
    without_solution: int = 0
    done: int = 0
    splits: int = 0
    splits_relocated: int = 0

    @property
    def remaining(self) -> int:
        return self.concerned - self.done

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNT_NAMES = tuple(Counts.__dataclass_fields__)


def counts(filters: Filters, *, per_building: bool = True) -> dict[tuple[int, int | None], Counts]:
    """(operation id, building id or None) → Counts, in one statement. Without
    `per_building`, (operation id, None) → Counts: no household is placed in its building
    (the costliest part of the statement)."""
    rel, offers = _relocations(filters), _offers()
    alone = Household.split_from_id.is_(None)
    split = Household.split_from_id.is_not(None)
    final_in = func.coalesce(rel.c.final_in, 0) == 1
    final_any = func.coalesce(rel.c.final_any, 0) == 1
    conditions = {
        "concerned": alone,
        "right": and_(alone, Household.rehousing_right == RehousingRight.OUI),
        "met": and_(alone, Household.phase != Phase.A_RENCONTRER),
        "in_search": and_(alone, Household.phase == Phase.RECHERCHE),
        "temp_open": and_(alone, func.coalesce(rel.c.temp_open, 0) == 1),
        "temp_returned": and_(alone, func.coalesce(rel.c.temp_returned, 0) == 1),
        "relocated": and_(alone, final_in),
        "left": and_(
            alone, Household.outcome == Outcome.PARTI, in_period(Household.closed_at, filters)
        ),
        "without_solution": and_(
            alone,
            ~final_any,
            Household.outcome.is_(None),
            Household.phase.not_in(REHOUSED),
            func.coalesce(offers.c.accepted, 0) == 0,
        ),
        "done": and_(
            alone, final_any | Household.outcome.is_not(None) | Household.phase.in_(REHOUSED)
        ),
        "splits": split,
        "splits_relocated": and_(split, final_in),
    }
    columns = [func.sum(case((cond, 1), else_=0)).label(name) for name, cond in conditions.items()]
    if per_building:
        home = _home()
        query = (
            select(Household.operation_id, home.c.building_id, *columns)
            .outerjoin(home, home.c.household_id == Household.id)
            .group_by(Household.operation_id, home.c.building_id)
        )
    else:
        query = select(Household.operation_id, literal(None), *columns).group_by(
            Household.operation_id
        )
    rows = db.session.execute(
        query.outerjoin(rel, rel.c.household_id == Household.id)
        .outerjoin(offers, offers.c.household_id == Household.id)
        .where(*_households(filters))
    ).all()
    return {
        (row[0], row[1]): Counts(
            **{name: int(row[i + 2] or 0) for i, name in enumerate(conditions)}
        )
        for row in rows
    }


@dataclass(frozen=True)
class WithoutSolution:
    reference: str
    operation_id: int
    phase: Phase
    last_offer_on: date | None


def without_solution(filters: Filters) -> list[WithoutSolution]:
    """Open files (splits included, marked by the caller) with no final relocation and no
    accepted offer, those never offered anything first, then the oldest last offer."""
    rel, offers = _relocations(filters), _offers()
    rows = db.session.execute(
        select(Household.reference, Household.operation_id, Household.phase, offers.c.last_sent)
        .outerjoin(rel, rel.c.household_id == Household.id)
        .outerjoin(offers, offers.c.household_id == Household.id)
        .where(
            *_households(filters),
            Household.split_from_id.is_(None),
            func.coalesce(rel.c.final_any, 0) == 0,
            Household.outcome.is_(None),
            Household.phase.not_in(REHOUSED),
            func.coalesce(offers.c.accepted, 0) == 0,
        )
        .order_by(func.coalesce(offers.c.last_sent, literal(_EPOCH, Date)), Household.reference)
        .limit(WITHOUT_SOLUTION_ROWS)
    ).all()
    return [WithoutSolution(*row) for row in rows]


@dataclass(frozen=True)
class ProfileCount:
    """How many concerned households share a starting profile, in bands (no name, no
    amount leaves the module: capintra.reports.figures' bands, computed in SQL)."""

    persons: int
    age_band: str  # figures.AGE_BANDS' code, or "unknown"
    resource_band: str  # figures.RESOURCE_BANDS' code
    employment: str | None
    households: int


def age_cutoff(lowest: int, on: date) -> date:
    """The latest birth date of someone at least `lowest` years old on `on`
    (figures.age_on): the same day `lowest` years before, the 28th for a 29 February."""
    year = on.year - lowest
    day = on.day
    if on.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return date(year, on.month, day)


def _age_band(birth, on: date):
    """SQL: figures.age_band of a birth date on `on` ("unknown" for none)."""
    older_first = [
        (birth <= age_cutoff(lowest, on), literal(code))
        for code, lowest in reversed(figures.AGE_BANDS[1:])
    ]
    return case(
        (birth.is_(None), literal("unknown")),
        *older_first,
        else_=literal(figures.AGE_BANDS[0][0]),
    )


def _ceiling_cents(persons, which: int):
    """SQL: figures.ceilings_for(persons)[which] in cents (0: PLAI, 1: PLUS)."""
    last = figures.CEILINGS[-1]
    beyond = (last[1 + which] + (persons - last[0]) * figures.CEILING_EXTRA_PERSON[which]) * 100
    return case(
        *((persons == row[0], literal(row[1 + which] * 100)) for row in figures.CEILINGS),
        else_=beyond,
    )


def _resource_band(income, persons):
    """SQL: figures.resource_band of a yearly tax income and a household's size."""
    return case(
        (income.is_(None) | (persons < 1), literal("unknown")),
        (income <= _ceiling_cents(persons, 0), literal("plai")),
        (income <= _ceiling_cents(persons, 1), literal("plus")),
        else_=literal("above"),
    )


def profile_counts(filters: Filters, on: date) -> list[ProfileCount]:
    """The concerned households counted by size, head of household's age band on `on`,
    resource band and head's employment: one statement, a few hundred rows whatever
    the number of files (the bands are computed in SQL: reading 50,000 profiles to band
    them in Python took most of the report's time). The members are counted per file in
    one pass; the head is the first present member recorded as such."""
    present = [Member.deleted_at.is_(None), Member.left_at.is_(None)]
    if filters.operation_id is not None:
        # one operation's members only; of all of them, the join below leaves out those
        # of deleted files (narrowing to the live files first cost a join of them all)
        present.append(Member.household_id.in_(select(Household.id).where(*_households(filters))))
    members = (
        select(
            Member.household_id.label("household_id"),
            func.count(Member.id).label("persons"),
            func.min(case((Member.relation == Relation.CHEF, Member.id))).label("head_id"),
        )
        .where(*present)
        .group_by(Member.household_id)
        .subquery()
    )
    head = aliased(Member)
    persons = func.coalesce(members.c.persons, 0)
    banded = (
        select(
            persons.label("persons"),
            _age_band(head.birth_date, on).label("age_band"),
            _resource_band(Household.tax_reference_income_cents, persons).label("resource_band"),
            head.employment.label("employment"),
        )
        .outerjoin(members, members.c.household_id == Household.id)
        .outerjoin(head, head.id == members.c.head_id)
        .where(*_households(filters), Household.split_from_id.is_(None))
        .subquery()
    )
    columns = (banded.c.persons, banded.c.age_band, banded.c.resource_band, banded.c.employment)
    rows = db.session.execute(select(*columns, func.count()).group_by(*columns)).all()
    return [
        ProfileCount(int(n), age, resource, str(e) if e is not None else None, int(count))
        for n, age, resource, e, count in rows
    ]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class RelocationFigures(NamedTuple):
    """What the report's figures read of a final relocation (its date, the amounts and
    surfaces before and after) without the record: the page reads thousands of them, so
    a tuple. Its remaining charges and effort rates are Relocation's own properties."""

    relocated_on: date
    before_rent_cents: int | None
    before_charges_cents: int | None
    before_apl_cents: int | None
    rent_cents: int | None
    charges_cents: int | None
    apl_cents: int | None
    resources_cents: int | None
    before_surface_dm2: int | None
    surface_dm2: int | None

    remaining_before_cents = Relocation.remaining_before_cents
    remaining_after_cents = Relocation.remaining_after_cents
    effort_before = Relocation.effort_before
    effort_after = Relocation.effort_after


@dataclass(frozen=True)
class RelocatedFigures:
    """A final relocation of the period as the figures read it (costs, months, offers,
    delays)."""

    split: bool
    relocation: Relocation | RelocationFigures
    formal_offers: int
    first_meeting: date | None

    @property
    def days_to_relocation(self) -> int | None:
        if self.first_meeting is None:
            return None
        return (self.relocation.relocated_on - self.first_meeting).days


@dataclass(frozen=True)
class RelocatedRow(RelocatedFigures):
    """A final relocation of the period, by household reference (the exports' rows)."""

    reference: str = ""
    operation_id: int = 0
    building_id: int | None = None
    had_temporary: bool = False
    landlord: str = ""


def _final_in_period(filters: Filters) -> tuple:
    """The live final relocations dated in the period, of the selection's households."""
    return (
        *_households(filters),
        Relocation.deleted_at.is_(None),
        Relocation.kind == RelocationKind.DEFINITIF,
        in_period(Relocation.relocated_on, filters),
    )


#: The final relocations' order in the figures and the exports.
_OLDEST_FIRST = (Relocation.relocated_on, Household.reference, Relocation.id)


def _met_on(value) -> date | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if value else None


def relocated_figures(filters: Filters) -> list[RelocatedFigures]:
    """The final relocations dated in the period, oldest first, as the figures read them
    (one statement, columns only: no household placed in its building, no record). Each
    relocation's offers and first meeting are looked up by index: grouping every
    household's offers and phase changes first took two thirds of the statement's time
    (SQLite, 50,000 files: 212 → 67 ms)."""
    rows = db.session.execute(
        select(
            Household.split_from_id,
            _formal_offers_of(Household.id),
            _first_meeting_of(Household.id),
            *(getattr(Relocation, name) for name in RelocationFigures._fields),
        )
        .join(Household, Household.id == Relocation.household_id)
        .where(*_final_in_period(filters))
        .order_by(*_OLDEST_FIRST)
    ).all()
    return [
        RelocatedFigures(
            split_from is not None,
            RelocationFigures._make(values),
            int(formal or 0),
            _met_on(met_at),
        )
        for split_from, formal, met_at, *values in rows
    ]


def relocated(filters: Filters) -> list[RelocatedRow]:
    """The final relocations dated in the period, oldest first (one statement)."""
    home, rel = _home(), _relocations(filters)
    landlord = aliased(Organisation)
    rows = db.session.execute(
        select(
            Household.reference,
            Household.operation_id,
            home.c.building_id,
            Household.split_from_id,
            rel.c.temp_any,
            Relocation,
            landlord.name,
            _formal_offers_of(Household.id),
            _first_meeting_of(Household.id),
        )
        .join(Household, Household.id == Relocation.household_id)
        .outerjoin(home, home.c.household_id == Household.id)
        .outerjoin(rel, rel.c.household_id == Household.id)
        .outerjoin(landlord, landlord.id == Relocation.landlord_id)
        .where(*_final_in_period(filters))
        .order_by(*_OLDEST_FIRST)
    ).all()
    return [
        RelocatedRow(
            split=split_from is not None,
            relocation=relocation,
            formal_offers=int(formal or 0),
            first_meeting=_met_on(met_at),
            reference=ref,
            operation_id=op,
            building_id=building,
            had_temporary=bool(temp_any),
            landlord=name or "",
        )
        for ref, op, building, split_from, temp_any, relocation, name, formal, met_at in rows
    ]


@dataclass
class Destinations:
    """Final relocations of the period by destination (each a {key: count})."""

    sector: dict[str, int] = field(default_factory=dict)
    landlord: dict[str, int] = field(default_factory=dict)
    commune: dict[str, int] = field(default_factory=dict)
    on_site: dict[bool, int] = field(default_factory=dict)
    priority_neighbourhood: dict[bool, int] = field(default_factory=dict)
    new_social_housing: dict[bool, int] = field(default_factory=dict)
    rent_reduction_grant: dict[bool, int] = field(default_factory=dict)
    total: int = 0


def destinations(filters: Filters) -> Destinations:
    """Grouped in SQL by every destination attribute at once, summed per attribute."""
    landlord = aliased(Organisation)
    keys = (
        Relocation.sector,
        landlord.name,
        Relocation.commune,
        Relocation.on_site,
        Relocation.priority_neighbourhood,
        Relocation.new_social_housing,
        Relocation.rent_reduction_grant,
    )
    rows = db.session.execute(
        select(*keys, func.count())
        .join(Household, Household.id == Relocation.household_id)
        .outerjoin(landlord, landlord.id == Relocation.landlord_id)
        .where(*_final_in_period(filters))
        .group_by(*keys)
    ).all()
    found = Destinations()
    for sector, name, commune, on_site, qpv, new, grant, n in rows:
        for attr, key in (
            ("sector", str(sector)),
            ("landlord", name or ""),
            ("commune", (commune or "").strip()),
            ("on_site", bool(on_site)),
            ("priority_neighbourhood", bool(qpv)),
            ("new_social_housing", bool(new)),
            ("rent_reduction_grant", bool(grant)),
        ):
            bucket = getattr(found, attr)
            bucket[key] = bucket.get(key, 0) + n
        found.total += n
    return found


def refusals(filters: Filters) -> dict[str, int]:
    """Refused offers sent in the period, by refusal reason code ("" when none given)."""
    rows = db.session.execute(
        select(Offer.refusal_reason, func.count())
        .join(Household, Household.id == Offer.household_id)
        .where(
            *_households(filters),
            Offer.deleted_at.is_(None),
            Offer.answer == Answer.REFUSEE,
            in_period(Offer.sent_on, filters),
        )
        .group_by(Offer.refusal_reason)
    ).all()
    return {(str(reason) if reason is not None else ""): n for reason, n in rows}


def operations() -> list[Operation]:
    return list(db.session.scalars(select(Operation).order_by(Operation.name)))


@dataclass
class Progress:
    """An operation's progress as the dashboard shows it: the same figures as `Counts`
    (concerned, finally relocated, done, remaining), all-time."""

    concerned: int = 0
    relocated: int = 0
    done: int = 0

    @property
    def remaining(self) -> int:
        return self.concerned - self.done


def progress_by_operation() -> dict[int, Progress]:
    """operation id → Progress, in two statements that read no household row: the
    files by phase and outcome from the index `ix_household_progress`, and the final
    relocations joined to their households (a relocation is rarer than a file). The
    full report places each household in its building, which the dashboard needs not."""
    alone = and_(Household.deleted_at.is_(None), Household.split_from_id.is_(None))
    closed = Household.outcome.is_not(None) | Household.phase.in_(REHOUSED)
    result: dict[int, Progress] = {}
    for operation_id, concerned, done in db.session.execute(
        select(Household.operation_id, func.count(), func.sum(case((closed, 1), else_=0)))
        .where(alone)
        .group_by(Household.operation_id)
    ):
        result[operation_id] = Progress(int(concerned), 0, int(done or 0))
    final = (
        select(
            Relocation.household_id.label("household_id"),
            func.max(case((Relocation.relocated_on.is_not(None), 1), else_=0)).label("dated"),
        )
        .where(Relocation.deleted_at.is_(None), Relocation.kind == RelocationKind.DEFINITIF)
        .group_by(Relocation.household_id)
        .subquery()
    )
    for operation_id, relocated, done in db.session.execute(
        select(
            Household.operation_id,
            func.sum(final.c.dated),
            func.sum(case((closed, 0), else_=1)),
        )
        .join(final, final.c.household_id == Household.id)
        .where(alone)
        .group_by(Household.operation_id)
    ):
        progress = result.setdefault(operation_id, Progress())
        progress.relocated = int(relocated or 0)
        progress.done += int(done or 0)
    return result


def latest_targets() -> dict[int, date]:
    """operation id → the latest target vacancy date of its live buildings."""
    rows = db.session.execute(
        select(Building.operation_id, func.max(Building.target_vacancy_date))
        .where(Building.deleted_at.is_(None), Building.target_vacancy_date.is_not(None))
        .group_by(Building.operation_id)
    )
    return {operation_id: _as_date(target) for operation_id, target in rows}


def buildings(filters: Filters) -> list[Building]:
    where = [Building.deleted_at.is_(None)]
    if filters.operation_id is not None:
        where.append(Building.operation_id == filters.operation_id)
    return list(
        db.session.scalars(select(Building).where(*where).order_by(Building.address, Building.id))
    )
