"""Server-side sessions: the cookie holds a random token, the data stays in web_session.

Logout deletes the row; deactivation and password change delete every row of the
user; rows idle for 30 minutes or older than 12 hours are refused.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, insert, update
from werkzeug.datastructures import CallbackDict

from capintra.auth.models import WebSession
from capintra.extensions import db
from capintra.models import utcnow

#: last_seen_at is written at most this often, to spare a write per request.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if app.static_url_path and request.path.startswith(app.static_url_path + "/"):
            return ServerSession()  # static files need no session: spare the query
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 128:
            return ServerSession()
        sid = _digest(token)
        row = db.session.get(WebSession, sid)
        if row is None:
            return ServerSession()
        now = utcnow()
        if (
            now - row.last_seen_at > app.config["SESSION_IDLE_TIMEOUT"]
            or now - row.created_at > app.config["SESSION_ABSOLUTE_TIMEOUT"]
        ):
            db.session.execute(delete(WebSession).where(WebSession.id == sid))
            db.session.commit()
            return ServerSession()
        data = dict(row.data or {})
        db.session.expunge(row)
        return ServerSession(data, sid=sid, last_seen=row.last_seen_at)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        # Whatever the view left uncommitted was not meant to be kept.
        db.session.rollback()
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        now = utcnow()
        user_id = session.get("_user_id")
        user_id = int(user_id) if user_id else None

        if session.sid and (session.rotate or not session):
            db.session.execute(delete(WebSession).where(WebSession.id == session.sid))
            session.sid = None
            if not session:
                db.session.commit()
                response.delete_cookie(name, domain=domain, path=path)
                return

        if not session:
            return

        if session.sid is None:
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
            session.token = token
            response.set_cookie(
                name,
                token,
                httponly=self.get_cookie_httponly(app),
                secure=self.get_cookie_secure(app),
                samesite=self.get_cookie_samesite(app),
                domain=domain,
                path=path,
            )
            response.vary.add("Cookie")
            return

        # An existing row: update it only if it still exists (it may have been
        # ended during this request by a deactivation or a password change).
        if session.modified:
            db.session.execute(
                update(WebSession)
                .where(WebSession.id == session.sid)
                .values(data=dict(session), user_id=user_id, last_seen_at=now)
            )
            db.session.commit()
        elif session.last_seen is None or now - session.last_seen > TOUCH_EVERY:
            db.session.execute(
                update(WebSession).where(WebSession.id == session.sid).values(last_seen_at=now)
            )
            db.session.commit()


def end_user_sessions(user_id: int) -> None:
    """End every session of a user (deactivation, password change). Caller commits."""
    db.session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def purge_expired_sessions(app: Flask) -> int:
    now = utcnow()
    result = db.session.execute(
        delete(WebSession).where(
            (WebSession.last_seen_at < now - app.config["SESSION_IDLE_TIMEOUT"])
            | (WebSession.created_at < now - app.config["SESSION_ABSOLUTE_TIMEOUT"])
        )
    )
    return result.rowcount or 0
