"""rent, charges and APL move from the household to its occupancy period

The household's monthly rent, charges and APL (household.rent_cents, charges_cents,
apl_cents) belong to the period in which it occupies its home as principal occupant
(occupancy.rent_cents, charges_cents, apl_cents, which exist already); the file's remaining
charge and effort rate are computed from its current principal period (capintra.housing).

Upgrade, for every household (soft-deleted ones included) with at least one amount:
- its principal period — the open one, else the latest begun (live periods only) — takes
  each amount it does not have yet;
- a period that already has a *different* amount than its household stops the upgrade,
  listing the households concerned: neither value is dropped silently; settle them by
  hand (the same amount on both, or empty one side), then upgrade again;
- a household without any principal period (no period recorded yet, or only a hosted
  one) keeps its amounts in the new table `costs_on_hold`, shown on its occupancy tab to
  who reads finances, counted as its costs until it has a current principal period, and
  taken by the open principal period recorded for it next (buildings.services.add_period).
Then the household's three columns are dropped (in place, not by a batch copy: see
upgrade()).

Downgrade puts the columns back and fills them from the household's held amounts, else
from its principal period (the open one, else the latest begun); the periods keep their
amounts. Then `costs_on_hold` is dropped.

Revision ID: 4f2b59eabcac
Revises: c7e5a1b2d3f4
Create Date: 2026-12-02 12:31:50.840682

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = '4f2b59eabcac'
down_revision = 'c7e5a1b2d3f4'
branch_labels = None
depends_on = None

AMOUNTS = ("rent_cents", "charges_cents", "apl_cents")

household = sa.table(
    "household",
    sa.column("id", sa.Integer),
    sa.column("reference", sa.String),
    *(sa.column(name, sa.BigInteger) for name in AMOUNTS),
)
occupancy = sa.table(
    "occupancy",
    sa.column("id", sa.Integer),
    sa.column("household_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date),
    sa.column("deleted_at", sa.DateTime),
    *(sa.column(name, sa.BigInteger) for name in AMOUNTS),
)
costs_on_hold = sa.table(
    "costs_on_hold",
    sa.column("household_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("created_at", capintra.models.UTCDateTime(timezone=True)),
    sa.column("updated_at", capintra.models.UTCDateTime(timezone=True)),
    *(sa.column(name, sa.BigInteger) for name in AMOUNTS),
)


def _principal_period(connection, household_id):
    """The household's open principal period, else its latest begun (live ones)."""
    return connection.execute(
        sa.select(occupancy)
        .where(
            occupancy.c.household_id == household_id,
            occupancy.c.kind == "principal",
            occupancy.c.deleted_at.is_(None),
        )
        .order_by(
            occupancy.c.end_date.is_(None).desc(),
            occupancy.c.start_date.desc(),
            occupancy.c.id.desc(),
        )
        .limit(1)
    ).first()


def upgrade():
    # Everything is read and checked before anything is written (SQLite runs DDL
    # outside a transaction): a refused upgrade leaves the database as it was.
    connection = op.get_bind()
    now = datetime.now(timezone.utc)
    with_amounts = connection.execute(
        sa.select(household)
        .where(sa.or_(*(household.c[name].is_not(None) for name in AMOUNTS)))
        .order_by(household.c.id)
    ).all()
    conflicts, held, carried = [], [], []
    for row in with_amounts:
        period = _principal_period(connection, row.id)
        if period is None:
            held.append(
                {"household_id": row.id, "version": 1, "created_at": now, "updated_at": now,
                 **{name: row._mapping[name] for name in AMOUNTS}}
            )
            continue
        values = {}
        for name in AMOUNTS:
            mine, theirs = row._mapping[name], period._mapping[name]
            if mine is None:
                continue
            if theirs is None:
                values[name] = mine
            elif theirs != mine:
                conflicts.append(f"{row.reference} ({name}: {mine} ≠ {theirs})")
        if values:
            carried.append((period.id, values))
    if conflicts:
        raise RuntimeError(
            "Rent, charges or APL differ between these households and their occupancy "
            "period (cents); settle them by hand, then upgrade again: " + ", ".join(conflicts)
        )

    op.create_table('costs_on_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('rent_cents', sa.BigInteger(), nullable=True),
    sa.Column('charges_cents', sa.BigInteger(), nullable=True),
    sa.Column('apl_cents', sa.BigInteger(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_costs_on_hold_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_costs_on_hold')),
    sa.UniqueConstraint('household_id', name=op.f('uq_costs_on_hold_household_id'))
    )

    for period_id, values in carried:
        connection.execute(occupancy.update().where(occupancy.c.id == period_id).values(**values))
    if held:
        connection.execute(costs_on_hold.insert(), held)

    # Not a batch operation: on SQLite a batch would copy `household` to a new table and
    # drop the old one, whose implicit DELETE fails on the rows referencing it and would
    # empty household_search_term (ON DELETE CASCADE). SQLite (3.35 onwards) and
    # PostgreSQL both drop a plain column in place.
    for name in ('apl_cents', 'rent_cents', 'charges_cents'):
        op.drop_column('household', name)


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charges_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('rent_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('apl_cents', sa.BigInteger(), nullable=True))

    connection = op.get_bind()
    held = {
        row.household_id: row for row in connection.execute(sa.select(costs_on_hold)).all()
    }
    households = connection.execute(sa.select(household.c.id).order_by(household.c.id))
    for (household_id,) in households.all():
        source = held.get(household_id) or _principal_period(connection, household_id)
        if source is None:
            continue
        values = {name: source._mapping[name] for name in AMOUNTS}
        if any(value is not None for value in values.values()):
            connection.execute(
                household.update().where(household.c.id == household_id).values(**values)
            )

    op.drop_table('costs_on_hold')
