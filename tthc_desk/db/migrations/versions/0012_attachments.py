"""attachments: scanned papers and results of dossiers (issue 15)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10

``blobs``: one row per stored content (a PDF), by SHA-256, with its size and pages.
``attachments``: a scan attached to a dossier (a paper of its checklist, or its result), naming
its blob. ``blob_data``: the encrypted bytes of the blobs of an office on PostgreSQL (a one-PC
office keeps them as files in its data folder, ``db.blobs``).
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=False),
    sa.Column('paper_no', sa.Integer(), nullable=True),
    sa.Column('paper_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('reused_from', sa.String(length=60), nullable=True),
    sa.Column('attached_by', sa.String(length=200), nullable=False),
    sa.Column('attached_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                            name=op.f('fk_attachments_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sha256'], ['blobs.sha256'],
                            name=op.f('fk_attachments_sha256_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    op.create_index('ix_attachments_dossier_id', 'attachments', ['dossier_id'], unique=False)
    op.create_index('ix_attachments_sha256', 'attachments', ['sha256'], unique=False)
    op.create_table('blob_data',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blob_data'))
    )


def downgrade() -> None:
    op.drop_table('blob_data')
    op.drop_index('ix_attachments_sha256', table_name='attachments')
    op.drop_index('ix_attachments_dossier_id', table_name='attachments')
    op.drop_table('attachments')
    op.drop_table('blobs')
