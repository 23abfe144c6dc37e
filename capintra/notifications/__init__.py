"""In-app notifications (DESIGN §2 « Notification »): short French messages addressed to
one person, with a link, read or unread, counted in the page header.

A shared package, like documents: it imports no feature. Features write notifications
through `services.notify` in their own transaction (an order submitted, a task due) and
declare the producers of the daily notices (`Feature.due_notices`) that `flask
notify-due` runs (`due.py`).
"""
