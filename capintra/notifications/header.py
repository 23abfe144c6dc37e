"""The unread count in the page header (base.html), offered to every template by a
context processor. It is a function the header calls, so a page costs one count query
and a fragment none; anonymous visitors, people who must first change their password
and error pages get no count, and no query."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from capintra.notifications.services import UNREAD_SHOWN, unread_count
from capintra.web.errors import is_error_page


def unread_notifications() -> int | None:
    """The signed-in person's unread count; None where the header shows no link."""
    if is_error_page() or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return None
    return unread_count(current_user.id)


def install_header(app: Flask) -> None:
    @app.context_processor
    def notifications_in_header() -> dict:
        return {"unread_notifications": unread_notifications, "unread_shown": UNREAD_SHOWN}
