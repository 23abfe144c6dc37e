"""an officer's dashboard counted from indexes: flagged files, files per phase,
registered letters awaiting their acknowledgement, follow-ups due

Revision ID: b8d2f4a6c0e1
Revises: a7c1e3f5b9d4
Create Date: 2026-12-04 03:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d2f4a6c0e1'
down_revision = 'a7c1e3f5b9d4'
branch_labels = None
depends_on = None

UNACKNOWLEDGED = 'acknowledged_on IS NULL AND delivery_outcome IS NULL AND deleted_at IS NULL'


def upgrade():
    op.create_index(
        'ix_household_officer_committee',
        'household',
        ['officer_id'],
        unique=False,
        sqlite_where=sa.text('committee_flag IS 1 AND deleted_at IS NULL'),
        postgresql_where=sa.text('committee_flag IS true AND deleted_at IS NULL'),
    )
    op.create_index(
        'ix_household_officer_phase',
        'household',
        ['officer_id', 'phase'],
        unique=False,
        sqlite_where=sa.text('deleted_at IS NULL'),
        postgresql_where=sa.text('deleted_at IS NULL'),
    )
    op.create_index(
        'ix_letter_unacknowledged',
        'letter',
        ['channel', 'direction', 'letter_date', 'id'],
        unique=False,
        sqlite_where=sa.text(UNACKNOWLEDGED),
        postgresql_where=sa.text(UNACKNOWLEDGED),
    )
    op.create_index(
        'ix_task_assignee_open_due_kind',
        'task',
        ['assignee_id', 'done', 'due_date', 'kind'],
        unique=False,
        sqlite_where=sa.text('deleted_at IS NULL'),
        postgresql_where=sa.text('deleted_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_task_assignee_open_due_kind', table_name='task')
    op.drop_index('ix_letter_unacknowledged', table_name='letter')
    op.drop_index('ix_household_officer_phase', table_name='household')
    op.drop_index('ix_household_officer_committee', table_name='household')
