"""Signing in: the lock after 10 failures, identical refusals, a new session at login."""

from __future__ import annotations

import html

from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.auth.models import User, WebSession
from capintra.auth.sessions import _digest
from capintra.extensions import db
from tests import factories
from tests.conftest import csrf_token_from
from tests.databases import migrate


def html_text(page: str) -> str:
    """The page's text as read (entities decoded)."""
    return html.unescape(page)


COOKIE = "capintra_session"
WRONG = "wrong password, but long enough"


def attempt(client, username: str, password: str):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_sign_in_and_land_on_the_dashboard(client, make):
    user = make.user("assistant")
    response = attempt(client, user.username, factories.PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_username_is_case_and_space_insensitive(client, make):
    make.user("officer", username="claire.morel")
    assert attempt(client, "  Claire.Morel ", factories.PASSWORD).status_code == 302


def test_lock_after_ten_failures_for_fifteen_minutes(client, make, travel):
    user = make.user("officer")
    for _ in range(10):
        assert attempt(client, user.username, WRONG).status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None
    refused = attempt(client, user.username, factories.PASSWORD)
    assert refused.status_code == 422, "the right password must not open a locked account"
    assert client.get("/").status_code == 302

    travel.forward(minutes=14)
    assert attempt(client, user.username, factories.PASSWORD).status_code == 422
    travel.forward(minutes=1, seconds=1)
    assert attempt(client, user.username, factories.PASSWORD).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.failed_logins == 0 and user.locked_until is None
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == user.id)
    ).all()
    assert actions.count("account_locked") == 1
    assert actions.count("login_failed") == 12
    assert actions.count("login") == 1


def test_failures_below_the_limit_are_forgotten_after_a_success(client, make):
    user = make.user("officer")
    for _ in range(9):
        attempt(client, user.username, WRONG)
    assert attempt(client, user.username, factories.PASSWORD).status_code == 302
    other = client.application.test_client()
    for _ in range(9):
        attempt(other, user.username, WRONG)
    assert attempt(other, user.username, factories.PASSWORD).status_code == 302


def test_lock_holds_across_two_app_instances_on_one_database(scratch_app):
    """Two gunicorn workers are two app instances: the counter lives in the database."""
    first, second = scratch_app(), scratch_app()
    migrate(first)
    with first.app_context():
        user = factories.user("officer")
        username = user.username
    clients = [first.test_client(), second.test_client()]
    for n in range(10):
        assert attempt(clients[n % 2], username, WRONG).status_code == 422
    for client in clients:
        assert attempt(client, username, factories.PASSWORD).status_code == 422
    with second.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user.locked_until is not None


def test_unknown_user_wrong_password_locked_and_deactivated_answer_alike(client, make):
    known = make.user("officer", username="known.user")
    make.user("officer", username="gone.user", active=False)
    locked = make.user("officer", username="locked.user")
    for _ in range(10):
        attempt(client, locked.username, WRONG)

    def answer(username, password):
        response = attempt(client.application.test_client(), username, password)
        html = response.get_data(as_text=True)
        return response.status_code, html.replace(csrf_token_from(html), "TOKEN")

    typed = "same.name"  # the form echoes the username: compare with the same one typed
    known.username = typed
    db.session.commit()
    reference = answer(typed, WRONG)
    assert reference[0] == 422
    assert "Identifiant ou mot de passe incorrect" in reference[1]
    assert (
        "Après 10 échecs, le compte est verrouillé 15 minutes ; en cas de blocage, appelez "
        "l’administrateur de capintra." in html_text(reference[1])
    )
    known.username = "renamed.user"
    db.session.commit()
    assert answer(typed, WRONG) == reference, "unknown user"
    for username in ("gone.user", "locked.user"):
        status, html = answer(username, factories.PASSWORD)
        assert (status, html.replace(username, typed)) == reference, username


def test_session_id_is_new_at_each_login(client, make):
    """A token planted before login (session fixation) never becomes a session, and
    signing in again from a signed-in browser rotates the id."""
    user = make.user("officer")
    planted = "planted-by-someone-else-" + "x" * 30
    client.set_cookie(COOKIE, planted)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    credentials = {"username": user.username, "password": factories.PASSWORD}
    client.post("/login", data={**credentials, "csrf_token": token})
    first = client.get_cookie(COOKIE).value
    assert first != planted
    assert db.session.get(WebSession, _digest(planted)) is None
    assert db.session.get(WebSession, _digest(first)).user_id == user.id

    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    assert client.post("/login", data={**credentials, "csrf_token": token}).status_code == 302
    second = client.get_cookie(COOKIE).value
    assert second != first
    db.session.expire_all()
    assert db.session.get(WebSession, _digest(first)) is None
    assert db.session.get(WebSession, _digest(second)).user_id == user.id
    fixated = client.application.test_client()
    fixated.set_cookie(COOKIE, first)
    assert fixated.get("/").status_code == 302


def test_signed_in_visit_to_login_goes_to_next_or_dashboard(login_as):
    browser = login_as("officer")
    assert browser.get("/login").headers["Location"] == "/"
    assert browser.get("/login?next=/account/password").headers["Location"] == "/account/password"


def test_login_returns_to_the_page_asked_for(client, make):
    user = make.user("manager")
    first = client.get("/audit/?before=5")
    assert first.status_code == 302
    assert first.headers["Location"] == "/login?next=/audit/?before%3D5"
    token = csrf_token_from(client.get(first.headers["Location"]).get_data(as_text=True))
    response = client.post(
        first.headers["Location"],
        data={"username": user.username, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/audit/?before=5"


def test_behind_a_proxy_the_audit_trail_records_the_client_address(tmp_path):
    """CAPINTRA_PROXY_COUNT=1: X-Forwarded-For from the proxy is trusted (and only then)."""
    from sqlalchemy import select

    from capintra.audit.models import AuditEvent
    from tests.conftest import csrf_token_from, make_test_app
    from tests.databases import dispose, migrate

    app = make_test_app(f"sqlite:///{tmp_path / 'proxy.db'}", tmp_path, PROXY_COUNT=1)
    migrate(app)
    try:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        client.post(
            "/login",
            data={"username": "personne", "password": "x" * 12,
                  "csrf_token": csrf_token_from(page)},
            headers={"X-Forwarded-For": "10.1.2.3"},
        )  # fmt: skip
        with app.app_context():
            event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed"))
            assert event.ip == "10.1.2.3"
    finally:
        dispose(app)


def test_the_refusal_names_whom_to_call(client, make):
    client.application.config["SUPPORT_CONTACT"] = "Hélène Roux, poste 4512"
    try:
        response = attempt(client, "nobody.here", WRONG)
    finally:
        client.application.config["SUPPORT_CONTACT"] = ""
    assert response.status_code == 422
    assert "appelez Hélène Roux, poste 4512." in html_text(response.get_data(as_text=True))
