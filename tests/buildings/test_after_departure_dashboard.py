"""The chores after a departure (secure the unit, close the meters, settle the deposit),
created when a period is closed, are on the assistant's dashboard whoever they are
assigned to, labelled « Après départ », with the household's name and reference and a
one-click « Faite »."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from capintra import clock
from capintra.buildings import services
from capintra.buildings.models import OccupantStatus
from capintra.extensions import db
from capintra.households.models import Task, TaskKind
from tests.buildings import make as bmake

TASKS = {"HX-Request": "true", "HX-Target": "dash-tasks-box"}


def _section(html: str) -> str:
    return html.split('id="dash-tasks-box"', 1)[1].split("</section>", 1)[0]


def _departure(make, login_as):
    """An officer's household hands its keys back today, recorded by the assistant."""
    officer = make.user("officer")
    household = make.household(name="MARTIN Lucie", officer_id=officer.id)
    unrelated = make.task(household, title="Relancer la CAF", assignee_id=officer.id,
                          due_date=clock.today())  # fmt: skip
    period = services.add_period(
        bmake.unit(), household=household, status=OccupantStatus.LOCATAIRE, start=date(2018, 4, 1)
    )
    db.session.commit()
    assistant = login_as("assistant")
    closed = assistant.post(f"/occupancies/{period.id}/close", data={
        "end_date": clock.today().isoformat(), "end_reason": "depart_volontaire",
        "version": period.version})  # fmt: skip
    assert closed.status_code == 303
    return officer, household, assistant, unrelated


def test_the_assistant_sees_the_after_departure_chores(make, login_as):
    officer, household, assistant, unrelated = _departure(make, login_as)
    query = select(Task).filter_by(household_id=household.id, kind=TaskKind.AFTER_DEPARTURE)
    chores = list(db.session.scalars(query))
    assert len(chores) == 3 and {t.assignee_id for t in chores} == {officer.id}
    html = assistant.get("/").get_data(as_text=True)
    section = _section(html)
    assert "Mes tâches et les suites de départ" in html
    for title in ("Sécuriser le logement", "Fermer les compteurs", "Solder le dépôt de garantie"):
        assert title in section
    assert section.count("Après départ") == 3
    assert "MARTIN Lucie" in section and household.reference in section
    assert "Relancer la CAF" not in section  # the officer's own task is not paperwork
    assert section.count(">Faite<") == 3


def test_faite_in_place_removes_the_chore(make, login_as):
    _officer, household, assistant, _unrelated = _departure(make, login_as)
    chore = db.session.scalars(select(Task).filter_by(
        household_id=household.id, title="Fermer les compteurs")).one()  # fmt: skip
    response = assistant.post(f"/households/{household.id}/tasks/{chore.id}/done",
                              data={"version": chore.version}, headers=TASKS)  # fmt: skip
    assert response.status_code == 200
    box = response.get_data(as_text=True)
    assert "<html" not in box and "Tâche « Fermer les compteurs »" in box
    assert f'id="task-{chore.id}"' not in box and box.count("Après départ") == 2
    db.session.expire_all()
    assert db.session.get(Task, chore.id).done


def test_the_officer_sees_them_as_assigned_and_the_manager_not_at_all(make, login_as):
    officer, _household, assistant, _unrelated = _departure(make, login_as)
    assistant.post("/logout")
    as_officer = login_as(officer)
    officer_html = as_officer.get("/").get_data(as_text=True)
    assert officer_html.count("Après départ") == 3 and "Relancer la CAF" in officer_html
    as_officer.post("/logout")
    manager_html = login_as("manager").get("/").get_data(as_text=True)
    assert "Sécuriser le logement" not in manager_html
