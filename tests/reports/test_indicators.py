"""Every indicator of the relocation report against the hand-computed fixture
(tests/reports/fixture.py: the table there is the reasoning behind each number)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from capintra.reports.queries import Counts, Filters
from capintra.reports.report import build
from tests.reports.fixture import TODAY
from tests.reports.fixture import build as dataset


@pytest.fixture
def data(app_ctx):
    return dataset()


def _counts(c: Counts) -> dict:
    return {name: getattr(c, name) for name in Counts.__dataclass_fields__} | {
        "remaining": c.remaining
    }


def test_counts_per_operation_building_and_total(data):
    report = build(Filters(), TODAY)
    lines = {line.operation.id: line for line in report.operations}
    op = lines[data.op.id]
    assert _counts(op.counts) == dict(
        concerned=6, right=5, met=5, in_search=1, temp_open=1, temp_returned=1, relocated=2,
        left=1, without_solution=3, done=3, splits=1, splits_relocated=0, remaining=3,
    )  # fmt: skip
    by_building = {line.building.id if line.building else None: line for line in op.buildings}
    assert _counts(by_building[data.b1.id].counts) == dict(
        concerned=3, right=2, met=2, in_search=1, temp_open=0, temp_returned=0, relocated=1,
        left=0, without_solution=2, done=1, splits=0, splits_relocated=0, remaining=2,
    )  # fmt: skip
    assert _counts(by_building[data.b2.id].counts) == dict(
        concerned=3, right=3, met=3, in_search=0, temp_open=1, temp_returned=1, relocated=1,
        left=1, without_solution=1, done=2, splits=0, splits_relocated=0, remaining=1,
    )  # fmt: skip
    # the split, hosted (no principal period of its own): no building, counted apart
    assert by_building[None].counts.splits == 1 and by_building[None].counts.concerned == 0
    other = lines[data.other.id]
    assert (other.counts.concerned, other.counts.met, other.counts.right) == (1, 1, 0)
    assert other.counts.remaining == 1
    assert _counts(report.total) == dict(
        concerned=7, right=5, met=6, in_search=1, temp_open=1, temp_returned=1, relocated=2,
        left=1, without_solution=4, done=3, splits=1, splits_relocated=0, remaining=4,
    )  # fmt: skip


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(start=date(2026, 1, 1), end=date(2026, 6, 30))]
)
def test_the_operations_counts_without_buildings_are_the_same(data, filters):
    """The page of all operations counts them without placing each household in its
    building: the same figures, per operation and in total."""
    whole = build(filters, TODAY)
    lean = build(filters, TODAY, per_building=False)
    assert [(line.operation.id, _counts(line.counts)) for line in lean.operations] == [
        (line.operation.id, _counts(line.counts)) for line in whole.operations
    ]
    assert all(line.buildings == [] for line in lean.operations)
    assert _counts(lean.total) == _counts(whole.total)
    assert lean.without_solution == whole.without_solution


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(start=date(2026, 1, 1), end=date(2026, 6, 30))]
)
def test_the_page_figures_without_the_records_are_the_same(data, filters):
    """The page reads the final relocations' figures as columns, not as records: the same
    costs, months, offers and delays as the exports' full rows give."""
    whole = build(filters, TODAY)
    light = build(filters, TODAY, records=False)
    assert whole.rows and len(light.rows) == len(whole.rows) and whole.costs.known
    assert light.costs == whole.costs
    assert light.months == whole.months
    assert light.average_formal_offers == whole.average_formal_offers
    assert light.median_days == whole.median_days


def test_dashboard_progress_is_the_reports_all_time_counts(data):
    """The dashboard's lean statements give the report's figures, per operation."""
    from capintra.reports.queries import progress_by_operation

    report = build(Filters(), TODAY)
    progress = progress_by_operation()
    for line in report.operations:
        c, p = line.counts, progress.get(line.operation.id)
        if not c.concerned:
            continue
        assert (p.concerned, p.relocated, p.done, p.remaining) == (
            c.concerned, c.relocated, c.done, c.remaining,
        )  # fmt: skip
    assert (progress[data.op.id].concerned, progress[data.op.id].done) == (6, 3)


def test_progress_against_the_target_dates(data):
    report = build(Filters(operation_id=data.op.id), TODAY)
    assert [line.operation.id for line in report.operations] == [data.op.id]
    b2, b1 = report.progress_lines  # earliest target first
    assert (b2.building.id, b2.progress, b2.days_left) == (data.b2.id, Decimal("0.6667"), -56)
    assert (b1.building.id, b1.progress, b1.days_left) == (data.b1.id, Decimal("0.3333"), 217)
    assert report.operations[0].target == date(2027, 6, 30)


def test_the_period_filters_the_flows_not_the_stock(data):
    report = build(Filters(start=date(2026, 4, 1), end=date(2026, 12, 31)), TODAY)
    t = report.total
    assert (t.relocated, t.temp_returned, t.left) == (1, 1, 1)  # H6; H6; H5
    assert (t.concerned, t.without_solution, t.remaining) == (7, 4, 4)
    assert report.refusals == {"etage": 1}
    early = build(Filters(end=date(2026, 3, 31)), TODAY).total
    assert (early.relocated, early.temp_returned, early.left) == (1, 0, 0)  # H1 only


def test_without_accepted_solution_with_the_last_offer(data):
    report = build(Filters(), TODAY)
    rows = report.without_solution
    refs = {data.h[k].reference: k for k in ("H2", "H3", "H4", "H7")}
    assert {row.reference for row in rows} == set(refs)
    assert refs[rows[-1].reference] == "H2" and rows[-1].last_offer_on == date(2026, 4, 2)
    assert all(row.last_offer_on is None for row in rows[:-1])


def test_starting_profile(data):
    report = build(Filters(), TODAY)
    assert report.composition == {"1": 3, "2": 1, "3": 1, "unknown": 2}
    assert report.ages == {"40_59": 2, "under_25": 1, "75_plus": 1, "25_39": 1, "unknown": 2}
    assert report.resources == {"plai": 2, "plus": 1, "above": 1, "unknown": 3}
    assert report.employment == {
        "salarie": 2, "demandeur": 1, "retraite": 1, "inactif": 1, "unknown": 2,
    }  # fmt: skip


def test_destinations_and_shares(data):
    report = build(Filters(), TODAY)
    d = report.destinations
    assert d.total == 2
    assert d.sector == {"social": 1, "prive_conventionne": 1}
    assert d.landlord == {"Bailleur Alpha": 1, "": 1}
    assert d.commune["Saint-Chamond"] == 1
    assert d.on_site == {True: 1, False: 1}
    assert d.priority_neighbourhood == {True: 1, False: 1}
    assert d.rent_reduction_grant == {True: 1, False: 1}
    assert report.new_social_share == Decimal("0.5")
    assert report.refusals == {"loyer": 1, "etage": 1}


def test_costs_offers_and_delays(data):
    report = build(Filters(), TODAY)
    c = report.costs
    assert c.known == 2
    assert (c.remaining_before, c.remaining_after) == (Decimal("29000.00"), Decimal("37500.00"))
    assert c.not_risen == 1  # H1 went down, H6 went up
    # H1: 280 / 1 500 = 0,1867 and 250 / 1 500 = 0,1667; H6: 0,3 and 0,5
    assert c.effort_before == Decimal("0.24335")
    assert c.effort_after == Decimal("0.33335")
    # per m²: H1 only (H6's surfaces unknown): 280 € / 50 m², 250 € / 65 m²
    assert (c.per_m2_before, c.per_m2_after) == (Decimal("560.00"), Decimal("385.00"))
    assert report.average_formal_offers == Decimal("1.0")  # H1 2, H6 0
    assert report.median_days == 65  # H1 68 days, H6 62 days


def test_relocations_per_month_against_what_is_left(data):
    report = build(Filters(), TODAY)
    assert [(m.month, m.relocated, m.left_to_do) for m in report.months] == [
        ("2026-03", 1, 5), ("2026-04", 0, 5), ("2026-05", 0, 5), ("2026-06", 0, 5),
        ("2026-07", 0, 5), ("2026-08", 1, 4),
    ]  # fmt: skip


def test_a_file_rehoused_without_a_relocation_record_is_done(app_ctx):
    """Files older than the relocation records: their phase says they are rehoused."""
    from capintra.households.models import Phase
    from tests import factories

    op = factories.operation()
    factories.household(op.id, phase=Phase.SUIVI)
    factories.household(op.id, phase=Phase.RECHERCHE)
    counts = build(Filters(operation_id=op.id), TODAY).total
    assert (counts.concerned, counts.done, counts.remaining) == (2, 1, 1)
    assert (counts.relocated, counts.without_solution) == (0, 1)
