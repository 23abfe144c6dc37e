"""the buildings' list read in its order from an index

Revision ID: d4e9f2a6b8c1
Revises: c3d8e5f1a7b2
Create Date: 2026-12-03 14:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4e9f2a6b8c1'
down_revision = 'c3d8e5f1a7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_building_live_operation_address',
        'building',
        ['operation_id', 'address_key'],
        unique=False,
        sqlite_where=sa.text('deleted_at IS NULL'),
        postgresql_where=sa.text('deleted_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_building_live_operation_address', table_name='building')
