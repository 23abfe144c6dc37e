"""The daily notices: `flask --app capintra notify-due`, run by cron each morning.

Every feature's producers (`Feature.due_notices`) run for today's date (Europe/Paris), in
one transaction. Each notifies with a dedup key naming the thing and its date, so a
second run the same day, or the next day about the same thing, creates nothing.
"""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from capintra import clock
from capintra.extensions import db
from capintra.features import declared
from capintra.text import ngettext


def run_due_notices(day: date) -> int:
    """Every feature's producers for `day`, in the caller's transaction (not committed);
    returns how many notifications they created."""
    return sum(producer(day) for producer in declared("due_notices"))


@click.command("notify-due")
@with_appcontext
def notify_due() -> None:
    """Notify what falls due (tasks…); for cron, once a day."""
    try:
        created = run_due_notices(clock.today())
        db.session.commit()
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        current_app.logger.exception("notify-due failed")
        click.secho(
            "Les notifications n’ont pas pu être créées "
            f"({type(error).__name__}) ; rien n’a été enregistré. Relancez la commande.",
            fg="red",
            err=True,
        )
        raise SystemExit(1) from None
    click.echo(ngettext("%(num)d notification créée.", "%(num)d notifications créées.", created))


def install_command(app: Flask) -> None:
    app.cli.add_command(notify_due)
