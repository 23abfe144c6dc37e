"""letter tracking number and delivery outcome

Revision ID: a54d90e1d57b
Revises: 2857d3e6ddee
Create Date: 2026-12-02 08:03:05.423518

"""
from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = 'a54d90e1d57b'
down_revision = '2857d3e6ddee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        # Existing letters have no number recorded; the default goes once the rows have it.
        batch_op.add_column(sa.Column('tracking_number', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('delivery_outcome', sa.Enum('distribue', 'non_reclame', 'refuse', 'npai', name='deliveryoutcome', native_enum=False, length=30), nullable=True))
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.alter_column('tracking_number', server_default=None)


def downgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_column('delivery_outcome')
        batch_op.drop_column('tracking_number')
