"""a building's units and a unit's periods: the columns the counts of a day read, in
their indexes

Revision ID: e3b7c1d9a2f6
Revises: d2a6c8e0f4b5
Create Date: 2026-12-04 12:40:00

The buildings list counts, for a page's 600-odd units, those occupied, vacant and walled
up on a day: with these columns in the indexes it reads neither the unit nor the period
rows (the list's statement 0.99 → 0.80 ms on SQLite at 50,000 households).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3b7c1d9a2f6'
down_revision = 'd2a6c8e0f4b5'
branch_labels = None
depends_on = None

UNIT = ['building_id', 'lot_number']
OCCUPANCY = ['unit_id', 'start_date']


def upgrade():
    op.drop_index('ix_unit_building_lot', table_name='unit')
    op.create_index('ix_unit_building_lot', 'unit', [*UNIT, 'deleted_at', 'condition'])
    op.drop_index('ix_occupancy_unit_start', table_name='occupancy')
    op.create_index(
        'ix_occupancy_unit_start',
        'occupancy',
        [*OCCUPANCY, 'end_date', 'deleted_at', 'kind', 'household_id'],
    )


def downgrade():
    op.drop_index('ix_occupancy_unit_start', table_name='occupancy')
    op.create_index('ix_occupancy_unit_start', 'occupancy', OCCUPANCY)
    op.drop_index('ix_unit_building_lot', table_name='unit')
    op.create_index('ix_unit_building_lot', 'unit', UNIT)
