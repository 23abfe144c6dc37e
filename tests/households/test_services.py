"""Household rules: references, the numéro unique renewal task, the split, and the
computed remaining charge and effort rate."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.households import services
from capintra.households.models import (
    Household,
    Member,
    Phase,
    Relation,
    Task,
    TaskKind,
)
from capintra.housing import HousingCosts, housing_costs_of
from tests.buildings import make as buildings
from tests.households.helpers import audit_events, count, text_of

# --- references -------------------------------------------------------------------------


def test_references_are_men_year_number_unique_and_grow(make):
    first, second = make.household(), make.household()
    year = services.today().year
    assert re.fullmatch(rf"MEN-{year}-\d{{4}}", first.reference)
    assert second.ref_number == first.ref_number + 1
    assert services.format_reference(2026, 7) == "MEN-2026-0007"
    assert services.format_reference(2026, 12345) == "MEN-2026-12345"


def test_a_taken_number_is_retried_with_the_next_one(make, monkeypatch):
    """Two creations at once may pick the same number: the unique constraint refuses the
    second, which takes the next number."""
    taken = make.household()
    picks = iter([taken.ref_number, taken.ref_number + 1])
    monkeypatch.setattr(services, "next_reference_number", lambda year: next(picks))
    household = Household(operation_id=taken.operation_id, name="CONCURRENT Léa")
    services.assign_reference(household, year=taken.ref_year)
    db.session.commit()
    assert household.ref_number == taken.ref_number + 1
    assert household.reference != taken.reference


# --- numéro unique renewal task ----------------------------------------------------------


def renewal_tasks(household, *, open_only=True) -> list[Task]:
    query = select(Task).where(
        Task.household_id == household.id,
        Task.kind == TaskKind.NUMERO_UNIQUE,
        Task.deleted_at.is_(None),
    )
    if open_only:
        query = query.where(Task.done.is_(False))
    db.session.expire_all()
    return list(db.session.scalars(query))


def edit(browser, household, **changes):
    db.session.expire_all()
    current = db.session.get(Household, household.id)
    data = {
        "name": current.name,
        "operation_id": current.operation_id,
        "officer_id": current.officer_id or "",
        "rehousing_right": current.rehousing_right.value,
        "numero_unique": current.numero_unique,
        "numero_unique_renewal": current.numero_unique_renewal or "",
        "version": current.version,
        **changes,
    }
    response = browser.post(f"/households/{household.id}/edit", data=data)
    assert response.status_code == 303, text_of(response)[-3000:]


def test_the_renewal_date_makes_one_open_task_a_month_before(make, login_as):
    operation = make.operation()
    officer = login_as("officer")
    response = officer.post(
        "/households/new",
        data={"name": "TRAN Minh", "operation_id": operation.id, "rehousing_right": "oui",
              "officer_id": officer.user.id, "numero_unique": "042-1234-5678",
              "numero_unique_renewal": "2027-03-15"},
    )  # fmt: skip
    assert response.status_code == 303
    household = db.session.scalars(select(Household).where(Household.name == "TRAN Minh")).one()
    (task,) = renewal_tasks(household)
    assert task.due_date == date(2027, 3, 15) - timedelta(days=30) == date(2027, 2, 13)
    assert task.assignee_id == officer.user.id and not task.done
    assert "15/03/2027" in task.title
    assert "Renouvellement du numéro unique" in text_of(
        officer.get(f"/households/{household.id}/tasks")
    )

    edit(officer, household, numero_unique_renewal="2027-06-01")
    (moved,) = renewal_tasks(household)
    assert moved.id == task.id and moved.due_date == date(2027, 5, 2)
    assert "01/06/2027" in moved.title

    edit(officer, household, numero_unique_renewal="")
    assert renewal_tasks(household) == []
    assert count(Task, Task.household_id == household.id, Task.deleted_at.is_(None)) == 0


def test_an_unrelated_edit_keeps_the_single_renewal_task(make, login_as):
    officer = login_as("officer")
    household = make.household(officer_id=officer.user.id)
    edit(officer, household, numero_unique_renewal="2027-03-15")
    edit(officer, household, address="2 rue Neuve")
    edit(officer, household, numero_unique_renewal="2027-03-15")
    assert len(renewal_tasks(household)) == 1


def test_a_done_renewal_task_stays_done_and_a_new_date_makes_a_new_one(make, login_as):
    officer = login_as("officer")
    household = make.household(officer_id=officer.user.id)
    edit(officer, household, numero_unique_renewal="2027-03-15")
    (task,) = renewal_tasks(household)
    task.mark_done()
    db.session.commit()
    edit(officer, household, numero_unique_renewal="2028-03-15")
    (new,) = renewal_tasks(household)
    assert new.id != task.id and new.due_date == date(2028, 2, 14)
    assert db.session.get(Task, task.id).done is True


def test_changing_the_referent_reassigns_the_renewal_task(make, login_as):
    officer = login_as("officer")
    other = make.user("officer")
    household = make.household(officer_id=officer.user.id)
    edit(officer, household, numero_unique_renewal="2027-03-15")
    edit(officer, household, officer_id=other.id)
    (task,) = renewal_tasks(household)
    assert task.assignee_id == other.id


# --- split (décohabitation) --------------------------------------------------------------


@pytest.fixture
def family(make):
    officer = make.user("officer")
    household = make.household(name="BENALI Karim", address="4 rue Brossard", officer_id=officer.id)
    head = make.member(household, last_name="BENALI", first_name="Karim", relation=Relation.CHEF)
    son = make.member(
        household,
        last_name="BENALI",
        first_name="Yanis",
        relation=Relation.ENFANT,
        birth_date=date(2001, 5, 4),
    )
    return officer, household, head, son


def split(browser, household, member):
    db.session.expire_all()
    version = db.session.get(Member, member.id).version
    return browser.post(
        f"/households/{household.id}/split", data={"member_id": member.id, "version": version}
    )


def test_a_split_makes_a_linked_file_and_marks_the_member_as_left(family, browser_for):
    officer_user, household, _head, son = family
    officer = browser_for(officer_user)
    response = split(officer, household, son)
    assert response.status_code == 303
    new = db.session.scalars(select(Household).where(Household.split_from_id == household.id)).one()
    assert response.headers["Location"].endswith(f"/households/{new.id}")
    assert new.reference != household.reference and new.name == "BENALI Yanis"
    assert new.operation_id == household.operation_id and new.officer_id == officer_user.id
    assert new.address == household.address and new.phase is Phase.A_RENCONTRER
    (new_head,) = db.session.scalars(select(Member).where(Member.household_id == new.id))
    assert new_head.relation is Relation.CHEF and new_head.birth_date == date(2001, 5, 4)
    db.session.expire_all()
    left = db.session.get(Member, son.id)
    assert left.left_at == services.today() and left.split_to_id == new.id
    assert [e.changes for e in audit_events(action="split", household_id=household.id)] == [
        {"new_household_id": [None, new.id]}
    ]
    # Both files show the link, to everyone who may see them.
    for who in (officer, browser_for("manager")):
        original = text_of(who.get(f"/households/{household.id}"))
        assert f'<a href="/households/{new.id}">{new.reference}</a>' in original
        assert "1 membre" in original  # the son has left
        born = text_of(who.get(f"/households/{new.id}"))
        assert f'<a href="/households/{household.id}">{household.reference}</a>' in born
        members = text_of(who.get(f"/households/{household.id}/members"))
        assert "parti le" in members and f'href="/households/{new.id}"' in members
    # The son is found under his new file, no longer under the old one.
    found = text_of(officer.get("/households/?q=yanis"))
    assert new.reference in found and household.reference not in found


def test_the_head_of_household_cannot_split(family, browser_for):
    officer_user, household, head, _son = family
    officer = browser_for(officer_user)
    response = split(officer, household, head)
    assert response.status_code == 409
    assert "chef de ménage ne peut pas" in text_of(response)
    assert count(Household, Household.split_from_id == household.id) == 0
    assert db.session.get(Member, head.id).left_at is None


def test_a_member_who_left_cannot_split_again(family, browser_for):
    officer_user, household, _head, son = family
    officer = browser_for(officer_user)
    assert split(officer, household, son).status_code == 303
    assert split(officer, household, son).status_code == 409
    assert count(Household, Household.split_from_id == household.id) == 1


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_only_officers_split(family, browser_for, role):
    _officer, household, _head, son = family
    browser = browser_for(role)
    assert split(browser, household, son).status_code == 403
    assert count(Household, Household.split_from_id == household.id) == 0
    assert "Décohabitation" not in text_of(browser.get(f"/households/{household.id}/members"))


def test_a_split_of_a_member_of_another_file_is_404(family, make, browser_for):
    officer_user, _household, _head, son = family
    other = make.household()
    response = split(browser_for(officer_user), other, son)
    assert response.status_code == 404
    assert count(Household, Household.split_from_id == other.id) == 0


# --- remaining charge and effort rate ------------------------------------------------------


@pytest.mark.parametrize(
    ("rent", "charges", "apl", "resources", "remaining", "rate"),
    [
        (65000, 8050, 21000, 123456, 52050, Decimal("0.4216")),
        (40000, None, None, 100000, 40000, Decimal("0.4000")),
        (40000, 5000, 45000, 100000, 0, Decimal("0.0000")),
        (10001, 0, 0, 30000, 10001, Decimal("0.3334")),  # 0.33336… rounded half up
        (None, 8050, 21000, 123456, None, None),
        (65000, 0, 0, None, 65000, None),
        (65000, 0, 0, 0, 65000, None),
    ],
)
def test_remaining_charge_and_effort_rate_are_exact(rent, charges, apl, resources, remaining, rate):
    costs = HousingCosts(rent, charges, apl)
    assert costs.remaining_charge_cents == remaining
    assert costs.effort_rate(resources) == rate
    if remaining is not None:
        assert type(costs.remaining_charge_cents) is int
    if rate is not None:
        assert isinstance(costs.effort_rate(resources), Decimal)


def test_money_round_trips_through_the_database_as_integer_cents(make, app_ctx):
    household = make.household(monthly_resources_cents=123456789)
    buildings.period(household_obj=household, rent_cents=123456789, apl_cents=1, charges_cents=10)
    db.session.expire_all()
    saved = db.session.get(Household, household.id)
    assert type(saved.monthly_resources_cents) is int
    with app_ctx.test_request_context():
        costs = housing_costs_of(household.id, services.today())
    assert (costs.rent_cents, costs.apl_cents, costs.charges_cents) == (123456789, 1, 10)
    assert type(costs.rent_cents) is int
    assert costs.remaining_charge_cents == 123456798


# --- dates are French dates ----------------------------------------------------------------


def test_dates_follow_paris_not_utc(make, login_as, monkeypatch):
    """At 00:30 on 1 January in Paris it is still 31 December in UTC: a file created then
    is of the new year, and closing it then closes it on 1 January."""
    import capintra.clock

    monkeypatch.setattr(capintra.clock, "now", lambda: datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert services.today() == date(2027, 1, 1)
    officer = login_as("officer")
    operation = make.operation()
    response = officer.post(
        "/households/new",
        data={"name": "NOUVEL An", "operation_id": operation.id, "rehousing_right": "oui"},
    )
    assert response.status_code == 303
    household = db.session.scalars(select(Household).where(Household.name == "NOUVEL An")).one()
    assert household.reference.startswith("MEN-2027-")
    journal = text_of(officer.get(f"/households/{household.id}/journal"))
    assert 'name="note_date" required type="date" value="2027-01-01"' in journal
    for to_phase, extra in (("suivi", {}), ("clos", {"outcome": "deces"})):
        db.session.expire_all()
        data = {"to_phase": to_phase, "version": db.session.get(Household, household.id).version}
        response = officer.post(f"/households/{household.id}/phase", data={**data, **extra})
        assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Household, household.id).closed_at == date(2027, 1, 1)
