"""How the audit trail names the record an event is about: by its reference (MEN-…,
BC-…, the building's address, the unit's lot), with a link to it — never a table name
and a number when the record's feature says how to name it.

Features declare their namers (`Feature.record_names`: table → a RecordNamer, a query of
the rows' names and how to word them). A page of events costs one query, whatever its
length and its kinds of record: the ids are gathered per table, and the tables' queries
put into one statement (UNION ALL). A row of a household file that has no name of its
own (a note, a letter, a member) is named by its file's reference.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import String, bindparam, cast, null, union_all

from capintra.audit.labels import entity_labels
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.features import NamedRow, RecordNamer, features
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


#: The texts a namer's query may select after the id and the link (NamedRow's a, b, c).
TEXTS = 3


def namers() -> dict[str, RecordNamer]:
    return {table: f for feature in features() for table, f in feature.record_names.items()}


def _shaped(table: str, namer: RecordNamer, ids):
    """The namer's query of `ids` (a bound parameter) in the common shape: table, id,
    link, TEXTS texts."""
    query = namer.query(ids)
    ident, link, *texts = query.selected_columns
    texts = [cast(text, String) for text in texts]
    texts += [null().cast(String)] * (TEXTS - len(texts))
    return query.with_only_columns(
        cast(table, String), ident, link, *texts, maintain_column_froms=True
    )


@functools.lru_cache(maxsize=256)
def _statement(tables: tuple[tuple[str, RecordNamer], ...]):
    """The statement naming the rows of these tables, their ids bound at execution
    (`ids_0`, `ids_1`… in this order): built once per process and combination of
    tables, as building the namers' queries took longer than running them (1.1 ms of a
    page of the trail)."""
    parts = [
        _shaped(table, namer, bindparam(f"ids_{n}", expanding=True))
        for n, (table, namer) in enumerate(tables)
    ]
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _names(found: dict[str, RecordNamer], wanted: dict[str, set[int]]) -> dict[str, dict]:
    """table → {id: (name, url)} for the ids wanted: one statement for every table."""
    tables = sorted(table for table, ids in wanted.items() if ids)
    names: dict[str, dict] = defaultdict(dict)
    if not tables:
        return names
    statement = _statement(tuple((table, found[table]) for table in tables))
    ids = {f"ids_{n}": sorted(wanted[table]) for n, table in enumerate(tables)}
    for table, *values in db.session.execute(statement, ids):
        row = NamedRow(*values)
        names[table][row.id] = found[table].name(row)
    return names


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
    names = _names(found, wanted)
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
