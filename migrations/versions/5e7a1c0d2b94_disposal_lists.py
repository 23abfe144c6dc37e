"""disposal lists (bordereaux d'élimination) of the retention run

Revision ID: 5e7a1c0d2b94
Revises: c3ee04b436b2
Create Date: 2026-12-03 00:45:00

"""

from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = "5e7a1c0d2b94"
down_revision = "c3ee04b436b2"
branch_labels = None
depends_on = None

_CATEGORY = sa.Enum(
    "social_notes",
    "supporting_documents",
    "whole_file",
    name="category",
    native_enum=False,
    length=30,
)


def upgrade():
    op.create_table(
        "disposal_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "approved", "applied", name="disposalstatus", native_enum=False,
                    length=30),
            nullable=False,
        ),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", capintra.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("applied_at", capintra.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", capintra.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", capintra.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_disposal_list_approved_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_list")),
    )
    with op.batch_alter_table("disposal_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposal_list_status"), ["status"], unique=False)

    op.create_table(
        "disposal_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disposal_list_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("category", _CATEGORY, nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("applied_at", capintra.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disposal_list_id"],
            ["disposal_list.id"],
            name=op.f("fk_disposal_line_disposal_list_id_disposal_list"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_disposal_line_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_line")),
    )
    with op.batch_alter_table("disposal_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disposal_line_disposal_list_id"), ["disposal_list_id"], unique=False
        )
        batch_op.create_index(
            "ix_disposal_line_household_category", ["household_id", "category"], unique=False
        )


def downgrade():
    with op.batch_alter_table("disposal_line", schema=None) as batch_op:
        batch_op.drop_index("ix_disposal_line_household_category")
        batch_op.drop_index(batch_op.f("ix_disposal_line_disposal_list_id"))
    op.drop_table("disposal_line")
    with op.batch_alter_table("disposal_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_list_status"))
    op.drop_table("disposal_list")
