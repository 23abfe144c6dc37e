"""Notifications: the signed-in person's list (/notifications/), the unread count in the
page header, and the daily notices (`flask notify-due`) the features produce."""

from capintra.features import Feature
from capintra.notifications import demo
from capintra.notifications.due import install_command
from capintra.notifications.header import install_header
from capintra.notifications.models import Notification
from capintra.notifications.views import bp

FEATURE = Feature(
    name="notifications",
    blueprints=((bp, "/notifications"),),
    models=(Notification,),
    setup=(install_header, install_command),
    # Messages to one person, not records of the file: marking one read is no event.
    not_audited=(Notification,),
    demo=demo.load,
)
