"""Demo data of the notifications: what the first morning's `notify-due` would send on
the demo day (the officer's tasks due or overdue), and a word of welcome for the demo
officer (already read) and manager (unread), so that the header shows a count at once."""

from __future__ import annotations

from sqlalchemy import update

from capintra import clock
from capintra.demo import DemoContext
from capintra.extensions import db
from capintra.notifications.due import run_due_notices
from capintra.notifications.models import Notification
from capintra.notifications.services import Notice, notify_many
from capintra.security import Role

#: role → the welcome message (the demo accounts without the admin flag).
WELCOME = {
    Role.OFFICER: (
        "Bienvenue dans capintra : les tâches de vos dossiers qui arrivent à échéance "
        "vous sont signalées ici chaque matin."
    ),
    Role.MANAGER: (
        "Bienvenue dans capintra : les bons de commande à approuver dans votre délégation "
        "vous seront signalés ici."
    ),
}


def load(context: DemoContext) -> None:
    """After every feature's data (last in FEATURES): their producers run for the day."""
    created = run_due_notices(context.today or clock.today())
    users = [u for u in context.created.get("auth", []) if not u.is_admin and u.role in WELCOME]
    created += notify_many(
        Notice(user.id, "welcome", WELCOME[user.role], "/", dedup_key="welcome") for user in users
    )
    officers = [user.id for user in users if user.role == Role.OFFICER]
    if officers:
        db.session.execute(
            update(Notification)
            .where(Notification.user_id.in_(officers), Notification.dedup_key == "welcome")
            .values(read_at=clock.now())
        )
    context.created["notifications"] = created
