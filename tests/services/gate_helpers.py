"""What the text-gate tests compare: the row count of every table, the journal included."""

from __future__ import annotations

from pathlib import Path

from tests import dbfiles
from tthc_desk.paths import AppPaths


def table_counts(data_dir: Path) -> dict[str, int]:
    """Rows of every table of the data folder's database (the journal is one of them)."""
    db = dbfiles.connect(AppPaths(data_dir).database_file)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
        ]
        return {n: int(db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}
    finally:
        db.close()


def run_sql(data_dir: Path, statement: str, *params: object) -> None:
    """One statement on the database as an old version (or another program) could have run it."""
    db = dbfiles.connect(AppPaths(data_dir).database_file)
    try:
        db.execute(statement, params)
        db.commit()
    finally:
        db.close()


def journal_kinds_after(data_dir: Path, seq: int) -> list[str]:
    """The kinds of the journal entries written after entry ``seq``."""
    db = dbfiles.connect(AppPaths(data_dir).database_file)
    try:
        rows = db.execute("SELECT kind FROM journal WHERE seq > ? ORDER BY seq", (seq,))
        return [str(r[0]) for r in rows.fetchall()]
    finally:
        db.close()
