"""The service itself keeps officer-only and social fields out of other people's saves:
the form hides them, but a data dict that carries them anyway (a form changed later, a
script, an import) must not write them."""

from __future__ import annotations

import pytest

from capintra.extensions import db
from capintra.households import services
from capintra.households.models import Household, Member, RehousingBasis, RehousingRight, Relation


#: Fields an assistant may never write on a file (DESIGN §1: health and vulnerability
#: details; the right to rehousing, the committee and the assigned officer are the
#: officer's follow-up), with a value other than the default.
def _forbidden(officer_id: int) -> dict:
    return {
        "health_details": "Diabète, dialyse trois fois par semaine",
        "vulnerability_details": "Violences conjugales signalées",
        "officer_id": officer_id,
        "rehousing_right": RehousingRight.OUI,
        "rehousing_basis": RehousingBasis.L314_1,
        "rehousing_bearer": "Ville de Saint-Étienne",
        "committee_flag": True,
        "committee_blocking_point": "Dette locative",
        "committee_decision": "Relogement prioritaire",
    }


def _stored(household_id: int) -> Household:
    db.session.flush()
    db.session.expire_all()
    return db.session.get(Household, household_id)


@pytest.fixture
def people(make):
    return make.user("assistant"), make.user("officer"), make.user("officer")


def test_an_assistants_update_with_officer_only_fields_writes_none_of_them(make, people):
    assistant, officer, other_officer = people
    household = make.household(officer_id=officer.id)
    before = {name: getattr(_stored(household.id), name) for name in _forbidden(0)}
    services.update_household(
        household,
        {"phone": "06 12 34 56 78", **_forbidden(other_officer.id)},
        assistant,
    )
    saved = _stored(household.id)
    assert saved.phone == "06 12 34 56 78", "her own fields are saved"
    assert {name: getattr(saved, name) for name in before} == before


def test_an_assistants_creation_with_officer_only_fields_writes_none_of_them(make, people):
    assistant, _officer, other_officer = people
    data = {
        "name": "KACI Aïcha",
        "operation_id": make.operation().id,
        "address": "12 rue Neuve",
        "commune": "Saint-Étienne",
        **_forbidden(other_officer.id),
    }
    household = services.create_household(data, assistant)
    saved = _stored(household.id)
    assert saved.name == "KACI Aïcha"
    assert (saved.health_details, saved.vulnerability_details) == ("", "")
    assert saved.officer_id is None
    assert saved.rehousing_right is RehousingRight.A_INSTRUIRE and saved.rehousing_basis is None
    assert saved.rehousing_bearer == ""
    assert saved.committee_flag is False
    assert (saved.committee_blocking_point, saved.committee_decision) == ("", "")


def test_an_officers_update_writes_them(make, people):
    """The guard is about who writes, not about the fields: an officer's save keeps them."""
    _assistant, officer, other_officer = people
    household = make.household(officer_id=officer.id)
    services.update_household(household, _forbidden(other_officer.id), officer)
    saved = _stored(household.id)
    assert {name: getattr(saved, name) for name in _forbidden(0)} == _forbidden(other_officer.id)


def test_an_assistants_member_save_with_a_disability_need_does_not_write_it(make, people):
    assistant, officer, _other = people
    household = make.household()
    member = make.member(household, disability_need="Fauteuil roulant")
    data = {"first_name": "Awa", "disability_need": "Autre chose", "relation": Relation.ENFANT}
    services.save_member(member, data, assistant)
    saved = _stored_member(member.id)
    assert saved.first_name == "Awa" and saved.disability_need == "Fauteuil roulant"
    new = Member(household_id=household.id, last_name="DIALLO", relation=Relation.ENFANT)
    services.save_member(new, {"first_name": "Issa", "disability_need": "Malvoyant"}, assistant)
    db.session.add(new)
    db.session.flush()
    assert _stored_member(new.id).disability_need == ""
    services.save_member(member, {"disability_need": "Lit médicalisé"}, officer)
    assert _stored_member(member.id).disability_need == "Lit médicalisé"


def _stored_member(member_id: int) -> Member:
    db.session.flush()
    db.session.expire_all()
    return db.session.get(Member, member_id)
