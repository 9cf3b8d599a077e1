"""report facts: per dossier and per day, kept as the history is written

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

``dossier_facts`` holds what Biểu 06a needs of each dossier, with the moment it left the workload
(``done_at``) indexed so that a period reads its own rows and those carried over into it;
``daily_facts`` the counts per day and field a trend reads; ``facts_state`` the format and the
granularity they were made with (``tthc_desk/db/stores/facts.py``).

The dossier facts of an existing database are filled here, in batches of ids, with plain SQL
frozen at this revision (the store's statement would follow later models). The day counts need
the office's granularity setting: they are left for the start-up check, which sees the state's
granularity empty and makes them (``FactsService.ensure``).
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_BATCH = 50_000

# done_at: settled (a settled status), or withdrawn/closed (the last such event).
_FILL = """
INSERT INTO dossier_facts (dossier_id, code, field, procedure_code, procedure_name,
    applicant_name, channel, postal_return, intake_at, due_at, original_due_at, extended_due_at,
    status, settled_at, ended_at, done_at, returned_at, rating, late_reason, responsible_unit,
    handling_unit, clerk_name, waiting_supplement)
SELECT id, code, field, procedure_code, procedure_name, applicant_name, channel,
    CASE WHEN return_method = 'postal' THEN {true} ELSE {false} END,
    COALESCE(intake_at, received_at), due_at, original_due_at, extended_due_at,
    status, settled_at, ended_at,
    CASE WHEN status IN ('result_ready', 'returned', 'refused', 'stopped') THEN settled_at
         ELSE ended_at END,
    returned_at, rating, late_reason, responsible_unit, handling_unit, clerk_name,
    CASE WHEN status IN ('withdrawn', 'stopped') AND supplement_requested_at IS NOT NULL
         THEN {true} ELSE {false} END
FROM (
    SELECT d.*, CASE WHEN d.status IN ('withdrawn', 'closed') THEN (
        SELECT max(e.at) FROM dossier_events e
        WHERE e.dossier_id = d.id AND e.kind IN ('withdrawn', 'closed')) END AS ended_at
    FROM dossiers d WHERE d.id BETWEEN :lo AND :hi
) AS s
"""


def upgrade() -> None:
    op.create_table('dossier_facts',
    sa.Column('dossier_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=False),
    sa.Column('procedure_code', sa.String(length=20), nullable=False),
    sa.Column('procedure_name', sa.Text(), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('postal_return', sa.Boolean(), nullable=False),
    sa.Column('intake_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('original_due_at', sa.DateTime(), nullable=True),
    sa.Column('extended_due_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('settled_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('late_reason', sa.Text(), nullable=False),
    sa.Column('responsible_unit', sa.String(length=300), nullable=False),
    sa.Column('handling_unit', sa.String(length=300), nullable=False),
    sa.Column('clerk_name', sa.String(length=200), nullable=False),
    sa.Column('waiting_supplement', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_dossier_facts'))
    )
    op.create_table('daily_facts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in (
        'received_direct', 'received_postal', 'received_online', 'settled_early',
        'settled_on_time', 'settled_late', 'returned_total', 'returned_postal',
        'very_satisfied', 'satisfied', 'dissatisfied')),
    sa.PrimaryKeyConstraint('day', 'field', name=op.f('pk_daily_facts'))
    )
    op.create_table('facts_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('granularity', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facts_state'))
    )
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    fill = sa.text(_FILL.format(true='1' if sqlite else 'TRUE', false='0' if sqlite else 'FALSE'))
    last = bind.execute(sa.text('SELECT max(id) FROM dossiers')).scalar() or 0
    for lo in range(0, last + 1, _BATCH):
        bind.execute(fill, {'lo': lo, 'hi': lo + _BATCH - 1})
    # Indexes after the rows: one sort each rather than a growing tree per batch.
    op.create_index('ix_dossier_facts_done_at_intake_at', 'dossier_facts', ['done_at', 'intake_at'], unique=False)
    op.create_index('ix_dossier_facts_returned_at', 'dossier_facts', ['returned_at'], unique=False)
    # The returns and hand-overs of a period (the postal shares of Biểu 06a): index ranges.
    op.create_index('ix_dossier_events_returned_at', 'dossier_events', ['at', 'dossier_id'],
                    unique=False,
                    sqlite_where=sa.text("kind = 'returned'"),
                    postgresql_where=sa.text("(kind)::text = 'returned'::text"))
    op.create_index('ix_postal_items_handed_over_at', 'postal_items', ['handed_over_at'],
                    unique=False)
    # Format 1, day counts not made yet (they follow the office's granularity setting). A new
    # database stays without the row, empty as a copy's target must be: its first start makes
    # the (empty) facts.
    if last:
        bind.execute(
            sa.text('INSERT INTO facts_state (id, format, granularity) VALUES (1, 1, NULL)')
        )


def downgrade() -> None:
    op.drop_index('ix_postal_items_handed_over_at', table_name='postal_items')
    op.drop_index('ix_dossier_events_returned_at', table_name='dossier_events')
    op.drop_index('ix_dossier_facts_returned_at', table_name='dossier_facts')
    op.drop_index('ix_dossier_facts_done_at_intake_at', table_name='dossier_facts')
    op.drop_table('facts_state')
    op.drop_table('daily_facts')
    op.drop_table('dossier_facts')
