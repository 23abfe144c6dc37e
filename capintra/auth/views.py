from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from capintra.audit.service import record_event
from capintra.auth.forms import ChangePasswordForm, LoginForm
from capintra.auth.passwords import verify_password
from capintra.auth.services import PasswordRefused, authenticate, count_failure, set_password
from capintra.auth.sessions import end_user_sessions, purge_expired_sessions
from capintra.extensions import db
from capintra.security import public, require
from capintra.web.htmx import render

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only local paths: '/households/?q=x' yes, '//evil', 'http://evil', '\\evil' no."""
    if not target or len(target) > 2000:
        return url_for("web.dashboard")
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return url_for("web.dashboard")
    return target


def login_refused_message() -> str:
    """The one message of every refused sign-in (unknown name, wrong password, locked or
    deactivated account: nobody learns which), with the lock rule and whom to call."""
    config = current_app.config
    minutes = int(config["LOGIN_LOCK_DURATION"].total_seconds() // 60)
    contact = config["SUPPORT_CONTACT"] or _("l’administrateur de capintra")
    return _(
        "Identifiant ou mot de passe incorrect. Après %(n)d échecs, le compte est verrouillé "
        "%(minutes)d minutes ; en cas de blocage, appelez %(contact)s.",
        n=config["LOGIN_MAX_FAILURES"], minutes=minutes, contact=contact,
    )  # fmt: skip


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()
            session.regenerate()
            login_user(user)
            purge_expired_sessions(current_app)
            db.session.commit()
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")))
        db.session.commit()
        form.form_errors.append(login_refused_message())
        return render("auth/login.html", form=form, status=422)
    status = 422 if request.method == "POST" else 200
    return render("auth/login.html", form=form, status=status)


@bp.post("/logout")
@require("account.manage")
def logout():
    record_event("logout", current_user._get_current_object())
    db.session.commit()
    logout_user()
    # End this session for good (its row deleted); the goodbye message rides a new one.
    session.clear()
    session.regenerate()
    flash(_("Vous êtes déconnecté(e)."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@require("account.manage")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not verify_password(user.password_hash, form.current_password.data):
            # Guesses here count like failed logins: whoever holds an open session
            # cannot try passwords without limit.
            if count_failure(user):
                end_user_sessions(user.id)
                db.session.commit()
                logout_user()
                session.clear()
                flash(_("Trop d’échecs : le compte est verrouillé 15 minutes."), "error")
                return redirect(url_for("auth.login"), 303)
            db.session.commit()
            form.current_password.errors.append(_("Mot de passe actuel incorrect."))
        else:
            try:
                set_password(user, form.new_password.data, must_change=False)
            except PasswordRefused as refused:
                form.new_password.errors.extend(refused.problems)
            else:
                record_event("password_changed", user)
                db.session.commit()
                # Every session ended, this one included: start a fresh one.
                session.clear()
                session.regenerate()
                login_user(user)
                flash(_("Mot de passe modifié. Vos autres sessions ont été fermées."), "success")
                return redirect(url_for("web.dashboard"), 303)
        return render("auth/password.html", form=form, status=422)
    status = 422 if request.method == "POST" else 200
    return render("auth/password.html", form=form, status=status)
