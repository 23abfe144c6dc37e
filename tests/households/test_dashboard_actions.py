"""One-click actions of the dashboard, in place with htmx and as plain forms without
JavaScript: « AR reçu le … » on a letter awaiting its acknowledgement, « Faite » on a task.
They carry the item's version: a stale one is refused (409) with a French message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from capintra import clock
from capintra.auth.models import User
from capintra.extensions import db
from capintra.households.models import Letter, LetterChannel, Task
from tests.households.helpers import text_of

#: The application's day (Europe/Paris): a UTC date is yesterday's until 1 or 2 a.m.
TODAY = clock.today()
LETTERS = {"HX-Request": "true", "HX-Target": "dash-letters-box"}
TASKS = {"HX-Request": "true", "HX-Target": "dash-tasks-box"}


@pytest.fixture
def letter(make):
    h = make.household(name="DURAND Hélène")
    return make.letter(h, subject="Convocation", channel=LetterChannel.LRAR,
                       letter_date=TODAY - timedelta(days=20))  # fmt: skip


@pytest.fixture
def task(make):
    officer = make.user("officer")
    h = make.household(officer_id=officer.id)
    return make.task(h, title="Relancer la CAF", assignee_id=officer.id, due_date=TODAY)


def ack_url(letter) -> str:
    return f"/households/{letter.household_id}/letters/{letter.id}/acknowledge"


def done_url(task) -> str:
    return f"/households/{task.household_id}/tasks/{task.id}/done"


def reload(model, item_id):
    db.session.expire_all()
    return db.session.get(model, item_id)


def test_ar_received_with_htmx_redraws_the_list_in_place(letter, browser_for):
    browser = browser_for("assistant")
    response = browser.post(ack_url(letter), {"version": letter.version}, headers=LETTERS)
    assert response.status_code == 200
    body = text_of(response)
    assert body.lstrip().startswith('<div id="dash-letters-box">')
    assert "AR du courrier « Convocation »" in body and "enregistré" in body
    assert "Aucun courrier en attente." in body
    assert response.headers["HX-Trigger"] == "capintra:saved"
    assert reload(Letter, letter.id).acknowledged_on == TODAY


def test_ar_received_without_javascript_goes_back_to_the_dashboard(letter, browser_for):
    browser = browser_for("officer")
    day = TODAY - timedelta(days=3)
    response = browser.post(ack_url(letter), {"version": letter.version,
                                              "acknowledged_on": day.isoformat()})  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/#dash-letters-box")
    assert reload(Letter, letter.id).acknowledged_on == day
    page = text_of(browser.get("/"))
    assert "AR du courrier « Convocation »" in page  # the flash


def test_a_stale_acknowledgement_is_refused(letter, browser_for):
    first, second = browser_for("assistant"), browser_for("officer")
    version = letter.version
    assert first.post(ack_url(letter), {"version": version}).status_code == 303
    refused = second.post(ack_url(letter), {"version": version})
    assert refused.status_code == 409
    assert "modifié par quelqu’un d’autre" in text_of(refused)
    again = second.post(ack_url(letter), {"version": version}, headers=LETTERS)
    assert again.status_code == 409
    assert 'id="dash-letters-box"' in text_of(again)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({}, "Rechargez la page"),
        ({"acknowledged_on": "pas une date"}, "Rechargez la page"),
    ],
)
def test_an_acknowledgement_without_version_or_with_a_wrong_date_is_refused(
    letter, browser_for, data, why
):
    browser = browser_for("assistant")
    if data:
        data["version"] = letter.version
    for headers in ({}, LETTERS):
        response = browser.post(ack_url(letter), data, headers=headers)
        assert response.status_code == 422
        assert why in text_of(response)
    assert reload(Letter, letter.id).acknowledged_on is None


def test_managers_may_not_acknowledge(letter, browser_for):
    assert browser_for("manager").post(ack_url(letter), {"version": 1}).status_code == 403


def test_task_done_with_htmx_and_without(make, task, browser_for):
    browser = browser_for(db.session.get(User, task.assignee_id))
    response = browser.post(done_url(task), {"version": task.version}, headers=TASKS)
    assert response.status_code == 200
    body = text_of(response)
    assert body.lstrip().startswith('<div id="dash-tasks-box">')
    assert "Tâche « Relancer la CAF »" in body and "Aucune tâche à échéance." in body
    assert reload(Task, task.id).done is True

    other = make.task(make.household(), title="Écrire au bailleur", due_date=TODAY)
    version = other.version
    plain = browser.post(done_url(other), {"version": version})
    assert plain.status_code == 303
    assert reload(Task, other.id).done is True
    stale = browser.post(done_url(other), {"version": version})
    assert stale.status_code == 409
    assert "modifiée par quelqu’un d’autre" in text_of(stale)
    assert browser.post(done_url(other), {}).status_code == 422
