"""Server-side sessions: what ends them, and the cookie that carries only their id."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from capintra.auth.models import User, WebSession
from capintra.extensions import db
from tests import factories
from tests.conftest import login

COOKIE = "capintra_session"
NEW_PASSWORD = "une phrase de passe toute neuve"


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """A stranger's client presenting a copied cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief


def signed_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def session_rows(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(WebSession).where(WebSession.user_id == user_id)
    )


def test_cookie_carries_a_random_id_only(client, make):
    user = make.user("officer")
    login(client, user)
    token = cookie_of(client)
    assert len(token) >= 40
    assert str(user.id) not in token.split(".")  # not a signed payload holding the user id
    row = db.session.get(WebSession, hashlib.sha256(token.encode()).hexdigest())
    assert row is not None and row.user_id == user.id
    assert db.session.get(WebSession, token) is None, "the table must not hold usable ids"


def test_cookie_attributes(client, make):
    user = make.user("officer")
    page = client.get("/login")
    set_cookie = page.headers["Set-Cookie"]
    assert set_cookie.startswith(f"{COOKIE}=")
    attributes = {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}
    assert {"httponly", "path", "samesite"} <= attributes
    assert "samesite=lax" in set_cookie.lower()
    assert not attributes & {"expires", "max-age"}, "no remember-me: a browser-session cookie"
    login(client, user)


def test_secure_cookie_behind_https(app, make, app_ctx):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = app.test_client().get("/login")
        assert "secure" in response.headers["Set-Cookie"].lower()
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_copied_cookie_refused_after_logout(client, make):
    user = make.user("officer")
    browser = login(client, user)
    copied = cookie_of(client)
    assert signed_in(replay(client.application, copied))
    assert browser.post("/logout").status_code == 303
    assert not signed_in(replay(client.application, copied))
    assert not signed_in(client)
    db.session.expire_all()
    assert db.session.get(WebSession, hashlib.sha256(copied.encode()).hexdigest()) is None
    assert session_rows(user.id) == 0


def test_logout_ends_only_that_session(client, make):
    user = make.user("officer")
    first = login(client, user)
    other = client.application.test_client()
    login(other, user)
    first.post("/logout")
    assert signed_in(other)


def test_copied_cookie_refused_after_deactivation(client, make):
    user = make.user("officer")
    victim = client.application.test_client()
    login(victim, user)
    copied = cookie_of(victim)
    admin = login(client, make.user("admin"))
    response = admin.post(f"/admin/users/{user.id}/deactivate", {"version": user.version})
    assert response.status_code == 303
    assert not signed_in(victim)
    assert not signed_in(replay(client.application, copied))
    assert session_rows(user.id) == 0


def test_copied_cookie_refused_after_password_change(client, make):
    user = make.user("officer")
    browser = login(client, user)
    other_device = client.application.test_client()
    login(other_device, user)
    copied = cookie_of(client)
    response = browser.post(
        "/account/password",
        {
            "current_password": factories.PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert cookie_of(client) != copied, "the session that changed it continues under a new id"
    assert signed_in(client)
    assert not signed_in(other_device)
    assert not signed_in(replay(client.application, copied))
    assert session_rows(user.id) == 1


def test_idle_timeout_thirty_minutes(client, make, travel):
    login(client, make.user("officer"))
    travel.forward(minutes=29)
    assert signed_in(client), "activity within 30 minutes keeps the session"
    travel.forward(minutes=29)
    assert signed_in(client)
    travel.forward(minutes=30, seconds=1)
    assert not signed_in(client)


def test_absolute_timeout_twelve_hours(client, make, travel):
    login(client, make.user("officer"))
    for _ in range(24):  # busy all day: 24 × 29 min = 11 h 36
        travel.forward(minutes=29)
        assert signed_in(client)
    travel.forward(minutes=24, seconds=1)
    assert not signed_in(client)


def test_forced_password_change_after_admin_reset(client, make):
    user = make.user("manager")
    admin = login(client.application.test_client(), make.user("admin"))
    temporary = "mot de passe provisoire 42"
    response = admin.post(
        f"/admin/users/{user.id}/password", {"password": temporary, "version": user.version}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).must_change_password

    browser = login(client, user, temporary)
    assert client.get("/login").headers["Location"] == "/"
    for path in ("/", "/audit/", "/admin/users/", f"/admin/users/{user.id}/edit"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer.headers["Location"] == "/account/password", path
    assert browser.post("/admin/users/new", {}).headers["Location"] == "/account/password"
    htmx = browser.htmx("GET", "/")
    assert htmx.headers.get("HX-Redirect") == "/account/password"
    assert client.get("/healthz").status_code == 200
    page = client.get("/account/password")
    assert page.status_code == 200
    assert "provisoire" in page.get_data(as_text=True)

    response = browser.post(
        "/account/password",
        {"current_password": temporary, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert client.get("/audit/").status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, user.id).must_change_password


def test_garbage_cookies_are_anonymous(client):
    for value in ("", "x", "é" * 10, "a" * 129, "a" * 3000, "../../etc/passwd", "\x00"):
        thief = replay(client.application, value)
        response = thief.get("/")
        assert response.status_code == 302, repr(value)


def test_every_page_waits_for_the_forced_password_change(client, make):
    """Generated from the url_map: nothing but the password page, logout and public ones."""
    from capintra.security import PASSWORD_CHANGE_ENDPOINTS, PUBLIC
    from tests.routes import all_routes, capability_of, url_for_route

    user = make.user("admin", must_change_password=True)
    browser = login(client, user)
    for route in all_routes(client.application):
        capability = capability_of(client.application, route.endpoint)
        if capability == PUBLIC or route.endpoint in PASSWORD_CHANGE_ENDPOINTS:
            continue
        url = url_for_route(route)
        response = browser.get(url) if route.method == "GET" else browser.post(url, {})
        assert response.status_code == 302, f"{route}: {response.status_code}"
        assert response.headers["Location"] == "/account/password", str(route)


def test_a_remember_me_cookie_signs_nobody_in(client, make, app_ctx):
    """No remember-me (DESIGN §5): Flask-Login's signed remember cookie is ignored."""
    from flask_login.utils import encode_cookie

    user = make.user("manager")
    with app_ctx.test_request_context():
        forged = encode_cookie(str(user.id))
    client.set_cookie("remember_token", forged)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(WebSession)) == 0
