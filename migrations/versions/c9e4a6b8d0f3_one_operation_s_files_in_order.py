"""one operation's files read in the list's order from an index

Revision ID: c9e4a6b8d0f3
Revises: b8d2f4a6c0e1
Create Date: 2026-12-04 06:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9e4a6b8d0f3'
down_revision = 'b8d2f4a6c0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_household_operation_sort',
        'household',
        ['operation_id', 'sort_name', 'id'],
        unique=False,
        sqlite_where=sa.text('deleted_at IS NULL'),
        postgresql_where=sa.text('deleted_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_household_operation_sort', table_name='household')
