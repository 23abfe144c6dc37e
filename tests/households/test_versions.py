"""Every save carries the version the form showed: without it, or with an old one, the
save is refused (409 with the current state) and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household, Member, Relation
from tests.snapshots import changed_tables, snapshot

#: A valid form for each sub-item, as its edit form posts it (the version aside).
ITEM_FORMS = {
    "members": {"last_name": "DIALLO", "first_name": "Aminata", "relation": "enfant"},
    "letters": {"letter_date": "2026-11-03", "direction": "sent", "channel": "lrar",
                "subject": "Nouvelle convocation"},
    "notes": {"kind": "appel", "note_date": "2026-11-21", "body": "Rappelée ce matin"},
    "tasks": {"title": "Relancer la CAF", "due_date": "2026-12-15"},
}  # fmt: skip


def _item(make, household, kind):
    return {
        "members": make.member,
        "letters": make.letter,
        "notes": lambda h: make.note(h, confidential=False),
        "tasks": make.task,
    }[kind](household)


def _household_form(household) -> dict:
    return {
        "name": "KACI-BENALI Aïcha",
        "operation_id": household.operation_id,
        "address": "12 rue Neuve",
        "commune": household.commune,
        "rehousing_right": household.rehousing_right.value,
    }


@pytest.mark.parametrize("role", ["officer", "assistant"])
def test_a_household_save_without_its_version_is_refused(make, browser_for, role):
    household = make.household()
    browser = browser_for(role)
    url = f"/households/{household.id}/edit"
    before = snapshot()
    response = browser.post(url, data=_household_form(household))
    assert response.status_code == 409
    assert "Modifié par quelqu’un d’autre" in response.get_data(as_text=True)
    assert changed_tables(before, snapshot()) == [], "nothing is written"
    # The same form with its version goes through: only the version was missing.
    data = {**_household_form(household), "version": household.version}
    assert browser.post(url, data=data).status_code == 303


@pytest.mark.parametrize("kind", sorted(ITEM_FORMS))
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_item_save_without_its_version_is_refused(make, browser_for, kind, htmx):
    household = make.household()
    item = _item(make, household, kind)
    browser = browser_for("assistant")
    url = f"/households/{household.id}/{kind}/{item.id}"
    post = (
        (lambda data: browser.htmx("POST", url, "tab-content", data=data))
        if htmx
        else (lambda data: browser.post(url, data=data))
    )
    before = snapshot()
    response = post(ITEM_FORMS[kind])
    assert response.status_code == 409, kind
    assert changed_tables(before, snapshot()) == [], f"{kind}: nothing is written"
    assert post({**ITEM_FORMS[kind], "version": item.version}).status_code in (200, 303)


def _family(make):
    officer = make.user("officer")
    household = make.household(officer_id=officer.id)
    make.member(household, last_name="BENALI", first_name="Karim", relation=Relation.CHEF)
    son = make.member(household, last_name="BENALI", first_name="Yanis", relation=Relation.ENFANT)
    return officer, household, son


def test_a_split_on_a_stale_member_is_409_and_makes_no_file(make, browser_for):
    officer, household, son = _family(make)
    shown = son.version
    colleague = browser_for("assistant")
    url = f"/households/{household.id}/members/{son.id}"
    data = {"last_name": "BENALI", "first_name": "Yanis-Karim", "relation": "enfant"}
    assert colleague.post(url, data={**data, "version": shown}).status_code == 303
    browser = browser_for(officer)
    before = snapshot()
    response = browser.post(
        f"/households/{household.id}/split", data={"member_id": son.id, "version": shown}
    )
    assert response.status_code == 409
    assert "a été modifié par quelqu" in response.get_data(as_text=True)
    assert changed_tables(before, snapshot()) == [], "no new file, the member stays"
    db.session.expire_all()
    assert db.session.get(Member, son.id).left_at is None
    # With the current version, the split goes through.
    current = db.session.get(Member, son.id).version
    response = browser.post(
        f"/households/{household.id}/split", data={"member_id": son.id, "version": current}
    )
    assert response.status_code == 303
    children = select(Household).where(Household.split_from_id == household.id)
    assert len(db.session.scalars(children).all()) == 1
