"""the tamper-evident journal

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

The table only: the journal key lives outside the database, so the existing data is sealed into
the chain by the application at its first start after the upgrade (``JournalService.start``),
with an entry saying that what came before was not journalled step by step.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('journal',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('prev', sa.String(length=64), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_journal'))
    )
    op.create_index('ix_journal_at', 'journal', ['at'], unique=False)
    op.create_index('ix_journal_actor', 'journal', ['actor'], unique=False)
    op.create_index('ix_journal_dossier_id', 'journal', ['dossier_id'], unique=False)
    op.create_index('ix_journal_kind', 'journal', ['kind'], unique=False)


def downgrade() -> None:
    op.drop_table('journal')
