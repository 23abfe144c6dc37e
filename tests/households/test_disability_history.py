"""A member's disability need is health data (sensitive): when an officer changes it,
assistants and managers never learn it, not even by the field's name in a history or in
the audit trail; officers and the admin do."""

from __future__ import annotations

import pytest

from capintra.extensions import db
from capintra.households.models import Member
from tests.households.helpers import text_of

LABEL = "Besoin lié au handicap"


@pytest.fixture
def edited_need(make, browser_for):
    """An officer changes a member's disability need alone, then with her first name."""
    officer = browser_for("officer")
    household = make.household()
    member = make.member(household, last_name="DIALLO", first_name="Awa")
    url = f"/households/{household.id}/members/{member.id}"
    data = {"last_name": "DIALLO", "first_name": "Awa", "relation": "conjoint"}
    edits = (
        {"disability_need": "Fauteuil roulant"},
        {"disability_need": "Fauteuil roulant électrique", "first_name": "Awa-Marie"},
    )
    for changes in edits:
        db.session.expire_all()
        version = db.session.get(Member, member.id).version
        response = officer.post(url, data={**data, **changes, "version": version})
        assert response.status_code == 303
    return household, officer


def test_the_officer_sees_the_change_in_the_history(edited_need):
    household, officer = edited_need
    history = text_of(officer.get(f"/households/{household.id}/history"))
    assert LABEL in history


@pytest.mark.parametrize("role", ["assistant", "manager"])
def test_others_never_see_the_field_in_the_history(edited_need, browser_for, role):
    household, _officer = edited_need
    history = text_of(browser_for(role).get(f"/households/{household.id}/history"))
    assert "Prénom" in history, "the other change is there"
    assert LABEL not in history and "Fauteuil" not in history


def test_the_manager_audit_trail_never_shows_the_field(edited_need, browser_for):
    trail = text_of(browser_for("manager").get("/audit/"))
    assert "Prénom" in trail, "the other change is there"
    assert LABEL not in trail and "Fauteuil" not in trail


def test_the_admin_audit_trail_shows_the_field(edited_need, browser_for):
    trail = text_of(browser_for("admin").get("/audit/"))
    assert LABEL in trail
    assert "Fauteuil" not in trail, "a sensitive field's values are never kept"
