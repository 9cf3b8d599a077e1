"""keys that travel with an encrypted database

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

The journal key is kept in the encrypted database as well as in the PC's keyring, so that a backup
opened on a new PC with the recovery key can still check and continue its journal.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('key_escrow',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_key_escrow'))
    )


def downgrade() -> None:
    op.drop_table('key_escrow')
