"""The stale-edit screen: a save refused because someone changed the record meanwhile.

The user's input is kept; the screen says how many fields changed since the version the
form showed, who changed them and when (from the audit trail), and shows the current
value only under those fields, in words ("Opération : ORI Rive-de-Gier", never "2").
Every edit form of every feature uses it: the view builds `stale_view(record, version
the form carried)` and the form macros read it (templates/_macros/forms.html).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from flask_babel import gettext as _

from capintra.audit.classification import classification
from capintra.audit.queries import shown_changes, updates_since
from capintra.web.formatting import date_fr, money


@dataclass(frozen=True)
class Stale:
    """A record as it is now, and what changed in it since the form was shown.

    `fields` None: the changes are not known (no trail for them): every field whose
    current value differs from what was typed shows it.
    """

    record: Any
    fields: frozenset[str] | None = None
    by: tuple[str, ...] = ()
    at: dt.datetime | None = None
    labels: tuple[str, ...] = field(default=())

    @property
    def count(self) -> int:
        return len(self.labels)

    def shows(self, form_field: Any) -> bool:
        """Whether the current value goes under this field of the form."""
        name = form_field.name
        if name not in self.record.__table__.columns:
            return False
        if self.fields is not None:
            return name in self.fields
        return _comparable(getattr(self.record, name)) != _comparable(form_field.data)

    def current(self, form_field: Any) -> str:
        """The field's current value as the user reads it: the choice's label for a
        select (never an id), oui/non, a French date or amount."""
        value = getattr(self.record, form_field.name)
        if value is not None and hasattr(form_field, "shown"):
            return form_field.shown(value)  # a field that knows how its values read
        choices = getattr(form_field, "choices", None)
        if choices and isinstance(value, list | tuple):  # several choices (checkboxes)
            labels = {_comparable(c[0]): str(c[1]) for c in choices}
            return ", ".join(labels.get(_comparable(v), str(v)) for v in value) or "—"
        if choices:
            wanted = _comparable(value)
            for choice in choices:
                choice_value, label = choice[0], choice[1]
                if _comparable(choice_value) == wanted:
                    return str(label)
        return display(form_field.name, value)


def _comparable(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    return "" if value is None else str(value)


def display(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name.endswith("_cents"):
        return money(value)
    if value is True:
        return _("oui")
    if value is False:
        return _("non")
    if hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, dt.date):
        return date_fr(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def stale_view(record: Any, shown_version: Any, *, sensitive: bool) -> Stale:
    """What changed in `record` since `shown_version` (the version the form carried), as
    the reader may see it: `sensitive` says whether they may read the names of sensitive
    fields (the audit trail's rule)."""
    try:
        since = int(shown_version)
    except (TypeError, ValueError):
        return Stale(record)
    events = updates_since(record, since)
    if not events:
        return Stale(record)
    table = record.__tablename__
    names: dict[str, None] = {}
    people: dict[str, None] = {}
    for event in events:
        for name in shown_changes(event, sensitive):
            names[name] = None
        people[event.user.display_name if event.user else _("quelqu’un")] = None
    classes = classification()
    labels = []
    for name in names:
        shown, label = classes.field_label(table, name)
        if shown:
            labels.append(str(label))
    return Stale(
        record,
        fields=frozenset(names),
        by=tuple(people),
        at=max(event.at for event in events),
        labels=tuple(labels),
    )
