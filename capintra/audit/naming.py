"""How the audit trail names the record an event is about: by its reference (MEN-…,
BC-…, the building's address, the unit's lot), with a link to it — never a table name
and a number when the record's feature says how to name it.

Features declare their namers (`Feature.record_names`: table → a function of a set of
ids). A page of events costs one query per table named, whatever its length: the ids
are gathered per table and looked up together. A row of a household file that has no
name of its own (a note, a letter, a member) is named by its file's reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from capintra.audit.labels import entity_labels
from capintra.audit.models import AuditEvent
from capintra.features import features
from capintra.text import translated

#: The table whose namer names a household file (an event's `household_id`).
HOUSEHOLD = "household"


@dataclass(frozen=True)
class RecordName:
    """What the trail shows of an event's record: the table's French label, the record's
    name (None: only the label, e.g. an export) and a link (None: no page to go to)."""

    kind: str
    name: str | None
    url: str | None


def namers() -> dict:
    return {table: f for feature in features() for table, f in feature.record_names.items()}


def name_records(events: Iterable[AuditEvent]) -> dict[int, RecordName]:
    """event id → the name of its record, with a fixed number of queries per page."""
    events = list(events)
    found = namers()
    labels = entity_labels()
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.entity_type in found and event.entity_id is not None:
            wanted[event.entity_type].add(event.entity_id)
        if event.household_id is not None and HOUSEHOLD in found:
            wanted[HOUSEHOLD].add(event.household_id)
    names = {table: found[table](ids) for table, ids in wanted.items() if ids}
    households = names.get(HOUSEHOLD, {})
    result = {}
    for event in events:
        kind = translated(labels.get(event.entity_type, "")) if event.entity_type else ""
        own = names.get(event.entity_type or "", {}).get(event.entity_id)
        if own is not None:
            name, url = own
            result[event.id] = RecordName(kind, name, url)
        elif event.household_id in households:
            # a member, a note, a letter…: named by its file
            name, url = households[event.household_id]
            result[event.id] = RecordName(kind, name, url)
        elif event.entity_id is not None:  # gone (purged), or a table without a namer
            result[event.id] = RecordName(kind, _("n° %(id)s", id=event.entity_id), None)
        else:
            result[event.id] = RecordName(kind, None, None)
    return result
