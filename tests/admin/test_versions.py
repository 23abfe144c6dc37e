"""Account saves carry the version the form showed: without it the form is refused
(422), with an old one the save is refused (409); nothing is written either way."""

from __future__ import annotations

import pytest

from capintra.auth.models import User
from capintra.extensions import db
from tests.admin.test_users import TEMPORARY, can_sign_in
from tests.conftest import login
from tests.snapshots import changed_tables, snapshot

EDIT = {"full_name": "Claire Morel", "email": "", "role": "manager", "is_admin": "y"}


@pytest.fixture
def admin(client, make):
    return login(client, make.user("admin"))


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_user_edit_without_its_version_is_refused(admin, make, htmx):
    user = make.user("officer", full_name="Claire Martin")
    url = f"/admin/users/{user.id}/edit"
    before = snapshot()
    if htmx:
        response = admin.htmx("POST", url, f"user-{user.id}", data=EDIT)
    else:
        response = admin.post(url, EDIT)
    assert response.status_code == 422
    assert changed_tables(before, snapshot()) == [], "nothing is written"
    assert admin.post(url, {**EDIT, "version": user.version}).status_code == 303


def test_a_password_reset_on_a_stale_account_is_409_and_changes_nothing(admin, make):
    user = make.user("officer")
    shown = user.version
    edit = {**EDIT, "role": "officer", "is_admin": "", "version": shown}
    assert admin.post(f"/admin/users/{user.id}/edit", edit).status_code == 303
    url = f"/admin/users/{user.id}/password"
    before = snapshot()
    response = admin.post(url, {"password": TEMPORARY, "version": shown})
    assert response.status_code == 409
    assert changed_tables(before, snapshot()) == [], "the password is not reset"
    assert not can_sign_in(admin.client.application, user, TEMPORARY)
    db.session.expire_all()
    current = db.session.get(User, user.id).version
    assert admin.post(url, {"password": TEMPORARY, "version": current}).status_code == 303
    assert can_sign_in(admin.client.application, user, TEMPORARY)
