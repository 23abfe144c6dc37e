"""capintra: the intranet of the social-missions team."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select

from capintra import database, features, text
from capintra.auth.models import User
from capintra.auth.sessions import DatabaseSessionInterface, session_user
from capintra.cli import register_commands
from capintra.confidentiality import may_read_field
from capintra.config import Config, _instance_secret
from capintra.extensions import babel, csrf, db, htmx, login_manager, migrate
from capintra.security import can, enforce_access, roles_of
from capintra.text import ngettext
from capintra.web import pages
from capintra.web.errors import register_error_handlers
from capintra.web.formatting import register_filters
from capintra.web.headers import register_headers
from capintra.web.routing import register_converters, static_url, url_maker

ROOT = Path(__file__).resolve().parent.parent

#: The features, in the order their blueprints are registered: each is a folder with a
#: feature.py (capintra.features). Adding a feature adds a line here, nothing else.
FEATURES = (
    "capintra.web",
    "capintra.auth",
    "capintra.admin",
    "capintra.audit",
    "capintra.organisations",
    "capintra.households",
    "capintra.documents",
    "capintra.buildings",
    "capintra.imports",
    "capintra.orders",
    "capintra.relocation",
    "capintra.committee",
    "capintra.reports",
    "capintra.backup",
    "capintra.subject_access",
    "capintra.retention",
    # Shared, but last: its demo loader runs the other features' daily notices.
    "capintra.notifications",
)


def _sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'capintra.db'}"


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("CAPINTRA_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _sqlite_url(instance)
    database.private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(instance / "uploads")

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    _configure_logging(app)
    _init_extensions(app)
    _register_features(app)
    return app


def _configure_logging(app: Flask) -> None:
    # SQL errors are logged without their parameters (hide_parameters on the engine).
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)


def _init_extensions(app: Flask) -> None:
    register_converters(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    app.session_interface = DatabaseSessionInterface()

    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions are server-side and rotated at login

    # Built once (a built statement keeps its cache key): asked at every request.
    user_by_id = select(User).where(User.id == bindparam("user_id"))

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = session_user(user_id) or db.session.scalar(user_by_id, {"user_id": user_id})
        return user if user is not None and user.active else None

    # Write intent first (see capintra.database); access is checked before CSRF so an
    # anonymous POST is sent to the login page.
    database.init_app(app)
    app.before_request(enforce_access)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=lambda: "fr", timezone_selector=lambda: "Europe/Paris")
    # The templates' translations with the request's catalogue looked up once, and _()
    # of a text without variables formatted once (capintra.text).
    app.jinja_env.install_gettext_callables(
        gettext=text.gettext,
        ngettext=lambda s, p, n: text.request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: text.request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: text.request_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        _=text.template_gettext,
        gettext=text.template_gettext,
        text_around=text.template_text_around,
    )

    register_error_handlers(app)
    register_headers(app)
    register_filters(app)

    menus: dict[tuple, tuple] = {}

    def nav_items():
        """The menu's entries the person may open: (url, label, active) — active: the
        current page belongs to the entry's blueprint. Built once per process for each
        set of roles, section, script root and catalogue (what it depends on), not on
        every page."""
        section = (request.endpoint or "").partition(".")[0]
        key = (roles_of(current_user), section, request.script_root, text.request_translations())
        items = menus.get(key)
        if items is None:
            items = tuple(
                (
                    url_for(item.endpoint),
                    text.translated(item.label),
                    bool(section) and item.endpoint.partition(".")[0] == section,
                )
                for item in features.navigation()
                if can(item.capability)
            )
            if len(menus) > 512:  # (sections × roles: never, unless script roots vary)
                menus.clear()
            menus[key] = items
        return items

    # ngettext: French plural forms (capintra.text) in place of the i18n extension's.
    app.jinja_env.globals.update(
        can=can,
        shows=may_read_field,
        nav_items=nav_items,
        ngettext=ngettext,
        url_maker=url_maker,
        static_url=static_url,
    )


def _register_features(app: Flask) -> None:
    # FEATURES in the configuration: the tests add a throw-away feature folder this way.
    features.install(app, features.load(app.config.get("FEATURES") or FEATURES))
    pages.install(app)
    register_commands(app)
