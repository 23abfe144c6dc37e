"""`flask --app capintra purge-access-log [--dry-run]`: the access traces are kept 12 months.

DESIGN §1 traces every access to personal data (who opened which file, read which
confidential note, downloaded which document, signed in or failed to); §5 keeps
personal data no longer than needed, and the data-protection authority's reference for
social support keeps such traces for a limited time. So the access events older than 12
months are deleted, and only they: the changes (creation, edits, deletions, phase
moves, order transitions, account changes, imports, merges…) stay with their record for
as long as the record lives, and the exports stay too (a copy of personal data that left
the application: whoever answers for it may need to know, later, who took it).

The run is one transaction: it opens the append-only trail through
`audit_maintenance()` (capintra/audit/maintenance.py), deletes by batches (with
progress), records its own run as an event (`access_log_purged`, with the count and the
cut-off date) and commits; any error rolls all of it back. For cron, once a month.
"""

from __future__ import annotations

from datetime import date, datetime, time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from capintra import clock
from capintra.audit.classification import classification
from capintra.audit.maintenance import audit_maintenance
from capintra.audit.models import AuditEvent
from capintra.audit.service import record_event
from capintra.extensions import db
from capintra.text import lazy_gettext as _l
from capintra.text import ngettext
from capintra.web.formatting import date_fr, number_fr

#: The actions that trace an access, not a change (every one written by record_event):
#: a household file opened, a confidential note or document read, a document downloaded,
#: a sign-in, a refused sign-in, a sign-out.
ACCESS_ACTIONS: tuple[str, ...] = (
    "open",
    "read_confidential",
    "download",
    "login",
    "login_failed",
    "logout",
)
#: Rows deleted per statement (progress is shown between them).
BATCH = 5000

ACTION = "access_log_purged"
ACTION_LABEL = _l("Purge du journal des accès")


def cutoff(today: date) -> datetime:
    """The first instant kept (access events are kept 12 months): midnight (Paris) of
    the same day a year earlier (28 February for a 29 February)."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = date(today.year - 1, 2, 28)
    return datetime.combine(year_ago, time(0), tzinfo=clock.PARIS)


def _old_access(before: datetime):
    return (AuditEvent.action.in_(ACCESS_ACTIONS), AuditEvent.at < before)


def count_old_access(before: datetime) -> dict[str, int]:
    """Action → how many access events older than `before` (one grouped statement)."""
    rows = db.session.execute(
        select(AuditEvent.action, func.count())
        .where(*_old_access(before))
        .group_by(AuditEvent.action)
    )
    return dict(rows.tuples().all())


def _breakdown(counts: dict[str, int]) -> None:
    """One line per action, in French, in ACCESS_ACTIONS order."""
    labels = classification().actions
    for action in ACCESS_ACTIONS:
        if counts.get(action):
            click.echo(f"  – {labels.get(action, action)} : {number_fr(counts[action])}")


def purge_access_log(before: datetime, progress=None) -> int:
    """Delete the access events older than `before`, in the caller's transaction (not
    committed), and record the run; returns how many were deleted. `progress(done)` is
    called after each batch."""
    deleted, after = 0, 0
    with audit_maintenance():
        while True:  # by batches of ids, in id order (each batch starts where one ended)
            ids = db.session.scalars(
                select(AuditEvent.id)
                .where(*_old_access(before), AuditEvent.id > after)
                .order_by(AuditEvent.id)
                .limit(BATCH)
            ).all()
            if not ids:
                break
            result = db.session.execute(
                delete(AuditEvent)
                .where(AuditEvent.id.in_(ids))
                .execution_options(synchronize_session=False)
            )
            deleted += result.rowcount
            after = ids[-1]
            if progress is not None:
                progress(deleted)
    record_event(
        ACTION,
        changes={
            str(_l("Événements supprimés")): [None, deleted],
            str(_l("Antérieurs au")): [None, before.date().isoformat()],
        },
    )
    db.session.flush()
    return deleted


def _failed(error: Exception) -> None:
    db.session.rollback()
    current_app.logger.error("purge-access-log failed: %s", type(error).__name__)
    click.secho(
        _(
            "Le journal des accès n’a pas pu être purgé (%(error)s) ; rien n’a été "
            "supprimé. Vérifiez que la base est à jour (init-db), puis relancez la commande.",
            error=type(error).__name__,
        ),
        fg="red",
        err=True,
    )
    raise SystemExit(1) from None


@click.command("purge-access-log")
@click.option(
    "--dry-run", is_flag=True, help="Compte les événements à supprimer sans rien supprimer."
)
@with_appcontext
def purge_access_log_command(dry_run: bool) -> None:
    """Delete the access events older than 12 months; for cron, once a month."""
    before = cutoff(clock.today())
    day = date_fr(before.date())
    try:
        counts = count_old_access(before)
    except Exception as error:  # noqa: BLE001
        _failed(error)
    total = sum(counts.values())
    if dry_run:
        db.session.rollback()
        click.echo(
            ngettext(
                "%(count)s événement d’accès antérieur au %(day)s serait supprimé "
                "(simulation : rien n’a été supprimé).",
                "%(count)s événements d’accès antérieurs au %(day)s seraient supprimés "
                "(simulation : rien n’a été supprimé).",
                total,
                count=number_fr(total),
                day=day,
            )
        )
        _breakdown(counts)
        return

    def progress(done: int) -> None:
        if total > BATCH:
            click.echo(_("%(done)s / %(total)s supprimés…", done=number_fr(done),
                         total=number_fr(total)))  # fmt: skip

    try:
        deleted = purge_access_log(before, progress)
        db.session.commit()
    except Exception as error:  # noqa: BLE001
        _failed(error)
    click.echo(
        ngettext(
            "%(count)s événement d’accès antérieur au %(day)s supprimé.",
            "%(count)s événements d’accès antérieurs au %(day)s supprimés.",
            deleted,
            count=number_fr(deleted),
            day=day,
        )
        + " "
        + _("Les événements de modification sont conservés.")
    )
    if deleted == total:  # else someone's events aged meanwhile: the count alone is right
        _breakdown(counts)


def install_command(app: Flask) -> None:
    app.cli.add_command(purge_access_log_command)
