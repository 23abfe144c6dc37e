"""the dashboards' counts per operation and phase from one covering index

Revision ID: b7c41d2e9a60
Revises: 5e7a1c0d2b94
Create Date: 2026-12-03 08:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7c41d2e9a60'
down_revision = '5e7a1c0d2b94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(
            'ix_household_progress',
            ['operation_id', 'phase', 'deleted_at', 'split_from_id', 'outcome'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_progress')
