"""Occupancy periods (DESIGN §2): half-open [start, end) periods, principal ones never
overlap on a unit, hosted ones start inside a principal one and outlive it, a household
has at most one open period, only the relocation flow writes `relogé`, and ending a
period gives the household its after-departure tasks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capintra.buildings import queries, services
from capintra.buildings.models import (
    EndReason,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
    UnitCondition,
    UnitState,
)
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households.models import Task, TaskKind
from tests.buildings import make as bmake

LOC = OccupantStatus.LOCATAIRE
HOSTED = OccupancyKind.HOSTED
D1, D2, D3 = date(2025, 1, 10), date(2026, 3, 1), date(2026, 6, 15)


@pytest.fixture
def unit(app_ctx):
    return bmake.unit()


# --- principal periods never overlap -----------------------------------------------------


def test_an_overlapping_principal_period_is_refused_with_a_clear_message(make, unit):
    services.add_period(unit, household=make.household(), status=LOC, start=D1, end=D3)
    with pytest.raises(DomainError) as refused:
        services.add_period(unit, household=make.household(), status=LOC, start=D2)
    assert refused.value.status == 409
    assert "10/01/2025 au 15/06/2026" in refused.value.message
    assert "chevauchent" in refused.value.message


def test_an_open_principal_period_blocks_any_later_one(make, unit):
    services.add_period(unit, household=make.household(), status=LOC, start=D1)
    with pytest.raises(DomainError, match="sans date de remise des clés"):
        services.add_period(unit, occupant_label="Boulangerie", status=LOC, start=D3)


def test_a_period_ending_inside_another_is_refused(make, unit):
    services.add_period(unit, household=make.household(), status=LOC, start=D2)
    with pytest.raises(DomainError, match="se chevauchent|sans date"):
        services.add_period(unit, household=make.household(), status=LOC, start=D1, end=D3)


def test_same_day_hand_over_is_accepted(make, unit):
    leaving = services.add_period(unit, household=make.household(), status=LOC, start=D1)
    services.end_period(leaving, D2, EndReason.DEPART_VOLONTAIRE)
    arriving = services.add_period(unit, household=make.household(), status=LOC, start=D2)
    assert arriving.start_date == leaving.end_date


def test_ending_a_period_after_the_next_one_began_is_refused(make, unit):
    first = services.add_period(unit, household=make.household(), status=LOC, start=D1, end=D2)
    services.add_period(unit, household=make.household(), status=LOC, start=D2)
    db.session.flush()
    first.end_date = None  # an earlier period reopened by mistake, then ended too late
    with pytest.raises(DomainError, match="chevauchent|sans date"):
        services.end_period(first, D3, EndReason.AUTRE)


def test_periods_on_other_units_or_soft_deleted_do_not_clash(make, unit):
    mistake = services.add_period(unit, household=make.household(), status=LOC, start=D1)
    mistake.soft_delete()
    db.session.flush()
    services.add_period(unit, household=make.household(), status=LOC, start=D1)
    services.add_period(bmake.unit(), household=make.household(), status=LOC, start=D1)


def test_dates_and_occupant_are_checked_by_service_and_database(make, unit):
    with pytest.raises(DomainError, match="postérieure"):
        services.add_period(unit, household=make.household(), status=LOC, start=D2, end=D2)
    with pytest.raises(DomainError, match="Indiquez l’occupant"):
        services.add_period(unit, status=LOC, start=D1)
    for bad in (
        {"household_id": make.household().id, "start_date": D2, "end_date": D1},
        {"occupant_label": "", "start_date": D1},
    ):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(Occupancy(unit_id=unit.id, status=LOC, **bad))
            db.session.flush()


# --- hosted periods ----------------------------------------------------------------------


def test_a_hosted_period_starts_inside_a_principal_one(make, unit):
    with pytest.raises(DomainError, match="aucun occupant principal"):
        services.add_period(unit, household=make.household(), kind=HOSTED,
                            status=OccupantStatus.HEBERGE, start=D1)  # fmt: skip
    host = services.add_period(unit, household=make.household(), status=LOC, start=D1, end=D2)
    with pytest.raises(DomainError, match="aucun occupant principal"):
        services.add_period(unit, household=make.household(), kind=HOSTED,
                            status=OccupantStatus.HEBERGE, start=D2)  # fmt: skip
    month_later = D1 + timedelta(days=30)
    hosted = services.add_period(unit, household=make.household(), kind=HOSTED,
                                 status=OccupantStatus.HEBERGE, start=month_later)  # fmt: skip
    assert hosted.host_id == host.id


def test_a_hosted_period_goes_on_after_the_host_leaves(make, unit):
    host = services.add_period(unit, household=make.household(), status=LOC, start=D1)
    hosted = services.add_period(unit, household=make.household(), kind=HOSTED,
                                 status=OccupantStatus.HEBERGE, start=D2)  # fmt: skip

    services.end_period(host, D3, EndReason.RELOGE, by_relocation=True)

    assert hosted.end_date is None
    assert services.unit_state(unit, D3) is UnitState.OCCUPIED
    # « hébergé, hôte parti » as the grid reads it (its periods come with their hosts)
    for day, gone in ((D3 - timedelta(days=1), False), (D3, True)):
        shown = next(p for p in queries.grid_unit(unit, day).periods if p.id == hosted.id)
        assert shown.host_gone(day) is gone
    # principal periods alone exclude each other: a new principal occupant may come in
    services.add_period(unit, occupant_label="Atelier", status=LOC, start=D3)


# --- one open period per household -------------------------------------------------------


def test_a_household_has_at_most_one_open_period(make, unit):
    family = make.household()
    services.add_period(unit, household=family, status=LOC, start=D1)
    with pytest.raises(DomainError, match="occupe déjà un logement") as refused:
        services.add_period(bmake.unit(), household=family, status=LOC, start=D2)
    assert refused.value.status == 409
    # a closed period elsewhere is fine
    services.add_period(bmake.unit(), household=family, status=LOC, start=D1, end=D2)


def test_the_database_refuses_a_second_open_period_too(make, unit):
    family = make.household()
    services.add_period(unit, household=family, status=LOC, start=D1)
    elsewhere = bmake.unit().id
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Occupancy(unit_id=elsewhere, household_id=family.id, status=LOC, start_date=D2)
        )
        db.session.flush()


def test_the_index_ignores_closed_and_deleted_periods(make, unit):
    family = make.household()
    old = Occupancy(unit_id=unit.id, household_id=family.id, status=LOC, start_date=D1)
    db.session.add(old)
    db.session.flush()
    old.soft_delete()
    db.session.add_all(
        [
            Occupancy(unit_id=unit.id, household_id=family.id, status=LOC, start_date=D1,
                      end_date=D2),
            Occupancy(unit_id=unit.id, household_id=family.id, status=LOC, start_date=D2),
        ]
    )  # fmt: skip
    db.session.flush()


def test_the_service_turns_a_race_on_the_index_into_a_domain_error(make, unit, monkeypatch):
    family = make.household()
    services.add_period(unit, household=family, status=LOC, start=D1)
    # Another request's check ran before this one's insert: the index has the last word.
    monkeypatch.setattr(services, "_check_no_open_period", lambda household: None)
    with pytest.raises(DomainError, match="occupe déjà un logement"):
        services.add_period(bmake.unit(), household=family, status=LOC, start=D2)
    assert db.session.scalar(select(Occupancy.id).where(Occupancy.household_id == family.id))


# --- ending a period ---------------------------------------------------------------------


def test_only_the_relocation_flow_ends_a_period_as_reloge(make, unit):
    period = services.add_period(unit, household=make.household(), status=LOC, start=D1)
    with pytest.raises(DomainError, match="« Relogé »") as refused:
        services.end_period(period, D2, EndReason.RELOGE)
    assert refused.value.status == 409
    assert period.end_date is None and period.end_reason is None
    services.end_period(period, D2, EndReason.RELOGE, by_relocation=True)
    assert period.end_reason is EndReason.RELOGE


def test_an_ended_period_cannot_end_again(make, unit):
    period = services.add_period(unit, household=make.household(), status=LOC, start=D1)
    services.end_period(period, D2, EndReason.DECES)
    with pytest.raises(DomainError, match="déjà terminée"):
        services.end_period(period, D3, EndReason.AUTRE)


def test_ending_a_period_creates_the_after_departure_tasks(make, unit):
    officer = make.user("officer")
    family = make.household(officer_id=officer.id)
    period = services.add_period(unit, household=family, status=LOC, start=D1)

    created = services.end_period(period, D2, EndReason.DEPART_VOLONTAIRE)

    tasks = list(db.session.scalars(
        select(Task).where(Task.household_id == family.id).order_by(Task.id)
    ))  # fmt: skip
    assert tasks == created
    assert [t.title for t in tasks] == [
        "Sécuriser le logement",
        "Fermer les compteurs",
        "Solder le dépôt de garantie",
    ]
    assert {(t.kind, t.due_date, t.assignee_id, t.done) for t in tasks} == {
        (TaskKind.AFTER_DEPARTURE, D2 + timedelta(days=7), officer.id, False)
    }


def test_a_shop_leaving_creates_no_household_task(unit):
    period = services.add_period(unit, occupant_label="Boulangerie", status=LOC, start=D1)
    assert services.end_period(period, D2, EndReason.AUTRE) == []


# --- a unit's state on a day -------------------------------------------------------------


def test_unit_state_at_the_period_boundaries(make, unit):
    period = services.add_period(unit, household=make.household(), status=LOC, start=D1)
    services.end_period(period, D2, EndReason.DEPART_VOLONTAIRE)
    day = timedelta(days=1)
    assert services.unit_state(unit, D1 - day) is UnitState.VACANT
    assert services.unit_state(unit, D1) is UnitState.OCCUPIED
    assert services.unit_state(unit, D2 - day) is UnitState.OCCUPIED
    assert services.unit_state(unit, D2) is UnitState.VACANT  # keys back: free that day
    unit.condition = UnitCondition.MURE
    assert services.unit_state(unit, D2) is UnitState.WALLED_UP
    assert services.unit_state(unit, D1) is UnitState.OCCUPIED
    unit.condition = UnitCondition.SINISTRE
    assert services.unit_state(unit, D2) is UnitState.UNSAFE
    unit.condition = UnitCondition.INSALUBRE
    assert services.unit_state(unit, D2) is UnitState.UNSAFE
