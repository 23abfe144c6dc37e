"""documents belong to any owner: owner_type + owner_id instead of household_id

Revision ID: b3c1d2e4f5a6
Revises: 6d65ef4ef7d1
Create Date: 2026-12-02 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b3c1d2e4f5a6"
down_revision = "6d65ef4ef7d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_type", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE document SET owner_type = 'household', owner_id = household_id "
        "WHERE household_id IS NOT NULL"
    )
    # A document without a household file never existed (the upload required one).
    op.execute("DELETE FROM document WHERE owner_id IS NULL")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.alter_column("owner_type", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(batch_op.f("ix_document_household_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_document_household_id_household"), type_="foreignkey"
        )
        batch_op.drop_column("household_id")
        batch_op.create_index("ix_document_owner", ["owner_type", "owner_id"], unique=False)


def downgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household_id", sa.Integer(), nullable=True))
    op.execute("UPDATE document SET household_id = owner_id WHERE owner_type = 'household'")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_owner")
        batch_op.drop_column("owner_id")
        batch_op.drop_column("owner_type")
        batch_op.create_foreign_key(
            batch_op.f("fk_document_household_id_household"), "household", ["household_id"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_document_household_id"), ["household_id"], unique=False
        )
