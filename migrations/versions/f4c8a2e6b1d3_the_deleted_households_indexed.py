"""the deleted household files, in an index of those only

Revision ID: f4c8a2e6b1d3
Revises: e3b7c1d9a2f6
Create Date: 2026-12-04 13:55:00

The buildings' counts leave the deleted files out of the households still to rehouse by
reading this (small) index once, instead of a household row per counted period.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f4c8a2e6b1d3'
down_revision = 'e3b7c1d9a2f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_household_deleted',
        'household',
        ['deleted_at'],
        unique=False,
        sqlite_where=sa.text('deleted_at IS NOT NULL'),
        postgresql_where=sa.text('deleted_at IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_household_deleted', table_name='household')
