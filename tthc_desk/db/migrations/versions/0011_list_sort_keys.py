"""list sort keys: stored, indexed keys of the dossier list's column orders

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

The list sorts by a column in SQL (issue 14). The applicant's name (given name first), the
procedure and the field sort folded; the keys were computed per row by SQL functions, so every
such sort read the whole table (7–18 s on a million dossiers). An index on those functions is not
the answer: on SQLite any connection without the app's functions (the sqlcipher shell, a repair)
could no longer write a dossier, and on PostgreSQL the name key is not an immutable expression.

So the keys are stored: ``name_key``, ``procedure_key``, ``field_key``, plain text made in Python by
``tthc_desk.domain.search.sort_keys_of`` (the same functions the list's order has always meant),
filled here for the existing rows in batches of ids, and set by the app at every insert and name
correction. Each sorted column gets two indexes, because equal keys list newest first in both
directions: ``(key, id DESC)`` for ascending, ``(key, id)`` read backwards for descending. On
PostgreSQL the keys and the phone compare byte by byte (``COLLATE "C"``), as SQLite and Python do.

The keys are made by the app's current functions on purpose: a later change to the folding must
come with a migration that makes them again.
"""

from alembic import op
import sqlalchemy as sa

from tthc_desk.domain.search import sort_keys_of


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_BATCH = 5_000

_KEYS = (('name_key', 200), ('procedure_key', None), ('field_key', 200))
_SORTED = (
    ('name', 'name_key'),
    ('procedure', 'procedure_key'),
    ('field', 'field_key'),
    ('phone', 'applicant_phone'),
    ('due', 'due_at'),
)


def _text(length: int | None, postgresql: bool) -> sa.types.TypeEngine:
    collation = 'C' if postgresql else None
    return sa.Text(collation=collation) if length is None else sa.String(length, collation=collation)


def _fill(bind: sa.engine.Connection) -> None:
    read = sa.text(
        'SELECT id, applicant_name, procedure_name, field FROM dossiers'
        ' WHERE id > :after ORDER BY id LIMIT :n'
    )
    write = sa.text(
        'UPDATE dossiers SET name_key = :name_key, procedure_key = :procedure_key,'
        ' field_key = :field_key WHERE id = :id'
    )
    after = 0
    while True:
        rows = bind.execute(read, {'after': after, 'n': _BATCH}).all()
        if not rows:
            return
        bind.execute(
            write,
            [
                {
                    'id': r[0],
                    **sort_keys_of(
                        {'applicant_name': r[1], 'procedure_name': r[2], 'field': r[3]}
                    ),
                }
                for r in rows
            ],
        )
        after = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == 'postgresql'
    for name, length in _KEYS:
        op.add_column(
            'dossiers',
            sa.Column(name, _text(length, postgresql), server_default='', nullable=False),
        )
    if postgresql:
        op.alter_column(
            'dossiers', 'applicant_phone',
            existing_type=sa.String(20), type_=sa.String(20, collation='C'),
            existing_nullable=False,
        )
    _fill(bind)
    for name, column in _SORTED:
        op.create_index(
            f'ix_dossiers_sort_{name}_up', 'dossiers', [column, sa.text('id DESC')]
        )
        op.create_index(f'ix_dossiers_sort_{name}_down', 'dossiers', [column, 'id'])


def downgrade() -> None:
    bind = op.get_bind()
    for name, _column in reversed(_SORTED):
        op.drop_index(f'ix_dossiers_sort_{name}_down', table_name='dossiers')
        op.drop_index(f'ix_dossiers_sort_{name}_up', table_name='dossiers')
    if bind.dialect.name == 'postgresql':
        op.alter_column(
            'dossiers', 'applicant_phone',
            existing_type=sa.String(20, collation='C'), type_=sa.String(20),
            existing_nullable=False,
        )
    for name, _length in reversed(_KEYS):
        # SQLite ≥ 3.35 drops a column in place (no copy of a million rows); PostgreSQL too.
        op.execute(f'ALTER TABLE dossiers DROP COLUMN {name}')
