"""Per building: units, occupied, vacant, walled up on a day — one statement."""

from __future__ import annotations

from datetime import date, timedelta

from capintra.buildings import queries, services
from capintra.buildings.models import EndReason, OccupantStatus, UnitCondition
from capintra.buildings.queries import BuildingCounts
from tests.buildings import make as bmake
from tests.households.helpers import count_statements

LOC = OccupantStatus.LOCATAIRE
HAND_OVER = date(2026, 5, 4)
DAY = timedelta(days=1)


def _counts(on, *buildings):
    return queries.building_counts(on, [b.id for b in buildings])


def test_counts_at_the_boundaries_and_with_a_same_day_hand_over(make):
    building = bmake.building()
    empty = bmake.building()
    a, b, c = (bmake.unit(building) for _ in range(3))
    bmake.unit(building, condition=UnitCondition.MURE)
    gone = bmake.unit(building)
    gone.soft_delete()

    leaving = services.add_period(a, household=make.household(), status=LOC, start=date(2020, 1, 1))
    services.end_period(leaving, HAND_OVER, EndReason.DEPART_VOLONTAIRE)
    services.add_period(a, household=make.household(), status=LOC, start=HAND_OVER)
    outgoing = services.add_period(
        b, occupant_label="Boucherie", status=LOC, start=date(2021, 1, 1)
    )
    services.end_period(outgoing, HAND_OVER, EndReason.AUTRE)
    services.add_period(c, household=make.household(), status=LOC, start=HAND_OVER)

    # the day before: a and b occupied; c and the walled-up unit vacant
    assert _counts(HAND_OVER - DAY, building, empty) == [
        BuildingCounts(building.id, units=4, occupied=2, vacant=2, walled_up=1),
        BuildingCounts(empty.id, units=0, occupied=0, vacant=0, walled_up=0),
    ]
    # the hand-over day: a counted once (outgoing and incoming), b free, c in
    assert _counts(HAND_OVER, building) == [
        BuildingCounts(building.id, units=4, occupied=2, vacant=2, walled_up=1)
    ]
    assert services.unit_state(b, HAND_OVER).value == "vacant"
    # before anyone
    assert _counts(date(2019, 1, 1), building) == [
        BuildingCounts(building.id, units=4, occupied=0, vacant=4, walled_up=1)
    ]


def test_a_walled_up_unit_with_an_occupant_counts_occupied(make):
    building = bmake.building()
    squatted = bmake.unit(building, condition=UnitCondition.MURE)
    services.add_period(squatted, occupant_label="Occupants sans titre",
                        status=OccupantStatus.SANS_TITRE, start=HAND_OVER)  # fmt: skip
    assert _counts(HAND_OVER, building) == [
        BuildingCounts(building.id, units=1, occupied=1, vacant=0, walled_up=0)
    ]


def _buildings(make, n):
    operation = make.operation()
    buildings = []
    for i in range(n):
        building = bmake.building(operation.id)
        unit = bmake.unit(building, condition=UnitCondition.MURE if i % 3 else UnitCondition.NORMAL)
        bmake.unit(building)
        if i % 2:
            services.add_period(unit, occupant_label=f"Commerce {i}", status=LOC,
                                start=date(2024, 1, 1))  # fmt: skip
        buildings.append(building)
    return buildings


def test_the_count_costs_one_statement_for_5_or_50_buildings(make):
    few, many = _buildings(make, 5), _buildings(make, 50)
    costs = []
    for buildings in (few, many):
        ids = [b.id for b in buildings]
        with count_statements() as statements:
            rows = queries.building_counts(HAND_OVER, ids)
        assert len(rows) == len(ids)
        costs.append(len(statements))
    assert costs == [1, 1]
    assert sum(r.occupied for r in rows) == 25
    assert sum(r.units for r in rows) == 100
