"""Commands: flask --app capintra init-db | create-user | seed-demo | demo-accounts |
purge-sessions. `notify-due` belongs to the notifications (capintra/notifications/due.py),
which register it."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from capintra import demo
from capintra.auth.models import User
from capintra.auth.services import create_user
from capintra.auth.sessions import purge_expired_sessions
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.features import features
from capintra.security import Role

DEMO_ACCOUNTS_FILE = "demo-accounts.txt"


def fail(message: str) -> None:
    """A French message saying what to do, never a trace."""
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the schema (Alembic migrations)."""
    try:
        upgrade()
    except Exception as error:  # noqa: BLE001
        current_app.logger.exception("init-db failed")
        fail(
            "La base de données n’a pas pu être créée ou mise à jour "
            f"({type(error).__name__}). Vérifiez CAPINTRA_DATABASE_URL et les droits d’accès."
        )
    click.echo("Base de données à jour.")


@click.command("create-user")
@click.argument("username")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), required=True, help="Rôle du compte."
)
@click.option("--admin", "is_admin", is_flag=True, help="Ajoute le drapeau administrateur.")
@click.option("--password", help="Mot de passe (demandé s’il est absent).")
@click.option("--full-name", default="", help="Nom complet.")
@with_appcontext
def create_user_command(username, role, is_admin, password, full_name) -> None:
    """Create an account."""
    if password is None:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(username, role, password, full_name=full_name, is_admin=is_admin)
    except DomainError as error:
        fail(f"Compte non créé : {error.message}")
    db.session.commit()
    click.echo(
        f"Compte {user.username} créé (rôle {role}{', administrateur' if is_admin else ''})."
    )


def _accounts_path() -> Path:
    return Path(current_app.instance_path) / DEMO_ACCOUNTS_FILE


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


@click.command("seed-demo")
@click.option("--households", default=300, show_default=True, help="Nombre de ménages.")
@with_appcontext
def seed_demo(households: int) -> None:
    """Load realistic demo data (refused unless CAPINTRA_DEMO=1)."""
    if not current_app.config.get("DEMO"):  # CAPINTRA_DEMO=1 (Config.DEMO)
        fail(
            "Refusé : seed-demo ne remplit qu’une base de démonstration. "
            "Définissez CAPINTRA_DEMO=1 si c’est bien le cas."
        )
    if db.session.scalar(select(User).limit(1)) is not None:
        fail(
            "La base contient déjà des comptes : les données de démonstration ne sont "
            "chargées que dans une base vide."
        )
    # Each feature's demo data (capintra/<feature>/demo.py), in FEATURES order, in one
    # transaction: a failure leaves the database empty, so the next `make run` seeds
    # again. The accounts file, written last, marks success.
    context = demo.DemoContext(
        households=households,
        echo=click.echo,
        make_password=lambda: secrets.token_urlsafe(12),
    )
    demo.seed_demo(features(), context)
    _write_private(_accounts_path(), "".join(f"{line}\n" for line in context.accounts))
    click.echo("Données de démonstration chargées.")


@click.command("demo-accounts")
@with_appcontext
def demo_accounts() -> None:
    """Print the demo accounts again: role username password."""
    path = _accounts_path()
    if not path.exists():
        fail("Aucun compte de démonstration : lancez d’abord « make run » (ou seed-demo).")
    click.echo(path.read_text(encoding="utf-8"), nl=False)


@click.command("purge-sessions")
@with_appcontext
def purge_sessions() -> None:
    """Delete expired sessions (idle or too old); for cron."""
    count = purge_expired_sessions(current_app)
    db.session.commit()
    click.echo(f"{count} session(s) expirée(s) supprimée(s).")


def register_commands(app: Flask) -> None:
    for command in (init_db, create_user_command, seed_demo, demo_accounts, purge_sessions):
        app.cli.add_command(command)
