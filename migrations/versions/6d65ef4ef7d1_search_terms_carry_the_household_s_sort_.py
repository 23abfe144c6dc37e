"""search terms carry the household's sort name

Revision ID: 6d65ef4ef7d1
Revises: aae07902698b
Create Date: 2026-11-25 17:23:49.934639

"""
from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = '6d65ef4ef7d1'
down_revision = 'aae07902698b'
branch_labels = None
depends_on = None


STOP_WORDS = (
    "men", "rue", "de", "du", "des", "la", "le", "les", "et", "avenue", "av", "bd",
    "boulevard", "place", "chemin", "impasse", "allee", "cours", "quai", "route",
)


def upgrade():
    with op.batch_alter_table('household_search_term', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('sort_name', sa.String(length=200), nullable=False, server_default='')
        )
    # Existing rows: copy the household's sort name; drop the words no longer indexed.
    op.execute(
        "UPDATE household_search_term SET sort_name = "
        "(SELECT household.sort_name FROM household "
        "WHERE household.id = household_search_term.household_id)"
    )
    term = sa.table("household_search_term", sa.column("term", sa.String))
    op.execute(term.delete().where(term.c.term.in_(STOP_WORDS)))
    with op.batch_alter_table('household_search_term', schema=None) as batch_op:
        batch_op.alter_column('sort_name', server_default=None)
        batch_op.create_index(
            'ix_household_search_term_term_sort', ['term', 'sort_name', 'household_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('household_search_term', schema=None) as batch_op:
        batch_op.drop_index('ix_household_search_term_term_sort')
        batch_op.drop_column('sort_name')
