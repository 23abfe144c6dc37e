"""access requests (right of access)

Revision ID: c3ee04b436b2
Revises: 9d24885d3b73
Create Date: 2026-12-03 00:31:05.766098

"""
from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = 'c3ee04b436b2'
down_revision = '9d24885d3b73'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "access_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", capintra.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", capintra.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_access_request_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_access_request_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_access_request_answered_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request")),
    )
    with op.batch_alter_table("access_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_access_request_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            "ix_access_request_open", ["answered_on", "requested_on"], unique=False
        )


def downgrade():
    with op.batch_alter_table("access_request", schema=None) as batch_op:
        batch_op.drop_index("ix_access_request_open")
        batch_op.drop_index(batch_op.f("ix_access_request_household_id"))
    op.drop_table("access_request")
