"""Signals between features: one feature says what happened, another answers, and
neither imports the other (blinker, like Flask's own signals; `docs/architecture.md`).

A signal is sent with the application as sender, inside the request's transaction: what
a receiver writes is committed, or rolled back, with the change that caused it; a
receiver that raises a DomainError refuses the whole action (409). A feature connects
its receivers in its `Feature.setup` hook, for that application only::

    household_split.connect(give_hosted_period, sender=app)
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A member left a household to form a household of their own (a split, décohabitation:
#: `households.services.split_member`), after the new file is flushed. Keyword
#: arguments: `original` and `new` (Household), `day` (date of the split).
household_split = _signals.signal("household-split")
