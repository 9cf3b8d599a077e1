"""What the text-gate tests compare: the row count of every table, the journal included."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests import dbfiles


def table_counts(data_dir: Path) -> dict[str, int]:
    """Rows of every table of the data folder's database (the journal is one of them)."""
    with dbfiles.database(data_dir) as db:
        return {
            n: int(db.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())
            for n in dbfiles.table_names(db)
        }


def run_sql(data_dir: Path, statement: str, **params: object) -> None:
    """One statement (named ``:parameters``) on the database as an old version (or another
    program) could have run it."""
    with dbfiles.database(data_dir) as db:
        db.execute(text(statement), params)


def journal_kinds_after(data_dir: Path, seq: int) -> list[str]:
    """The kinds of the journal entries written after entry ``seq``."""
    with dbfiles.database(data_dir) as db:
        rows = db.execute(
            text("SELECT kind FROM journal WHERE seq > :seq ORDER BY seq"), {"seq": seq}
        )
        return [str(r[0]) for r in rows]
