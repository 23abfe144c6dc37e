"""The relocation report assembled from capintra.reports.queries (a fixed number of
statements) and the pure figures of capintra.reports.figures.

Counts are given per operation, per building and in total; the breakdowns (starting
profile, destinations, costs, refusals, offers, delays) are given for the selection:
filter one operation to read its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from capintra.admin.models import Operation
from capintra.buildings.models import Building
from capintra.households.models import Employment
from capintra.housing import effort_rate
from capintra.relocation.models import RefusalReason, Sector
from capintra.reports import figures, queries
from capintra.reports.queries import Counts, Filters
from capintra.text import lazy_gettext as _l

#: The counts' French labels, in display order (the page, the diffusion export).
COUNT_LABELS: tuple[tuple[str, object], ...] = (
    ("concerned", _l("Ménages concernés")),
    ("right", _l("Avec droit au relogement")),
    ("met", _l("Rencontrés")),
    ("in_search", _l("En recherche")),
    ("temp_open", _l("En relogement temporaire")),
    ("temp_returned", _l("Retours de relogement temporaire")),
    ("relocated", _l("Relogés définitivement")),
    ("left", _l("Partis par leurs propres moyens")),
    ("without_solution", _l("Sans solution acceptée")),
    ("remaining", _l("Restant à reloger")),
    ("splits", _l("Décohabitations")),
    ("splits_relocated", _l("Décohabitations relogées")),
)

SIZE_LABELS = {
    "1": _l("1 personne"),
    "2": _l("2 personnes"),
    "3": _l("3 personnes"),
    "4": _l("4 personnes"),
    "5": _l("5 personnes"),
    "6+": _l("6 personnes et plus"),
    "unknown": _l("Membres non renseignés"),
}
AGE_LABELS = {
    "under_25": _l("Moins de 25 ans"),
    "25_39": _l("25 à 39 ans"),
    "40_59": _l("40 à 59 ans"),
    "60_74": _l("60 à 74 ans"),
    "75_plus": _l("75 ans et plus"),
    "unknown": _l("Non renseigné"),
}
RESOURCE_LABELS = {
    "plai": _l("Sous le plafond PLAI"),
    "plus": _l("Entre les plafonds PLAI et PLUS"),
    "above": _l("Au-dessus du plafond PLUS"),
    "unknown": _l("Non renseigné"),
}
EMPLOYMENT_LABELS = {e.value: e.label for e in Employment} | {"unknown": _l("Non renseigné")}
SECTOR_LABELS = {s.value: s.label for s in Sector}
REFUSAL_LABELS = {r.value: r.label for r in RefusalReason} | {"": _l("Sans motif")}


@dataclass
class BuildingLine:
    building: Building | None
    counts: Counts
    on: date

    @property
    def target(self) -> date | None:
        return self.building.target_vacancy_date if self.building else None

    @property
    def days_left(self) -> int | None:
        return (self.target - self.on).days if self.target else None

    @property
    def progress(self) -> Decimal | None:
        return figures.share(self.counts.done, self.counts.concerned)


@dataclass
class OperationLine:
    operation: Operation
    counts: Counts
    buildings: list[BuildingLine]
    latest_target: date | None = None

    @property
    def target(self) -> date | None:
        """The latest target vacancy date of its buildings."""
        dates = [line.target for line in self.buildings if line.target]
        return max(dates) if dates else self.latest_target


@dataclass
class Costs:
    """Remaining charge and effort rate before / after the final relocations."""

    known: int = 0
    remaining_before: Decimal | None = None  # mean, cents
    remaining_after: Decimal | None = None
    effort_before: Decimal | None = None  # median
    effort_after: Decimal | None = None
    per_m2_before: Decimal | None = None  # mean, cents per m²
    per_m2_after: Decimal | None = None
    not_risen: int = 0


@dataclass
class Month:
    month: str  # YYYY-MM
    relocated: int
    left_to_do: int  # at the month's end

    @property
    def label(self) -> str:
        return f"{self.month[5:]}/{self.month[:4]}"


@dataclass
class Report:
    filters: Filters
    on: date
    all_operations: list[Operation]
    total: Counts
    operations: list[OperationLine]
    without_solution: list[queries.WithoutSolution]
    composition: Counter
    ages: Counter
    resources: Counter
    employment: Counter
    destinations: queries.Destinations
    costs: Costs
    refusals: dict[str, int]
    average_formal_offers: Decimal | None
    median_days: Decimal | None
    months: list[Month]
    rows: list[queries.RelocatedFigures] = field(default_factory=list)

    @property
    def building_lines(self) -> list[BuildingLine]:
        return [line for op in self.operations for line in op.buildings]

    @property
    def progress_lines(self) -> list[BuildingLine]:
        """The buildings with households concerned: the progress chart's bars."""
        return [line for line in self.building_lines if line.building and line.counts.concerned]

    @property
    def new_social_share(self) -> Decimal | None:
        d = self.destinations
        return figures.share(d.new_social_housing.get(True, 0), d.total)


def compute_costs(rows: list[queries.RelocatedFigures]) -> Costs:
    """The costs before and after, over the final relocations. Each relocation's
    remaining charges and effort rates are read once (they are computed properties, and
    the report reads thousands of relocations)."""
    costs = Costs()
    values = []
    for row in rows:
        r = row.relocation
        before, after = r.remaining_before_cents, r.remaining_after_cents
        values.append(
            (
                before,
                after,
                effort_rate(before, r.resources_cents),
                effort_rate(after, r.resources_cents),
                figures.per_m2_cents(before, r.before_surface_dm2),
                figures.per_m2_cents(after, r.surface_dm2),
            )
        )
    known = [(b, a) for b, a, *_rest in values if b is not None and a is not None]
    costs.known = len(known)
    costs.remaining_before = figures.mean(b for b, _a in known)
    costs.remaining_after = figures.mean(a for _b, a in known)
    costs.not_risen = sum(1 for b, a in known if a <= b)
    costs.effort_before = figures.median(v[2] for v in values if v[2] is not None)
    costs.effort_after = figures.median(v[3] for v in values if v[3] is not None)
    costs.per_m2_before = figures.mean(v[4] for v in values if v[4] is not None)
    costs.per_m2_after = figures.mean(v[5] for v in values if v[5] is not None)
    return costs


def months_of(rows: list[queries.RelocatedFigures], remaining_now: int) -> list[Month]:
    """Final relocations per month (splits left out, like the counts) and what was left
    to do at each month's end: today's remaining plus the relocations after it."""
    per_month = Counter(r.relocation.relocated_on.strftime("%Y-%m") for r in rows if not r.split)
    if not per_month:
        return []
    keys = sorted(per_month)
    first, last = keys[0], keys[-1]
    year, month = int(first[:4]), int(first[5:])
    result = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        after = sum(n for k, n in per_month.items() if k > key)
        result.append(Month(key, per_month.get(key, 0), remaining_now + after))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _building_order(line: BuildingLine) -> tuple:
    """Buildings by target date, then address; the households without one last."""
    address = line.building.address if line.building else ""
    return (line.building is None, line.target or date.max, address)


def build_operations(
    filters: Filters,
    on: date,
    operations: list[Operation] | None = None,
    *,
    per_building: bool = True,
) -> list[OperationLine]:
    """The counts per operation and building (three statements, two when the operations
    are given). Without `per_building`, the operations' lines only, their target date
    from one grouped statement instead of thousands of buildings."""
    by_group = queries.counts(filters, per_building=per_building)
    if operations is None:
        operations = queries.operations()
    buildings = {b.id: b for b in queries.buildings(filters)} if per_building else {}
    targets = {} if per_building else queries.latest_targets()
    groups: dict[int, list[tuple[int | None, Counts]]] = {}
    for (op_id, building_id), group in sorted(
        by_group.items(), key=lambda item: (item[0][1] is None, item[0][1] or 0)
    ):
        groups.setdefault(op_id, []).append((building_id, group))
    lines: list[OperationLine] = []
    for op in operations:
        if filters.operation_id is not None and op.id != filters.operation_id:
            continue
        op_counts = Counts()
        op_buildings = []
        seen = set()
        for building_id, group in groups.get(op.id, ()):
            op_counts.add(group)
            if not per_building:
                continue
            building = buildings.get(building_id) if building_id is not None else None
            seen.add(building_id)
            op_buildings.append(BuildingLine(building, group, on))
        for building in buildings.values():
            if building.operation_id == op.id and building.id not in seen:
                op_buildings.append(BuildingLine(building, Counts(), on))
        op_buildings.sort(key=_building_order)
        if op_counts.concerned or op_counts.splits or op_buildings or op.id in targets:
            lines.append(OperationLine(op, op_counts, op_buildings, targets.get(op.id)))
    return lines


def build(filters: Filters, on: date, *, per_building: bool = True, records: bool = True) -> Report:
    """The whole report; without `per_building`, no line per building (the page of all
    operations: thousands of buildings are read one operation at a time); without
    `records`, its rows are the figures of the final relocations only (the page and the
    charts), not the exports' rows."""
    all_operations = queries.operations()
    lines = build_operations(filters, on, all_operations, per_building=per_building)
    total = Counts()
    for line in lines:
        total.add(line.counts)
    composition, ages, resources, employment = Counter(), Counter(), Counter(), Counter()
    for profile in queries.profile_counts(filters, on):
        composition[figures.size_band(profile.persons)] += profile.households
        ages[profile.age_band] += profile.households
        resources[profile.resource_band] += profile.households
        employment[profile.employment or "unknown"] += profile.households
    rows = queries.relocated(filters) if records else queries.relocated_figures(filters)
    alone = [r for r in rows if not r.split]
    offers = [r.formal_offers for r in alone]
    delays = [r.days_to_relocation for r in alone if r.days_to_relocation is not None]
    return Report(
        filters=filters,
        on=on,
        all_operations=all_operations,
        total=total,
        operations=lines,
        without_solution=queries.without_solution(filters),
        composition=composition,
        ages=ages,
        resources=resources,
        employment=employment,
        destinations=queries.destinations(filters),
        costs=compute_costs(rows),
        refusals=queries.refusals(filters),
        average_formal_offers=figures.mean(offers, "0.1"),
        median_days=figures.median(delays),
        months=months_of(rows, total.remaining),
        rows=rows,
    )
