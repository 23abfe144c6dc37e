"""Phase moves (DESIGN §2): forward free, backward with a reason, an outcome to close,
reopening; officers only; every move recorded (PhaseChange, audit, history tab)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household, Outcome, Phase, PhaseChange
from capintra.households.services import today
from tests.households.helpers import audit_events, text_of

PARTIAL = "tab-content"


def fresh(household) -> Household:
    db.session.expire_all()
    return db.session.get(Household, household.id)


def changes_of(household) -> list[PhaseChange]:
    return list(
        db.session.scalars(
            select(PhaseChange)
            .where(PhaseChange.household_id == household.id)
            .order_by(PhaseChange.id)
        )
    )


def move(browser, household, to_phase, *, htmx=False, **extra):
    data = {"to_phase": to_phase, "version": fresh(household).version, **extra}
    url = f"/households/{household.id}/phase"
    return browser.htmx("POST", url, PARTIAL, data=data) if htmx else browser.post(url, data=data)


@pytest.fixture
def officer(login_as):
    return login_as("officer")


def test_forward_moves_are_free_even_skipping_phases(make, officer):
    household = make.household()
    response = move(officer, household, "diagnostic")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{household.id}")
    assert fresh(household).phase is Phase.DIAGNOSTIC
    assert move(officer, household, "relogement_temporaire").status_code == 303
    assert fresh(household).phase is Phase.RELOGEMENT_TEMPORAIRE
    changes = changes_of(household)
    assert [(c.from_phase, c.to_phase) for c in changes] == [
        (Phase.A_RENCONTRER, Phase.DIAGNOSTIC),
        (Phase.DIAGNOSTIC, Phase.RELOGEMENT_TEMPORAIRE),
    ]
    assert all(c.by_id == officer.user.id and c.reason == "" for c in changes)
    updates = [e for e in audit_events(entity_type="household", entity_id=household.id)
               if e.action == "update" and "phase" in e.changes]  # fmt: skip
    assert [e.changes["phase"] for e in updates] == [
        ["a_rencontrer", "diagnostic"],
        ["diagnostic", "relogement_temporaire"],
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_backward_move_without_a_reason_is_refused(make, officer, htmx):
    household = make.household(phase=Phase.RELOGE)
    version = fresh(household).version
    for reason in ("", "   "):
        response = move(officer, household, "recherche", htmx=htmx, reason=reason)
        assert response.status_code == 409
        body = text_of(response)
        assert "demande un motif" in body
        assert ("<html" in body) is not htmx
        assert 'id="phase-form"' in body  # the form again, to type the reason
    saved = fresh(household)
    assert saved.phase is Phase.RELOGE and saved.version == version
    assert changes_of(household) == []


def test_a_backward_move_with_a_reason_is_recorded_and_shown(make, officer, browser_for):
    household = make.household(phase=Phase.RELOGEMENT_TEMPORAIRE)
    reason = "Refus du bailleur en CALEOL du 12/11"
    response = move(officer, household, "recherche", reason=reason)
    assert response.status_code == 303
    assert fresh(household).phase is Phase.RECHERCHE
    (change,) = changes_of(household)
    assert (change.from_phase, change.to_phase, change.reason) == (
        Phase.RELOGEMENT_TEMPORAIRE,
        Phase.RECHERCHE,
        reason,
    )
    for who in (officer, browser_for("manager")):
        history = text_of(who.get(f"/households/{household.id}/history"))
        assert reason in history and "Relogement temporaire" in history


def test_closing_needs_an_outcome_and_sets_the_closing_date(make, officer):
    household = make.household(phase=Phase.SUIVI)
    response = move(officer, household, "clos")
    assert response.status_code == 409 and "indiquez son issue" in text_of(response)
    assert fresh(household).phase is Phase.SUIVI and fresh(household).closed_at is None
    response = move(officer, household, "clos", outcome="reloge_definitivement")
    assert response.status_code == 303
    closed = fresh(household)
    assert closed.phase is Phase.CLOS and closed.outcome is Outcome.RELOGE_DEFINITIVEMENT
    assert closed.closed_at == today()
    assert changes_of(household)[-1].outcome is Outcome.RELOGE_DEFINITIVEMENT
    assert "Relogé définitivement" in text_of(officer.get(f"/households/{household.id}"))


def test_reopening_a_closed_file_needs_a_reason_and_clears_the_outcome(make, officer):
    household = make.household(phase=Phase.SUIVI)
    assert move(officer, household, "clos", outcome="parti").status_code == 303
    assert move(officer, household, "recherche").status_code == 409
    assert fresh(household).outcome is Outcome.PARTI
    response = move(officer, household, "recherche", reason="Retour du ménage, logement perdu")
    assert response.status_code == 303
    reopened = fresh(household)
    assert reopened.phase is Phase.RECHERCHE
    assert reopened.outcome is None and reopened.closed_at is None


def test_moving_to_the_current_phase_is_refused(make, officer):
    household = make.household(phase=Phase.DIAGNOSTIC)
    assert move(officer, household, "diagnostic").status_code == 409
    assert changes_of(household) == []


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_only_officers_change_the_phase(make, login_as, role):
    household = make.household()
    browser = login_as(role)
    for htmx in (False, True):
        response = move(browser, household, "diagnostic", htmx=htmx)
        assert response.status_code == 403
    assert fresh(household).phase is Phase.A_RENCONTRER
    summary = text_of(browser.get(f"/households/{household.id}"))
    assert 'id="phase-form"' not in summary  # and no form offers it


def test_a_stale_phase_change_is_409_with_the_current_state(make, officer, browser_for):
    household = make.household()
    shown = fresh(household).version
    colleague = browser_for("officer")
    assert move(colleague, household, "diagnostic").status_code == 303
    response = officer.htmx(
        "POST",
        f"/households/{household.id}/phase",
        PARTIAL,
        data={"to_phase": "recherche", "version": shown},
    )
    assert response.status_code == 409
    body = text_of(response)
    assert "modifié par quelqu" in body
    current = fresh(household)
    assert current.phase is Phase.DIAGNOSTIC
    assert f'name="version" type="hidden" value="{current.version}"' in body


@pytest.mark.parametrize(
    "data",
    [
        {"to_phase": "nimporte"},
        {"to_phase": "diagnostic", "outcome": "disparu"},
        {"to_phase": "recherche", "reason": "motif\x00"},
        {"to_phase": "diagnostic", "version": ""},
    ],
)
def test_an_invalid_phase_form_is_422(make, officer, data):
    household = make.household()
    data = {"version": fresh(household).version, **data}
    response = officer.htmx("POST", f"/households/{household.id}/phase", PARTIAL, data=data)
    assert response.status_code == 422
    assert "<html" not in text_of(response)
    assert fresh(household).phase is Phase.A_RENCONTRER and changes_of(household) == []


def test_the_summary_offers_the_other_phases(make, officer):
    household = make.household(phase=Phase.RECHERCHE)
    form = text_of(officer.get(f"/households/{household.id}"))
    options = form[form.index('id="to_phase"') :].split("</select>")[0]
    assert 'value="recherche"' not in options
    assert 'value="diagnostic"' in options and 'value="clos"' in options


def test_an_htmx_phase_change_sends_the_browser_to_the_file(make, officer):
    household = make.household()
    response = move(officer, household, "diagnostic", htmx=True)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/households/{household.id}"
    assert fresh(household).phase is Phase.DIAGNOSTIC
