"""a lot number names one live unit of its building

Revision ID: 8e754203c06d
Revises: c97bc511655f
Create Date: 2026-12-02 12:30:24.606623

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8e754203c06d"
down_revision = "c97bc511655f"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade():
    # Fails on a database already holding two live units with the same lot number in one
    # building: rename or soft-delete one of them first (the forms now refuse it).
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(
            "uq_unit_building_lot_live",
            ["building_id", "lot_number"],
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )


def downgrade():
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index("uq_unit_building_lot_live")
