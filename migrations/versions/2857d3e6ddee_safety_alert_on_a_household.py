"""safety alert on a household

Revision ID: 2857d3e6ddee
Revises: b3c1d2e4f5a6
Create Date: 2026-12-02 07:55:30.549158

"""
from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = '2857d3e6ddee'
down_revision = 'b3c1d2e4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        # Existing files get no alert; the defaults go once the rows have them.
        batch_op.add_column(sa.Column('alert_codes', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('alert_note', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.alter_column('alert_codes', server_default=None)
        batch_op.alter_column('alert_note', server_default=None)



def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('alert_note')
        batch_op.drop_column('alert_codes')

