"""The whole access policy: which roles hold which capability.

Views declare a capability with @require; one before-request hook refuses every
endpoint that declares none and is not public (deny by default). Templates call
can() only to decide what to show; loaders check objects (hidden → 404).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user

from capintra.text import lazy_gettext as _l

if TYPE_CHECKING:
    from capintra.auth.models import User


class Role(enum.StrEnum):
    OFFICER = "officer"
    ASSISTANT = "assistant"
    MANAGER = "manager"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.OFFICER: _l("Chargé(e) de missions sociales"),
    Role.ASSISTANT: _l("Assistante opérationnelle"),
    Role.MANAGER: _l("Responsable de projets"),
}

#: The admin flag sits on top of a role and adds the capabilities listed for ADMIN.
ADMIN = "admin"

ASST, OFFR, MGR = Role.ASSISTANT, Role.OFFICER, Role.MANAGER

#: capability → the roles (and ADMIN) that hold it. DESIGN §1.
CAPABILITIES: dict[str, frozenset[str]] = {
    # every signed-in person
    "dashboard.view": frozenset({ASST, OFFR, MGR}),
    "account.manage": frozenset({ASST, OFFR, MGR}),
    # households
    "household.view": frozenset({ASST, OFFR, MGR}),
    "household.edit": frozenset({ASST, OFFR}),
    "household.confidential": frozenset({OFFR}),
    # resources, rent, benefits, arrears, partners: not managers (DESIGN §1)
    "household.finances": frozenset({ASST, OFFR}),
    "household.social": frozenset({OFFR}),
    # the right-of-access export: everything held on a file, confidential notes included
    "household.export": frozenset({OFFR}),
    # a closed file's relocation evidence, kept 5 years in a restricted archive (§5)
    "household.archive": frozenset({OFFR, ADMIN}),
    "document.view": frozenset({ASST, OFFR, MGR}),
    # buildings and occupancy
    "building.view": frozenset({ASST, OFFR, MGR}),
    "building.edit": frozenset({ASST, OFFR}),
    # the organisations directory: admins keep it; assistants and officers add an
    # organisation where they need one (partners, import, later offers)
    "organisation.add": frozenset({ASST, OFFR}),
    # orders
    "order.view": frozenset({ASST, OFFR, MGR}),
    "order.draft": frozenset({ASST, OFFR, MGR}),
    "order.approve": frozenset({MGR}),
    "order.record": frozenset({ASST, MGR}),
    "order.attest": frozenset({OFFR, MGR}),
    # reports, audit, administration
    "report.view": frozenset({OFFR, MGR}),
    "audit.view": frozenset({MGR, ADMIN}),
    "audit.confidential": frozenset({ADMIN}),
    "retention.run": frozenset({ADMIN}),
    "admin.manage": frozenset({ADMIN}),
}

#: Marker for endpoints anyone may reach (login page, health check, static files).
PUBLIC = "public"


def roles_of(user: User | Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    roles = {str(user.role)}
    if user.is_admin:
        roles.add(ADMIN)
    return frozenset(roles)


def user_can(user: User | Any, capability: str) -> bool:
    allowed = CAPABILITIES.get(capability)
    if allowed is None:
        raise KeyError(f"unknown capability {capability!r}")
    return bool(roles_of(user) & allowed)


def can(capability: str) -> bool:
    """True when the current user holds the capability. Objects are checked where they
    are loaded (404 when hidden), confidential items by capintra.confidentiality."""
    return user_can(current_user, capability)


def require(capability: str) -> Callable:
    """Declare the capability a view needs; the before-request hook enforces it."""
    if capability != PUBLIC and capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    return require(PUBLIC)(view)


def endpoint_capability(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "capability", None)


#: Endpoints a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = {"auth.change_password", "auth.logout", "static"}


def unauthenticated_response():
    """Anonymous: 302 to the login page, or 401 + HX-Redirect for htmx (DESIGN §4)."""
    login_url = url_for("auth.login")
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    target = request.full_path if request.method == "GET" else None
    if target and target.rstrip("?") != "/":
        return redirect(url_for("auth.login", next=target.rstrip("?")))
    return redirect(login_url)


def enforce_access():
    """before_request: deny by default."""
    if request.endpoint is None:  # no route: the 404/405 handlers answer
        return None
    capability = endpoint_capability(request.endpoint)
    if capability == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return unauthenticated_response()
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        if request.headers.get("HX-Request") == "true":
            response = make_response("", 204)
            response.headers["HX-Redirect"] = url_for("auth.change_password")
            return response
        return redirect(url_for("auth.change_password"))
    if capability is None:
        current_app.logger.error("endpoint %s declares no capability: refused", request.endpoint)
        abort(403)
    if not user_can(current_user, capability):
        abort(403)
    return None
