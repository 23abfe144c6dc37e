"""`flask --app capintra anonymise-closed [--dry-run]`: the retention run (cron, or by
hand). It first applies the disposal lists an admin approved (one transaction), then
writes a new draft list of what falls due (another transaction); it destroys nothing
an admin has not approved. `--dry-run` prints both and changes nothing."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from capintra import clock
from capintra.audit.service import record_event
from capintra.extensions import db
from capintra.retention import services
from capintra.retention.models import Category
from capintra.text import ngettext
from capintra.web.formatting import date_fr


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    raise SystemExit(1)


def _echo_planned(planned: list[services.Planned]) -> None:
    for p in planned:
        click.echo(
            f"  {p.reference}  {p.category.label}  "
            + _("clos en %(m)s, échéance %(d)s", m=date_fr(services.month_start(p.closed_at))[3:],
                d=date_fr(services.month_start(p.due))[3:])
        )  # fmt: skip


@click.command("anonymise-closed")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui serait fait, sans rien modifier.")
@click.option(
    "--apply-only",
    is_flag=True,
    help="Applique les bordereaux approuvés sans en établir de nouveau.",
)
@with_appcontext
def anonymise_closed(dry_run: bool, apply_only: bool) -> None:
    """Retention of closed files: apply approved disposal lists, list what falls due."""
    today = clock.today()
    try:
        approved = services.approved_lists()
        if dry_run:
            for disposal in approved:
                lines = services.lines_of(disposal)
                click.echo(
                    ngettext(
                        "Bordereau n° %(id)s approuvé : %(num)d ligne serait appliquée.",
                        "Bordereau n° %(id)s approuvé : %(num)d lignes seraient appliquées.",
                        len(lines),
                        id=disposal.id,
                    )
                )
            planned = services.plan(today)
            click.echo(
                ngettext(
                    "%(num)d ligne serait inscrite sur un nouveau bordereau :",
                    "%(num)d lignes seraient inscrites sur un nouveau bordereau :",
                    len(planned),
                )
            )
            _echo_planned(planned)
            click.echo(_("Simulation : rien n’a été modifié."))
            db.session.rollback()
            return
        _apply(approved)
        planned = [] if apply_only else services.plan(today)
        disposal = services.write_list(planned)
        record_event(
            "retention_run",
            entity_type="disposal_list",
            entity_id=disposal.id if disposal is not None else None,
            changes={"applied_lists": len(approved), "listed_lines": len(planned)},
        )
        db.session.commit()
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        current_app.logger.exception("anonymise-closed failed")
        _fail(
            _("Le passage de conservation a échoué (%(e)s) ; rien de cette étape n’a été "
              "enregistré. Relancez la commande.", e=type(error).__name__)
        )  # fmt: skip
    if disposal is None:
        if not apply_only:
            click.echo(_("Rien n’arrive à échéance : aucun bordereau établi."))
        return
    click.echo(
        ngettext(
            "Bordereau d’élimination n° %(id)s établi (%(num)d ligne), à approuver par un "
            "administrateur dans Administration › Bordereaux ; rien n’est appliqué avant.",
            "Bordereau d’élimination n° %(id)s établi (%(num)d lignes), à approuver par un "
            "administrateur dans Administration › Bordereaux ; rien n’est appliqué avant.",
            len(planned),
            id=disposal.id,
        )
    )
    _echo_planned(planned)


def _apply(approved) -> None:
    """Each approved list in a transaction of its own, with its progress."""
    for disposal in approved:
        lines = services.lines_of(disposal)
        label = _("Bordereau n° %(id)s", id=disposal.id)
        with click.progressbar(length=len(lines), label=label) as bar:
            counts = services.apply_list(disposal, progress=lambda _line: bar.update(1))
        db.session.commit()
        click.echo(
            _(
                "Bordereau n° %(id)s appliqué : %(w)d dossier(s) anonymisé(s), %(n)d "
                "suppression(s) de notes, %(d)d de justificatifs, %(s)d ligne(s) écartée(s) "
                "(dossier rouvert).",
                id=disposal.id,
                w=counts.get(Category.WHOLE_FILE.value, 0),
                n=counts.get(Category.SOCIAL_NOTES.value, 0),
                d=counts.get(Category.SUPPORTING_DOCUMENTS.value, 0),
                s=counts.get("skipped", 0),
            )
        )


def install_command(app: Flask) -> None:
    app.cli.add_command(anonymise_closed)
