"""the buildings' list index ends with the building's id

Revision ID: a7c1e3f5b9d4
Revises: e5fa03b7c9d2
Create Date: 2026-12-03 17:50:00

PostgreSQL read the list's order (operation, address, id) from the index only when the
id is in it; without it, each page sorted the live buildings of its operations.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c1e3f5b9d4'
down_revision = 'e5fa03b7c9d2'
branch_labels = None
depends_on = None


def _create(columns):
    op.create_index(
        'ix_building_live_operation_address',
        'building',
        columns,
        unique=False,
        sqlite_where=sa.text('deleted_at IS NULL'),
        postgresql_where=sa.text('deleted_at IS NULL'),
    )


def upgrade():
    op.drop_index('ix_building_live_operation_address', table_name='building')
    _create(['operation_id', 'address_key', 'id'])


def downgrade():
    op.drop_index('ix_building_live_operation_address', table_name='building')
    _create(['operation_id', 'address_key'])
