"""orders reference data: contracts, lots, amendments, price schedules, signing delegations

Revision ID: 20e38a914889
Revises: f100527a6000
Create Date: 2026-12-02 13:43:41.290545

"""
from alembic import op
import sqlalchemy as sa

import capintra.models


# revision identifiers, used by Alembic.
revision = '20e38a914889'
down_revision = 'f100527a6000'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: new tables only (orders reference data); batch ops for the indexes (SQLite).
    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('renewals', sa.String(length=200), nullable=False),
    sa.Column('payment_days', sa.Integer(), nullable=False),
    sa.Column('vat_exempt', sa.Boolean(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract'))
    )
    op.create_table('contract_lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('minimum_cents', sa.BigInteger(), nullable=False),
    sa.Column('maximum_cents', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_lot_contract_id_contract')),
    sa.ForeignKeyConstraint(['provider_id'], ['organisation.id'], name=op.f('fk_contract_lot_provider_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_lot'))
    )
    with op.batch_alter_table('contract_lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_lot_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_lot_provider_id'), ['provider_id'], unique=False)

    op.create_table('signing_delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('all_operations', sa.Boolean(), nullable=False),
    sa.Column('maximum_cents', sa.BigInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('act_reference', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_signing_delegation_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_delegation'))
    )
    with op.batch_alter_table('signing_delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_delegation_user_id'), ['user_id'], unique=False)

    op.create_table('contract_amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('new_maximum_cents', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lot_id'], ['contract_lot.id'], name=op.f('fk_contract_amendment_lot_id_contract_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_amendment'))
    )
    with op.batch_alter_table('contract_amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_amendment_lot_id'), ['lot_id'], unique=False)

    op.create_table('delegation_deputy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['delegation_id'], ['signing_delegation.id'], name=op.f('fk_delegation_deputy_delegation_id_signing_delegation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_delegation_deputy_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation_deputy'))
    )
    with op.batch_alter_table('delegation_deputy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_deputy_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegation_deputy_user_id'), ['user_id'], unique=False)

    op.create_table('delegation_operation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delegation_id'], ['signing_delegation.id'], name=op.f('fk_delegation_operation_delegation_id_signing_delegation')),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], name=op.f('fk_delegation_operation_operation_id_operation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation_operation')),
    sa.UniqueConstraint('delegation_id', 'operation_id', name=op.f('uq_delegation_operation_delegation_id_operation_id'))
    )
    with op.batch_alter_table('delegation_operation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_operation_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegation_operation_operation_id'), ['operation_id'], unique=False)

    op.create_table('order_issuer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_title', sa.String(length=200), nullable=False),
    sa.Column('signature_document_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['signature_document_id'], ['document.id'], name=op.f('fk_order_issuer_signature_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_issuer'))
    )
    op.create_table('price_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.Enum('menage', 'mois', 'heure', 'forfait', name='priceunit', native_enum=False, length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', capintra.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lot_id'], ['contract_lot.id'], name=op.f('fk_price_item_lot_id_contract_lot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_item'))
    )
    with op.batch_alter_table('price_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_item_lot_id'), ['lot_id'], unique=False)

    op.create_table('price_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_item_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('unit_price_cents', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', capintra.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['price_item_id'], ['price_item.id'], name=op.f('fk_price_version_price_item_id_price_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_version')),
    sa.UniqueConstraint('price_item_id', 'valid_from', name=op.f('uq_price_version_price_item_id_valid_from'))
    )
    with op.batch_alter_table('price_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_version_price_item_id'), ['price_item_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # Reviewed: new tables only (orders reference data); batch ops for the indexes (SQLite).
    with op.batch_alter_table('price_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_version_price_item_id'))

    op.drop_table('price_version')
    with op.batch_alter_table('price_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_item_lot_id'))

    op.drop_table('price_item')
    op.drop_table('order_issuer')
    with op.batch_alter_table('delegation_operation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_operation_operation_id'))
        batch_op.drop_index(batch_op.f('ix_delegation_operation_delegation_id'))

    op.drop_table('delegation_operation')
    with op.batch_alter_table('delegation_deputy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_deputy_user_id'))
        batch_op.drop_index(batch_op.f('ix_delegation_deputy_delegation_id'))

    op.drop_table('delegation_deputy')
    with op.batch_alter_table('contract_amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_amendment_lot_id'))

    op.drop_table('contract_amendment')
    with op.batch_alter_table('signing_delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_delegation_user_id'))

    op.drop_table('signing_delegation')
    with op.batch_alter_table('contract_lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_lot_provider_id'))
        batch_op.drop_index(batch_op.f('ix_contract_lot_contract_id'))

    op.drop_table('contract_lot')
    op.drop_table('contract')
    # ### end Alembic commands ###
