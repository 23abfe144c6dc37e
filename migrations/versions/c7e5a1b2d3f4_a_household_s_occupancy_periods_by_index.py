"""a household's occupancy periods by index

Revision ID: c7e5a1b2d3f4
Revises: 9898d2e916ad
Create Date: 2026-12-02 09:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c7e5a1b2d3f4"
down_revision = "9898d2e916ad"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("occupancy", schema=None) as batch_op:
        batch_op.create_index(
            "ix_occupancy_household_start", ["household_id", "start_date"], unique=False
        )


def downgrade():
    with op.batch_alter_table("occupancy", schema=None) as batch_op:
        batch_op.drop_index("ix_occupancy_household_start")
