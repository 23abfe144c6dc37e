"""Requests of access: an officer records the day one was received (never a day to come,
never a malformed date: 422, a French message, nothing written), marks it answered
(not before it was received: 422; twice or from a stale page: 409), and the officers'
dashboard lists the open ones with their one-month deadline (days left, or late)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from capintra import clock
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.subject_access.models import AccessRequest, one_month_after
from tests.conftest import login


@pytest.fixture
def officer(make):
    return make.user("officer", full_name="Alice Référente")


@pytest.fixture
def browser(app_ctx, officer):
    return login(app_ctx.test_client(), officer)


@pytest.fixture
def household(make, officer):
    return make.household(name="MARTIN Famille", officer_id=officer.id)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AccessRequest))


def test_one_month_deadline():
    assert one_month_after(date(2026, 11, 20)) == date(2026, 12, 20)
    assert one_month_after(date(2026, 12, 15)) == date(2027, 1, 15)
    assert one_month_after(date(2027, 1, 31)) == date(2027, 2, 28)
    assert one_month_after(date(2028, 1, 31)) == date(2028, 2, 29)


def test_the_page_shows_the_sections_and_the_form(browser, household):
    page = browser.get(f"/households/{household.id}/export")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Enregistrer la demande" in html
    assert "Demande d’accès reçue le" in html
    assert "Notes de suivi" in html and "Historique du dossier" in html
    assert page.headers["Cache-Control"] == "no-store"


def test_the_file_has_the_tab_for_officers_only(browser, household, app_ctx, make):
    tab = f"/households/{household.id}/access"
    assert tab in browser.get(f"/households/{household.id}").get_data(as_text=True)
    assert browser.get(tab).status_code == 200
    assistant = login(app_ctx.test_client(), make.user("assistant"))
    assert tab not in assistant.get(f"/households/{household.id}").get_data(as_text=True)
    assert assistant.get(tab).status_code == 403


def test_recording_a_request(browser, household, officer):
    day = clock.today() - timedelta(days=3)
    response = browser.post(
        f"/households/{household.id}/export/requests", {"requested_on": day.isoformat()}
    )
    assert response.status_code == 303
    [access] = db.session.scalars(select(AccessRequest)).all()
    assert (access.household_id, access.requested_on, access.recorded_by_id) == (
        household.id,
        day,
        officer.id,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "access_request"))
    assert (event.action, event.household_id) == ("create", household.id)
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert day.strftime("%d/%m/%Y") in page
    assert one_month_after(day).strftime("%d/%m/%Y") in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ((date.today() + timedelta(days=40)).isoformat(), "ne peut pas être dans le futur"),
        ("2026-13-45", "N&#39;est pas une date valide."),
        ("hier", "N&#39;est pas une date valide."),
        ("", "Indiquez la date de réception de la demande."),
    ],
)
def test_a_bad_date_is_refused_and_nothing_written(browser, household, value, message):
    response = browser.post(f"/households/{household.id}/export/requests", {"requested_on": value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Not a valid" not in html  # French, not WTForms' English
    assert _count() == 0


def test_tomorrow_is_in_the_future(browser, household):
    tomorrow = clock.today() + timedelta(days=1)
    response = browser.post(
        f"/households/{household.id}/export/requests", {"requested_on": tomorrow.isoformat()}
    )
    assert response.status_code == 422
    assert _count() == 0


def _open(household, days_ago: int) -> AccessRequest:
    access = AccessRequest(
        household_id=household.id, requested_on=clock.today() - timedelta(days=days_ago)
    )
    db.session.add(access)
    db.session.commit()
    return access


def _answer(browser, household, access, day, version=None):
    return browser.post(
        f"/households/{household.id}/export/requests/{access.id}/answer",
        {"answered_on": day.isoformat(), "version": access.version if version is None else version},
    )


def test_answering_a_request(browser, household, officer):
    access = _open(household, 10)
    response = _answer(browser, household, access, clock.today())
    assert response.status_code == 303
    db.session.refresh(access)
    assert (access.answered_on, access.answered_by_id) == (clock.today(), officer.id)
    # Twice: refused, nothing changed.
    again = _answer(browser, household, access, clock.today())
    assert again.status_code == 409
    assert "déjà marquée comme répondue" in again.get_data(as_text=True)


def test_an_answer_before_the_request_or_from_a_stale_page_is_refused(browser, household):
    access = _open(household, 10)
    early = _answer(browser, household, access, clock.today() - timedelta(days=11))
    assert early.status_code == 422
    assert "ne peut pas précéder la demande" in early.get_data(as_text=True)
    stale = _answer(browser, household, access, clock.today(), version=access.version + 1)
    assert stale.status_code == 409
    future = _answer(browser, household, access, clock.today() + timedelta(days=1))
    assert future.status_code == 422
    db.session.refresh(access)
    assert access.answered_on is None


def test_a_request_of_another_file_is_not_found(browser, household, make):
    other = make.household(name="BERNARD Famille")
    access = _open(other, 5)
    response = _answer(browser, household, access, clock.today())
    assert response.status_code == 404
    db.session.refresh(access)
    assert access.answered_on is None


def test_open_requests_on_the_officers_dashboard(browser, household, make, app_ctx):
    late = make.household(name="BERNARD Famille")
    answered = make.household(name="DURAND Famille")
    _open(household, 10)
    _open(late, 40)
    done = _open(answered, 20)
    done.answered_on = clock.today()
    db.session.commit()

    page = browser.get("/").get_data(as_text=True)
    start = page.index('id="dash-access-requests"')
    html = page[start : page.index("</section>", start)]  # the section only
    assert "Demandes d’accès à traiter" in html
    days_left = (one_month_after(clock.today() - timedelta(days=10)) - clock.today()).days
    days_late = (clock.today() - one_month_after(clock.today() - timedelta(days=40))).days
    assert f"{days_left} jours restants" in html
    assert f"en retard de {days_late} jours" in html
    assert household.reference in html and late.reference in html
    assert answered.reference not in html  # answered: off the list
    # Late first (the nearest deadline first).
    assert html.index(late.reference) < html.index(household.reference)

    for role in ("assistant", "manager"):
        other = login(app_ctx.test_client(), make.user(role)).get("/").get_data(as_text=True)
        assert "Demandes d’accès à traiter" not in other
        assert "dash-access-request-" not in other
