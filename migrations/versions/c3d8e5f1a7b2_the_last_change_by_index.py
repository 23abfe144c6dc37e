"""the last change of each kind by index: figures kept until the data changes

Revision ID: c3d8e5f1a7b2
Revises: b7c41d2e9a60
Create Date: 2026-12-03 11:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3d8e5f1a7b2'
down_revision = 'b7c41d2e9a60'
branch_labels = None
depends_on = None


def upgrade():
    # Not in a batch: on SQLite a batch could copy the table and lose its triggers.
    op.create_index('ix_audit_event_action_id', 'audit_event', ['action', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_audit_event_action_id', table_name='audit_event')
