"""the index of the files split from another holds those files only

Revision ID: d2a6c8e0f4b5
Revises: c9e4a6b8d0f3
Create Date: 2026-12-04 06:25:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd2a6c8e0f4b5'
down_revision = 'c9e4a6b8d0f3'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_household_split_from_id', table_name='household')
    op.create_index(
        'ix_household_split_from_id',
        'household',
        ['split_from_id'],
        unique=False,
        sqlite_where=sa.text('split_from_id IS NOT NULL'),
        postgresql_where=sa.text('split_from_id IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_household_split_from_id', table_name='household')
    op.create_index('ix_household_split_from_id', 'household', ['split_from_id'], unique=False)
