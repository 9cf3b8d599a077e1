"""public postal service: handover lists and postal items

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postal_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('postal_employee', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postal_batches')),
    sa.UniqueConstraint('year', 'number', name=op.f('uq_postal_batches_year'))
    )
    op.create_table('postal_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('waybill', sa.String(length=30), nullable=True),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('recipient_address', sa.Text(), nullable=False),
    sa.Column('recipient_phone', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('handed_over_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('failed_at', sa.DateTime(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['postal_batches.id'], name=op.f('fk_postal_items_batch_id_postal_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_postal_items_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postal_items')),
    sa.UniqueConstraint('waybill', name=op.f('uq_postal_items_waybill'))
    )
    with op.batch_alter_table('postal_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postal_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postal_items_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index('ix_postal_items_state', ['state'], unique=False)

    # Plain ADD COLUMN (no table copy): keeps the FTS triggers and is instant on a million rows.
    op.add_column('dossiers', sa.Column('return_recipient', sa.String(length=200), nullable=False, server_default=''))
    op.add_column('dossiers', sa.Column('return_phone', sa.String(length=20), nullable=False, server_default=''))


def downgrade() -> None:
    # SQLite ≥ 3.35 drops columns in place (no table copy, triggers kept).
    op.drop_column('dossiers', 'return_phone')
    op.drop_column('dossiers', 'return_recipient')

    with op.batch_alter_table('postal_items', schema=None) as batch_op:
        batch_op.drop_index('ix_postal_items_state')
        batch_op.drop_index(batch_op.f('ix_postal_items_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_postal_items_batch_id'))

    op.drop_table('postal_items')
    op.drop_table('postal_batches')
