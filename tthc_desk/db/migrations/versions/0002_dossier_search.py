"""Full-text search over dossiers (hand-written: autogenerate must not touch FTS5 tables).

The service writes a folded copy of the searchable text (applicant name without tone marks and
with đ→d, code, ID number, phone, procedure code and name) into ``dossiers.search_text``; an
external-content FTS5 index follows it through triggers, so no Python function is needed inside
SQLite and any tool can write to the database safely.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE dossier_fts USING fts5("
        "search_text, content='dossiers', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    op.execute(
        "CREATE TRIGGER dossiers_fts_ai AFTER INSERT ON dossiers BEGIN "
        "INSERT INTO dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute(
        "CREATE TRIGGER dossiers_fts_ad AFTER DELETE ON dossiers BEGIN "
        "INSERT INTO dossier_fts(dossier_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    )
    op.execute(
        "CREATE TRIGGER dossiers_fts_au AFTER UPDATE OF search_text ON dossiers BEGIN "
        "INSERT INTO dossier_fts(dossier_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO dossier_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute("INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS dossiers_fts_au")
    op.execute("DROP TRIGGER IF EXISTS dossiers_fts_ad")
    op.execute("DROP TRIGGER IF EXISTS dossiers_fts_ai")
    op.execute("DROP TABLE IF EXISTS dossier_fts")
