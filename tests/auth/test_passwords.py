"""The password policy and hashing (DESIGN §5: argon2id, ≥ 12 characters, not common)."""

from __future__ import annotations

import pytest

from capintra.auth.models import User
from capintra.auth.passwords import hash_password, password_problems, verify_password
from capintra.auth.services import PasswordRefused, create_user
from capintra.extensions import db
from tests import factories

GOOD = "une phrase de passe toute neuve"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("court1234ab", "11 characters"),
        ("azertyuiop123", "common"),
        ("AZERTYuiop123", "common, whatever the case"),
        ("Bienvenue2026", "common"),
        ("aaaaaaaaaaaaaaaaaa", "too few distinct characters"),
        ("abababababababab", "too few distinct characters"),
        ("xx-claire.morel-xx", "contains the username"),
        ("Motdepasse2024", "a French common word with digits"),
        ("Password123!", "an English common word with digits and a symbol"),
        ("capintra2026!", "the application's name"),
        ("Saint-Etienne42", "a commune of the operations"),
        ("xxxxxxxxxxxyzw!", "a repetition zxcvbn sees through"),
        ("", "empty"),
    ],
)
def test_weak_passwords_refused(app_ctx, password, why):
    assert password_problems(password, "claire.morel"), why


def test_good_password_accepted(app_ctx):
    assert password_problems(GOOD, "claire.morel") == []
    assert password_problems("vK7#pq-Lm2!zR", "claire.morel") == []


def test_argon2id_hash(app_ctx):
    hashed = hash_password(GOOD)
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, GOOD)
    assert not verify_password(hashed, GOOD + " ")
    assert not verify_password(None, GOOD)
    assert not verify_password("not a hash", GOOD)


def test_create_user_applies_the_policy(app_ctx):
    with pytest.raises(PasswordRefused):
        create_user("nouvelle.personne", "officer", "azertyuiop123")
    user = create_user("Nouvelle.Personne", "officer", GOOD)
    assert user.username == "nouvelle.personne"
    assert user.password_hash.startswith("$argon2id$")


def change(browser, current, new, confirm=None):
    return browser.post(
        "/account/password",
        {"current_password": current, "new_password": new, "confirm": confirm or new},
    )


@pytest.mark.parametrize(
    ("current", "new", "confirm"),
    [
        (factories.PASSWORD, "court", None),
        (factories.PASSWORD, "azertyuiop123", None),
        (factories.PASSWORD, GOOD, GOOD + "!"),
        ("not my password at all", GOOD, None),
        ("", GOOD, None),
    ],
    ids=["short", "common", "confirmation differs", "wrong current", "current missing"],
)
def test_change_password_refusals(login_as, current, new, confirm):
    browser = login_as("officer")
    response = change(browser, current, new, confirm)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(User, browser.user.id).password_hash, factories.PASSWORD)


def test_change_password(login_as):
    browser = login_as("officer")
    response = change(browser, factories.PASSWORD, GOOD)
    assert response.status_code == 303
    db.session.expire_all()
    assert verify_password(db.session.get(User, browser.user.id).password_hash, GOOD)


def test_wrong_current_passwords_on_the_password_page_count_and_lock(client, make):
    from tests.conftest import login

    user = make.user("assistant")
    browser = login(client, user)
    data = {"current_password": "pas le bon mot de passe", "new_password": GOOD, "confirm": GOOD}
    for _attempt in range(9):
        assert browser.post("/account/password", data=data).status_code == 422
    locked = browser.post("/account/password", data=data)
    assert locked.status_code == 303 and locked.headers["Location"].endswith("/login")
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None
    # The session ended with the lock, and the right password no longer opens a new one.
    assert client.get("/").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    again = client.post(
        "/login",
        data={"username": user.username, "password": factories.PASSWORD,
              "csrf_token": csrf_token_from(page)},
    )  # fmt: skip
    assert again.status_code == 422
