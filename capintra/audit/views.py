"""The audit trail (`/audit/`): managers and admins, filtered, a page of 100 events at a
time (keyset on the id), and its CSV export — itself an audit event."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from flask_babel import gettext as _
from sqlalchemy import select

from capintra import clock
from capintra.audit.labels import action_labels, entity_labels, present_changes
from capintra.audit.models import AuditEvent
from capintra.audit.naming import name_records
from capintra.audit.queries import (
    TrailFilters,
    readable,
    recent_events,
    shown_changes,
    trail_query,
)
from capintra.audit.service import record_event
from capintra.confidentiality import hidden_rules, rules
from capintra.database import writes
from capintra.extensions import db
from capintra.security import can, require
from capintra.text import translated
from capintra.web.exports import csv_bytes, csv_response
from capintra.web.formatting import datetime_fr
from capintra.web.htmx import render
from capintra.web.routing import db_id

bp = Blueprint("audit", __name__)

PAGE = 100
#: The most events one CSV export holds (a narrower filter for more).
EXPORT_LIMIT = 50_000


def _day(value: str) -> date:
    """JJ/MM/AAAA as typed, or AAAA-MM-JJ as a date field sends it; ValueError for
    anything else, years outside 1990 … 2200 included (the trail holds none)."""
    try:
        if "/" in value:
            day, month, year = value.split("/")
            found = date(int(year), int(month), int(day))
        else:
            found = date.fromisoformat(value)
    except OverflowError as error:
        raise ValueError(value) from error
    if not 1990 <= found.year <= 2200:
        raise ValueError(value)
    return found


def _household_id(reference: str) -> int | None:
    """The file bearing this reference. The trail imports no feature: it reads the
    household table through the metadata (its name is the household file's contract)."""
    table = db.metadata.tables["household"]
    return db.session.scalar(select(table.c.id).where(table.c.reference == reference))


def filters_asked() -> tuple[TrailFilters, dict[str, str], list[str]]:
    """The filters of the query string, the values as typed (to show them again), and
    the French messages about those that cannot be used."""
    args = {
        name: request.args.get(name, "").strip()
        for name in ("user", "entity", "action", "from", "to", "household")
    }
    errors: list[str] = []
    user_id = None
    if args["user"]:
        try:
            user_id = db_id(args["user"])
        except ValueError:
            errors.append(_("Choisissez la personne dans la liste."))
    entity = args["entity"] or None
    if entity and entity not in entity_choices():
        errors.append(_("Choisissez le type d’élément dans la liste."))
    action = args["action"] or None
    if action and action not in action_choices():
        errors.append(_("Choisissez l’action dans la liste."))
    days = {}
    for name, label in (("from", _("Du")), ("to", _("Au"))):
        days[name] = None
        if args[name]:
            try:
                days[name] = _day(args[name])
            except ValueError:
                errors.append(
                    _("« %(field)s » : saisissez une date au format JJ/MM/AAAA.", field=label)
                )
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors.append(_("La date de début doit précéder la date de fin."))
    household_id = None
    if args["household"]:
        household_id = _household_id(args["household"].upper())
        if household_id is None:
            errors.append(
                _(
                    "Aucun dossier ne porte la référence « %(ref)s » : vérifiez-la "
                    "(par exemple MEN-2026-0001).",
                    ref=args["household"],
                )
            )
    found = TrailFilters(
        user_id=user_id,
        entity_type=entity,
        action=action,
        start=days["from"],
        end=days["to"],
        household_id=household_id,
    )
    return found, args, errors


def actor_of(event: AuditEvent) -> str:
    """Who did it, in French; a failed login was done by nobody known: it names the
    identifier tried (only when it is an account's: an unknown one is not kept, it may
    be a password typed in the wrong field)."""
    if event.action == "login_failed":
        if event.user is not None:
            return _("tentative pour l’identifiant %(username)s", username=event.user.username)
        return _("tentative pour un identifiant inconnu")
    return event.user.display_name if event.user else "—"


def _users() -> list[tuple[int, str]]:
    table = db.metadata.tables["user_account"]
    rows = db.session.execute(select(table.c.id, table.c.username).order_by(table.c.username)).all()
    return [(row.id, row.username) for row in rows]


#: Actions recorded only about content confidential at that moment (a confidential note
#: or document read): every such event is hidden from who may not read the trail's
#: confidential content, so for them the action does not exist either.
CONFIDENTIAL_ACTIONS = frozenset({"read_confidential"})


def action_choices() -> dict:
    """The actions the reader may filter on: a sharing (« Note partagée ») is how those
    who could not see the item read the update that shared it; whoever sees everything
    reads that update as it is, and only they filter on confidential reads."""
    labels = action_labels()
    if not can("audit.confidential"):
        return {
            action: label for action, label in labels.items() if action not in CONFIDENTIAL_ACTIONS
        }
    shared = {rule.shared_action for rule in rules() if rule.shared_action}
    return {action: label for action, label in labels.items() if action not in shared}


def entity_choices() -> dict:
    """The kinds of record the reader may filter on: not those whose every row is hidden
    from them (a household's partners, for managers: they do not exist for them)."""
    labels = entity_labels()
    if can("audit.confidential"):
        return labels
    hidden = {rule.entity_type for rule in hidden_rules() if rule.always}
    return {table: label for table, label in labels.items() if table not in hidden}


def _choices(labels: dict) -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in labels.items()), key=lambda c: c[1])


@bp.get("/")
@require("audit.view")
def index():
    confidential = can("audit.confidential")
    filters, typed, errors = filters_asked()
    before = request.args.get("before", type=db_id)
    events, next_before = [], None
    if not errors:
        events, next_before = recent_events(
            confidential=confidential, before_id=before, limit=PAGE, filters=filters
        )
    return render(
        "audit/index.html",
        partial="audit-rows",
        status=422 if errors else 200,
        **_page_context(typed, errors, confidential, events, next_before),
    )


def _page_context(typed, errors, confidential, events=(), next_before=None) -> dict:
    events = list(events)
    return {
        "events": events,
        "names": name_records(events),
        "next_before": next_before,
        "query": {k: v for k, v in typed.items() if v},
        "typed": typed,
        "errors": errors,
        "users": _users(),
        "actions": _choices(action_choices()),
        "entities": _choices(entity_choices()),
        "action_labels": {k: translated(v) for k, v in action_labels().items()},
        "actor_of": actor_of,
        "present": lambda e: present_changes(e, shown_changes(e, confidential)),
    }


@bp.get("/export.csv")
@require("audit.view")
@writes
def export():
    """The filtered events as CSV (what the page shows, every page of it); the export
    is itself an event, committed with the file's answer."""
    confidential = can("audit.confidential")
    filters, typed, errors = filters_asked()
    if errors:
        return index()
    query = trail_query(filters, confidential=confidential).limit(EXPORT_LIMIT + 1)
    events = readable(list(db.session.scalars(query)), confidential)
    if len(events) > EXPORT_LIMIT:
        return render(
            "audit/index.html",
            status=422,
            **_page_context(
                typed,
                [
                    _(
                        "Plus de %(n)s événements : resserrez les filtres (une période plus "
                        "courte, une personne, un dossier) pour les exporter.",
                        n=EXPORT_LIMIT,
                    )
                ],
                confidential,
            ),
        )
    names = name_records(events)
    labels = action_labels()
    rows = []
    for event in events:
        record = names[event.id]
        fields = [
            f"{label} : {old} → {new}" if has_values else label
            for label, old, new, has_values in present_changes(
                event, shown_changes(event, confidential)
            )
        ]
        rows.append(
            [
                datetime_fr(event.at),
                actor_of(event),
                str(labels.get(event.shown_action, event.shown_action)),
                record.kind,
                record.name or "",
                " ; ".join(fields) if event.action != "create" else "",
                event.ip or "",
            ]
        )
    header = [_("Date"), _("Par"), _("Action"), _("Élément"), _("Référence"), _("Champs"),
              _("Adresse IP")]  # fmt: skip
    body = csv_bytes(header, rows)
    record_event(
        "export",
        changes={
            "export": [None, "audit"],
            "format": [None, "csv"],
            "rows": [None, len(rows)],
            "filters": [None, {k: v for k, v in typed.items() if v}],
        },
    )
    db.session.commit()
    return csv_response(body, f"journal-audit-{clock.today().isoformat()}.csv")
