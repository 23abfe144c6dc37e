"""`flask backup PATH [--force]` and `flask restore PATH` (see capintra.backup.archive)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from capintra.backup.archive import BackupError, create_backup, restore_backup
from capintra.cli import fail
from capintra.text import ngettext


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Remplace l’archive si elle existe déjà.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Save the database and the documents in one archive (mode 600); for cron."""
    try:
        manifest = create_backup(path, force=force, echo=click.echo)
    except BackupError as error:
        fail(error.message)
    except Exception as error:  # noqa: BLE001
        current_app.logger.exception("backup failed")
        fail(
            _(
                "La sauvegarde a échoué (%(error)s) ; aucune archive n’a été écrite. "
                "Vérifiez la place disque et les droits sur le dossier, puis relancez.",
                error=type(error).__name__,
            )
        )
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    documents = len(manifest["files"]) - 1
    click.echo(
        _(
            "Sauvegarde écrite : %(path)s (%(tables)s, %(rows)s, %(documents)s ; "
            "révision %(revision)s).",
            path=path.expanduser().absolute(),
            tables=ngettext("%(num)d table", "%(num)d tables", len(manifest["tables"])),
            rows=ngettext("%(num)d ligne", "%(num)d lignes", rows),
            documents=ngettext("%(num)d document", "%(num)d documents", documents),
            revision=manifest["alembic_revision"],
        )
    )


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore an archive of `flask backup` into an empty installation."""
    try:
        report = restore_backup(path, echo=click.echo)
    except BackupError as error:
        fail(error.message)
    except Exception as error:  # noqa: BLE001
        current_app.logger.exception("restore failed")
        fail(
            _(
                "La restauration a échoué (%(error)s). La base cible peut être incomplète : "
                "videz-la (base et dossier des documents) avant de relancer.",
                error=type(error).__name__,
            )
        )
    if report.differences:
        for table, (expected, found) in report.differences.items():
            click.secho(
                _(
                    "Table %(table)s : attendu %(expected)s, trouvé %(found)s.",
                    table=table,
                    expected=_describe(expected),
                    found=_describe(found),
                ),
                fg="red",
                err=True,
            )
        fail(
            _(
                "La base restaurée diffère de la sauvegarde pour %(count)d table(s) : ne "
                "l’utilisez pas ; videz-la et relancez, ou prenez une autre sauvegarde.",
                count=len(report.differences),
            )
        )
    click.echo(
        _(
            "Restauration vérifiée : %(tables)s et %(rows)s identiques à la sauvegarde, "
            "%(documents)s.",
            tables=ngettext("%(num)d table", "%(num)d tables", report.tables),
            rows=ngettext("%(num)d ligne", "%(num)d lignes", report.rows),
            documents=ngettext(
                "%(num)d document restauré", "%(num)d documents restaurés", report.documents
            ),
        )
    )
    if report.revision != report.head:
        click.secho(
            _(
                "La sauvegarde est à la révision %(revision)s du schéma, le code à la "
                "révision %(head)s : lancez « flask init-db » pour mettre la base à jour "
                "avant de démarrer l’application.",
                revision=report.revision,
                head=report.head,
            ),
            fg="yellow",
        )


def _describe(entry) -> str:
    if entry is None:
        return _("absente")
    return ngettext("%(num)d ligne", "%(num)d lignes", entry["rows"]) + f" ({entry['sha256'][:12]})"


def install_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
