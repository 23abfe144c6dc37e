"""the committee's list read in its order from an index

Revision ID: e5fa03b7c9d2
Revises: d4e9f2a6b8c1
Create Date: 2026-12-03 14:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5fa03b7c9d2'
down_revision = 'd4e9f2a6b8c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_household_committee_order',
        'household',
        ['operation_id', 'ref_year', 'ref_number'],
        unique=False,
        sqlite_where=sa.text('committee_flag IS 1 AND deleted_at IS NULL'),
        postgresql_where=sa.text('committee_flag IS true AND deleted_at IS NULL'),
    )
    # The flag alone no longer orders or counts anything the index above does not.
    op.drop_index('ix_household_committee_flag', table_name='household')


def downgrade():
    op.create_index('ix_household_committee_flag', 'household', ['committee_flag'], unique=False)
    op.drop_index('ix_household_committee_order', table_name='household')
