"""Sessions: on the server for those signed in, in a signed cookie for everyone else.

Signed in: the cookie holds a random token; the data stays in `web_session`, keyed by the
token's SHA-256. Logout deletes the row; deactivation and password change delete every
row of the user; rows idle for 30 minutes or older than 12 hours are refused, and
deleted at the next login or by `purge-sessions`.

Not signed in: nothing is stored on the server. The little an anonymous visitor needs
(the login form's CSRF token, the message after logout) rides a second cookie, signed
with the secret key, that never signs anyone in. Login turns it into a server session.

Static files and error pages leave the session as it was: no cookie set or deleted, no
row written.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, Request, Response, g, request
from flask.sessions import SessionInterface, SessionMixin, session_json_serializer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, insert, inspect, select, update
from werkzeug.datastructures import CallbackDict

from capintra.auth.models import User, WebSession
from capintra.database import SAFE_METHODS, begin_writing
from capintra.extensions import db
from capintra.models import utcnow

#: last_seen_at is written at most this often, to spare a write per request.
TOUCH_EVERY = timedelta(seconds=60)
#: The anonymous visitor's signed cookie (CSRF token of the login form, flashes).
ANONYMOUS_COOKIE = "capintra_visit"
#: Keys Flask-Login keeps in a signed-in session: never taken from the anonymous cookie.
SIGNED_IN_KEYS = ("_user_id", "_fresh", "_id")


#: Built once: SQLAlchemy keeps a built statement's cache key, so asking it again at every
#: request skips the statement's construction and the key's computation (a third of
#: the time of a small read).
#: The row brings its user along (one statement, not two: `session_user`).
_SESSION_ROW = (
    select(WebSession.data, WebSession.created_at, WebSession.last_seen_at, User)
    .outerjoin(User, User.id == WebSession.user_id)
    .where(WebSession.id == bindparam("sid"))
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep_session_as_is() -> None:
    """This response (an error page) must not touch the visitor's session."""
    g.capintra_keep_session = True


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, last_seen=None):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.last_seen = last_seen
        self.new = sid is None
        self.modified = False
        self.rotate = False
        self.token: str | None = None

    def regenerate(self) -> None:
        """Give this session a new id (at login), dropping the old row."""
        self.rotate = True
        self.modified = True

    @property
    def signed_in(self) -> bool:
        return "_user_id" in self


def session_user(user_id: int) -> User | None:
    """The user read with this request's session row, if it is `user_id` (the login
    manager's loader asks this first): its row, without a statement of its own."""
    user = g.pop("capintra_session_user", None)
    if user is None or inspect(user).expired:  # its transaction ended (a view that writes)
        return None
    return user if user.id == user_id else None


class DatabaseSessionInterface(SessionInterface):
    def _anonymous_serializer(self, app: Flask) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            app.secret_key,
            salt="capintra-anonymous-visit",
            serializer=session_json_serializer,
            signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
        )

    def _anonymous_session(self, app: Flask, request: Request) -> ServerSession:
        cookie = request.cookies.get(ANONYMOUS_COOKIE)
        if not cookie or len(cookie) > 4096:
            return ServerSession()
        max_age = int(app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds())
        try:
            data = self._anonymous_serializer(app).loads(cookie, max_age=max_age)
        except BadSignature:
            return ServerSession()
        if not isinstance(data, dict):
            return ServerSession()
        for key in SIGNED_IN_KEYS:
            data.pop(key, None)
        return ServerSession(data)

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if app.static_url_path and request.path.startswith(app.static_url_path + "/"):
            return ServerSession()  # static files need no session: spare the query
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 128:
            return self._anonymous_session(app, request)
        sid = _digest(token)
        # The row's values and its user: nothing of the row is kept in the session.
        row = db.session.execute(_SESSION_ROW, {"sid": sid}).first()
        if row is None:
            db.session.rollback()
            return self._anonymous_session(app, request)
        data, created_at, last_seen = dict(row.data or {}), row.created_at, row.last_seen_at
        # A request that writes ends the read here: its transactions begin afresh, with
        # the write lock (capintra.database; a GET view declared @writes ends it when its
        # declaration is read). A read goes on in the same transaction: one BEGIN less,
        # and its user is the one just read (one statement less).
        if request.method not in SAFE_METHODS:
            db.session.rollback()
        else:
            g.capintra_session_user = row.User
        now = utcnow()
        if (
            now - last_seen > app.config["SESSION_IDLE_TIMEOUT"]
            or now - created_at > app.config["SESSION_ABSOLUTE_TIMEOUT"]
        ):
            begin_writing()
            db.session.execute(delete(WebSession).where(WebSession.id == sid))
            db.session.commit()
            session = self._anonymous_session(app, request)
            session.modified = True  # the dead cookie is deleted on the way out
            return session
        return ServerSession(data, sid=sid, last_seen=last_seen)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if g.get("capintra_keep_session"):
            return
        # Whatever the view left uncommitted was not meant to be kept; what follows
        # writes, if anything (most requests write nothing), in a transaction of its own
        # (begin_writing before each write).
        if session.signed_in:
            self._save_signed_in(app, session, response)
        else:
            self._save_anonymous(app, session, response)

    def _cookie_options(self, app: Flask) -> dict:
        return {
            "httponly": self.get_cookie_httponly(app),
            "secure": self.get_cookie_secure(app),
            "samesite": self.get_cookie_samesite(app),
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
        }

    def _delete_cookie(self, app: Flask, response: Response, name: str) -> None:
        options = self._cookie_options(app)
        response.delete_cookie(name, domain=options["domain"], path=options["path"])

    def _save_anonymous(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        if session.sid is not None:  # signed out during this request: end its row
            begin_writing()
            db.session.execute(delete(WebSession).where(WebSession.id == session.sid))
            db.session.commit()
            session.sid = None
            session.modified = True
        if not session.modified:
            return
        response.vary.add("Cookie")
        if name in request.cookies:  # a server token that signs nobody in any more
            self._delete_cookie(app, response, name)
        if session:
            payload = self._anonymous_serializer(app).dumps(dict(session))
            response.set_cookie(ANONYMOUS_COOKIE, payload, **self._cookie_options(app))
        elif ANONYMOUS_COOKIE in request.cookies:
            self._delete_cookie(app, response, ANONYMOUS_COOKIE)

    def _save_signed_in(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        now = utcnow()
        user_id = int(session["_user_id"])
        if session.sid is None or session.rotate:
            begin_writing()
            if session.sid is not None:
                db.session.execute(delete(WebSession).where(WebSession.id == session.sid))
            token = secrets.token_urlsafe(32)
            db.session.execute(
                insert(WebSession).values(
                    id=_digest(token),
                    user_id=user_id,
                    data=dict(session),
                    created_at=now,
                    last_seen_at=now,
                )
            )
            db.session.commit()
            session.sid, session.token, session.rotate = _digest(token), token, False
            response.set_cookie(name, token, **self._cookie_options(app))
            if ANONYMOUS_COOKIE in request.cookies:
                self._delete_cookie(app, response, ANONYMOUS_COOKIE)
            response.vary.add("Cookie")
            return
        # An existing row: update it only if it still exists (it may have been
        # ended during this request by a deactivation or a password change).
        if session.modified:
            begin_writing()
            db.session.execute(
                update(WebSession)
                .where(WebSession.id == session.sid)
                .values(data=dict(session), user_id=user_id, last_seen_at=now)
            )
            db.session.commit()
        elif session.last_seen is None or now - session.last_seen > TOUCH_EVERY:
            begin_writing()
            db.session.execute(
                update(WebSession).where(WebSession.id == session.sid).values(last_seen_at=now)
            )
            db.session.commit()


def end_user_sessions(user_id: int) -> None:
    """End every session of a user (deactivation, password change). Caller commits."""
    db.session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def purge_expired_sessions(app: Flask) -> int:
    """Delete the sessions nobody can use any more (at each login, and by cron)."""
    now = utcnow()
    result = db.session.execute(
        delete(WebSession).where(
            (WebSession.last_seen_at < now - app.config["SESSION_IDLE_TIMEOUT"])
            | (WebSession.created_at < now - app.config["SESSION_ABSOLUTE_TIMEOUT"])
        )
    )
    return result.rowcount or 0
