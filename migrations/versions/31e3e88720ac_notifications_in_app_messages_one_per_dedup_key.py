"""notifications: in-app messages to one person, one per dedup key

Revision ID: 31e3e88720ac
Revises: 20e38a914889
Create Date: 2026-12-02 15:08:15.698061

"""
from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = '31e3e88720ac'
down_revision = '20e38a914889'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: one new table; the unique (user_id, dedup_key) is what INSERT … ON CONFLICT
    # DO NOTHING relies on (capintra.notifications.services.notify).
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('read_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dedup_key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('user_id', 'dedup_key', name=op.f('uq_notification_user_id_dedup_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_id_read_at', ['user_id', 'read_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_id_read_at')

    op.drop_table('notification')
