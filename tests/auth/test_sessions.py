"""Server-side sessions: what ends them, and the cookie that carries only their id."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from capintra.auth.models import User, WebSession
from capintra.extensions import db
from tests import factories
from tests.conftest import csrf_token_from, login

COOKIE = "capintra_session"
VISIT = "capintra_visit"
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


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}


def test_cookie_attributes(client, make):
    user = make.user("officer")
    page = client.get("/login")
    (visit,) = page.headers.getlist("Set-Cookie")
    assert visit.startswith(f"{VISIT}=")
    login(client, user)
    signed_in_page = client.get("/")
    assert signed_in_page.status_code == 200
    session_cookie = client.get_cookie(COOKIE)
    assert session_cookie is not None and session_cookie.http_only
    for set_cookie in (visit,):
        attributes = _attributes(set_cookie)
        assert {"httponly", "path", "samesite"} <= attributes
        assert "samesite=lax" in set_cookie.lower()
        assert not attributes & {"expires", "max-age"}, "no remember-me: a browser-session cookie"
    assert session_cookie.same_site == "Lax" and session_cookie.expires is None


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
    form = {"version": user.version, "confirmed": "1"}
    response = admin.post(f"/admin/users/{user.id}/deactivate", form)
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


# --- nothing on the server for anonymous visitors; static files and errors keep the session


def all_session_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(WebSession))


def test_anonymous_visitors_store_nothing_on_the_server(client, make):
    """Issue 6: every cookieless request stored a row (150 requests, 150 rows)."""
    before = all_session_rows()
    for _ in range(3):
        for path in (
            "/login",
            "/",
            "/households/",
            "/nowhere",
            "/static/app.js",
            "/static/missing.js",
            "/healthz",
            "/login?next=/households/",
        ):
            stranger = client.application.test_client()
            assert stranger.get(path).status_code < 500, path
        stranger = client.application.test_client()
        assert stranger.post("/login", data={"username": "x", "password": "y"}).status_code == 400
        assert stranger.post("/static/app.js").status_code == 405
    # A visitor who keeps the cookie through several pages, and a wrong password.
    visitor = client.application.test_client()
    token = csrf_token_from(visitor.get("/login").get_data(as_text=True))
    answer = visitor.post(
        "/login", data={"username": "nobody", "password": "wrong" * 4, "csrf_token": token}
    )
    assert answer.status_code == 422
    assert visitor.get_cookie(COOKIE) is None
    assert all_session_rows() == before


def test_the_login_form_is_protected_by_the_signed_visit_cookie(client, make):
    user = make.user("officer")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    credentials = {"username": user.username, "password": factories.PASSWORD, "csrf_token": token}
    # The token without the cookie it belongs to, or with a tampered cookie: refused.
    stranger = client.application.test_client()
    assert stranger.post("/login", data=credentials).status_code == 400
    visit = client.get_cookie(VISIT).value
    stranger.set_cookie(VISIT, visit[:-2] + ("AA" if not visit.endswith("AA") else "BB"))
    assert stranger.post("/login", data=credentials).status_code == 400
    assert all_session_rows() == 0
    # The right pair signs in, creates the server session and drops the visit cookie.
    response = client.post("/login", data=credentials)
    assert response.status_code == 302
    assert client.get_cookie(VISIT) is None
    assert session_rows(user.id) == 1


def test_the_visit_cookie_never_signs_anyone_in(client, make, app_ctx):
    """Even signed with the right key, the anonymous cookie's user id is ignored."""
    from capintra.auth.sessions import DatabaseSessionInterface

    user = make.user("admin")
    with app_ctx.test_request_context():
        serializer = DatabaseSessionInterface()._anonymous_serializer(app_ctx)
        forged = serializer.dumps({"_user_id": str(user.id), "_fresh": True})
    client.set_cookie(VISIT, forged)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert all_session_rows() == 0


def test_the_goodbye_message_rides_the_visit_cookie(client, make):
    user = make.user("officer")
    browser = login(client, user)
    response = browser.post("/logout")
    assert response.status_code == 303
    assert client.get_cookie(COOKIE) is None
    assert all_session_rows() == 0
    page = client.get("/login").get_data(as_text=True)
    assert "Vous êtes déconnecté(e)." in page
    assert "déconnecté" not in client.get("/login").get_data(as_text=True), "shown once"
    assert all_session_rows() == 0


def test_static_404_and_405_keep_the_session(client, make):
    """Issue 6: a link to a missing static file signed the user out."""
    user = make.user("officer")
    browser = login(client, user)
    token = cookie_of(client)
    for response in (
        client.get("/static/missing.css"),
        client.get("/static/../static/nope.js"),
        client.post("/static/app.js"),
        browser.post("/static/app.js"),
        client.get("/static/app.js"),
    ):
        assert response.status_code in (200, 404, 405), response.status_code
        assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")
    assert cookie_of(client) == token
    assert signed_in(client)
    assert session_rows(user.id) == 1


def test_error_pages_keep_the_session(client, make):
    user = make.user("assistant")
    browser = login(client, user)
    token = cookie_of(client)
    browser.refresh_token()
    responses = [
        client.get("/nowhere"),
        client.get("/households/999999"),
        client.get("/admin/users/"),  # 403 for an assistant
        client.post("/households/new", data={}),  # no CSRF token: 400
        client.delete("/households/"),  # 405
    ]
    assert [r.status_code for r in responses] == [404, 404, 403, 400, 405]
    for response in responses:
        assert "Set-Cookie" not in response.headers
    assert cookie_of(client) == token
    assert signed_in(client)


def test_a_message_waiting_for_the_next_page_survives_an_error_page(client, make):
    household = make.household(name="TEST Message")
    browser = login(client, make.user("officer"))
    response = browser.post(f"/households/{household.id}/notes", {
        "kind": "entretien", "note_date": "2026-11-20", "body": "Visite", "shared": "y",
    })  # fmt: skip
    assert response.status_code == 303  # the message waits in the session
    assert client.get("/nowhere").status_code == 404
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Note ajoutée." in page


def test_an_error_page_gives_an_anonymous_visitor_no_cookie(client):
    for path in ("/nowhere", "/static/missing.css"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Set-Cookie" not in response.headers, path


def test_static_files_cost_no_query(client, make):
    from tests.households.helpers import count_statements

    login(client, make.user("officer"))
    with count_statements() as statements:
        assert client.get("/static/app.js").status_code == 200
        assert client.get("/static/missing.js").status_code == 404
    assert statements == []


def test_expired_rows_are_purged_at_the_next_login(client, make, travel):
    first, second = make.user("officer"), make.user("manager")
    login(client.application.test_client(), first)
    login(client.application.test_client(), first)
    assert session_rows(first.id) == 2
    travel.forward(minutes=31)
    login(client, second)
    assert session_rows(first.id) == 0, "idle sessions deleted at the next login"
    assert session_rows(second.id) == 1


def test_an_expired_session_cookie_is_deleted(client, make, travel):
    user = make.user("officer")
    login(client, user)
    travel.forward(minutes=31)
    response = client.get("/")
    assert response.status_code == 302
    assert client.get_cookie(COOKIE) is None
    assert session_rows(user.id) == 0


def test_a_page_reads_its_session_and_its_user_in_one_statement(client, make):
    from tests.households.helpers import count_statements

    browser = login(client, make.user("officer"))
    browser.get("/account/password")
    with count_statements() as statements:
        assert browser.get("/account/password").status_code == 200
    reads = [s.lower() for s in statements if "from web_session" in s.lower()]
    assert len(reads) == 1 and "user_account" in reads[0], statements
    assert not [s for s in statements if "from user_account" in s.lower()], statements


def test_a_user_switched_off_behind_the_sessions_back_is_signed_out(client, make):
    """Deactivation deletes the sessions; a row changed otherwise (by hand, a restore)
    still signs nobody in: the user read with the session is checked as before."""
    user = make.user("officer")
    browser = login(client, user)
    db.session.execute(User.__table__.update().where(User.id == user.id).values(active=False))
    db.session.flush()
    assert session_rows(user.id) == 1
    for response in (browser.get("/households/"), client.post("/households/new", data={})):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
