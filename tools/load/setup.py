"""The load test's database: reset, migrated, seeded with the demo data at scale, and the
simulated users' accounts (with the signing delegations the managers approve with).

Imported by tools/load/run.py only (never by the locustfile: it runs under gevent).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from capintra import clock, create_app, demo
from capintra.auth.models import User
from capintra.auth.passwords import hash_password
from capintra.extensions import db
from capintra.features import features
from capintra.orders.models import Amendment, Lot, SigningDelegation
from capintra.security import Role

#: Share of the simulated users per role (the rest are assistants).
ROLE_SHARES = {Role.OFFICER: 0.40, Role.MANAGER: 0.15}

#: A load contract's lots never reach their legal maximum during a run: every approval
#: the managers attempt is judged on delegation and conflicts, not on the ceiling.
LOAD_MAXIMUM_CENTS = 500_000_000_00


@dataclass(frozen=True)
class Account:
    role: str
    username: str


def accounts_for(users: int) -> list[Account]:
    """`users` accounts: officers and managers by ROLE_SHARES (at least one of each, and
    two managers so that approvals can conflict), the rest assistants."""
    officers = max(1, round(users * ROLE_SHARES[Role.OFFICER]))
    managers = max(2, round(users * ROLE_SHARES[Role.MANAGER]))
    assistants = max(1, users - officers - managers)
    result = []
    for role, count in (
        (Role.ASSISTANT, assistants),
        (Role.OFFICER, officers),
        (Role.MANAGER, managers),
    ):
        result += [Account(role.value, f"load-{role.value}-{n:02d}") for n in range(1, count + 1)]
    return result


def reset_schema(database_url: str) -> None:
    """Drop and recreate the public schema: the database is the load test's own."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def make_app(database_url: str, upload_dir: str):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "DEMO": True, "UPLOAD_DIR": upload_dir}
    )


def prepare(
    app, households: int, accounts: list[Account], password: str, echo: Callable[[str], None]
) -> None:
    """Migrate, load every feature's demo data for `households` files, then the load
    accounts, their delegations and the lots' headroom; VACUUM ANALYZE after the bulk
    load so that the planner knows the tables' sizes from the first request."""
    with app.app_context():
        echo("[1/4] Migrations…")
        upgrade()
        echo(f"[2/4] Données de démonstration ({demo.number(households)} ménages)…")
        context = demo.DemoContext(households=households, echo=lambda m: echo(f"      {m}"))
        demo.seed_demo(features(), context)
        echo(f"[3/4] Comptes de charge ({len(accounts)}), délégations de signature…")
        add_accounts(accounts, password)
        db.session.commit()
        db.session.remove()
        echo("      VACUUM ANALYZE…")
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def add_accounts(accounts: list[Account], password: str) -> None:
    """The accounts (one password, hashed once), a signing delegation on every operation
    for each manager, and an amendment lifting every lot's maximum."""
    password_hash = hash_password(password)
    today = clock.today()
    for account in accounts:
        user = User(
            username=account.username,
            full_name=account.username.replace("-", " ").title(),
            email="",
            role=Role(account.role),
            is_admin=False,
            active=True,
            password_hash=password_hash,
            must_change_password=False,
            failed_logins=0,
        )
        db.session.add(user)
        db.session.flush()
        if user.role is Role.MANAGER:
            db.session.add(
                SigningDelegation(
                    user_id=user.id,
                    all_operations=True,
                    maximum_cents=100_000_00,
                    start_date=date(today.year - 1, 1, 1),
                    act_reference=f"Test de charge {account.username}",
                )
            )
    for lot in db.session.scalars(select(Lot)):
        db.session.add(
            Amendment(
                lot_id=lot.id,
                reference="Avenant test de charge",
                signed_on=today - timedelta(days=1),
                new_maximum_cents=LOAD_MAXIMUM_CENTS,
                reason="Test de charge",
            )
        )
    db.session.flush()


def new_passwords(app, accounts: list[Account], password: str) -> None:
    """The previous run's accounts, with this run's password (--reuse-database)."""
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        missing = [a.username for a in accounts if a.username not in users]
        if missing:
            raise SystemExit(
                f"comptes absents de la base ({', '.join(missing[:3])}…) : "
                "relancez sans --reuse-database"
            )
        password_hash = hash_password(password)
        for account in accounts:
            users[account.username].password_hash = password_hash
        db.session.commit()
        db.session.remove()


def new_password() -> str:
    return f"Charge-{secrets.token_urlsafe(12)}"
