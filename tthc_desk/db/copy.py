"""Copy a whole database into an empty one, table by table, and check the copy.

No business knowledge here. The tables are the models' (``Base.metadata.sorted_tables``: parents
before children), each read in primary-key order a batch at a time and written with its ids. All
of the source is read inside ONE read transaction (PostgreSQL: ``REPEATABLE READ``; SQLite: one
snapshot of the write-ahead log), so the copy is one consistent state even while counters keep
working on the source, and memory holds a batch, never a table. Then what the target's engine
needs: on PostgreSQL every id sequence is moved past the copied ids (or the next dossier saved
would take id 1); on SQLite the full-text index (migration 0002) is rebuilt from the copied rows
and checked, its insert trigger set aside while the rows go in (as the demo does).

The check (:func:`verify`): per table, the target holds as many rows as were read, and the same
values: a fingerprint of each table (the sum of a hash per row, so it does not depend on the
order; PostgreSQL sorts text by its collation, SQLite by bytes) taken from the values as the
models' types give them, which are the same on both engines even where the raw ones differ (a
SQLite date is text, a PostgreSQL one a date).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Integer, Table, func, literal, select, text

from tthc_desk.db.base import Base
from tthc_desk.db.engine import Database
from tthc_desk.db.server import tables as existing_tables
from tthc_desk.db.stores.base import Dialect

log = logging.getLogger(__name__)

#: Rows read and written at a time (a few hundred kilobytes of dossiers).
BATCH = 2000
#: Rows written per transaction of the target (SQLite syncs the disk at each commit).
COMMIT_ROWS = 20_000
MODULUS = 1 << 128

#: The SQLite full-text index of dossiers and its insert trigger (migration 0002).
FTS_TABLE_SQLITE = "dossier_fts"
FTS_INSERT_TRIGGER_SQLITE = "dossiers_fts_ai"

#: ``progress(table, rows done, rows in the table)``: after each batch and at each table's end.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TableCopy:
    """One table of the copy: the rows read from the source and their fingerprint."""

    name: str
    rows: int
    fingerprint: int
    skipped: bool = False


@dataclass(frozen=True)
class Mismatch:
    """A table whose copy differs from what was read: its row count, or its values."""

    name: str
    expected_rows: int
    found_rows: int


def model_tables() -> list[Table]:
    """The models' tables, parents before children."""
    return list(Base.metadata.sorted_tables)


def tables_with_rows(db: Database) -> list[str]:
    """The models' tables that exist in ``db`` and hold at least one row."""
    present = existing_tables(db)
    found: list[str] = []
    with db.engine.connect() as conn:
        for table in model_tables():
            if table.name not in present:
                continue
            if conn.execute(select(literal(1)).select_from(table).limit(1)).first() is not None:
                found.append(table.name)
    return found


def copy_database(
    source: Database,
    target: Database,
    *,
    skip: Collection[str] = (),
    progress: Progress | None = None,
    batch: int = BATCH,
) -> list[TableCopy]:
    """Copy every table of the models from ``source`` into ``target`` (empty, migrated to the
    same revision), except those named in ``skip``; returns what was read of each."""
    copies: list[TableCopy] = []
    with source.engine.connect() as src:
        if source.dialect is Dialect.POSTGRESQL:
            src.execution_options(isolation_level="REPEATABLE READ")
        with src.begin(), target.engine.connect() as dst, _fts_set_aside(target, dst):
            for table in model_tables():
                if table.name in skip:
                    copies.append(TableCopy(table.name, 0, 0, skipped=True))
                    continue
                copies.append(_copy_table(src, dst, table, progress, batch))
            if target.dialect is Dialect.POSTGRESQL:
                _move_sequences(dst, [t for t in model_tables() if t.name not in skip])
    return copies


def _copy_table(
    src: Connection,
    dst: Connection,
    table: Table,
    progress: Progress | None,
    batch: int,
    *,
    commits: bool = True,
) -> TableCopy:
    """One table, a batch at a time; ``commits``: in transactions of its own of about
    :data:`COMMIT_ROWS` rows, else inside the caller's transaction of ``dst``."""
    total = int(src.execute(select(func.count()).select_from(table)).scalar() or 0)
    keys = [c.key for c in table.columns]
    query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=batch)
    done, fingerprint, pending = 0, 0, 0
    transaction = dst.begin() if commits else None
    try:
        for rows in src.execute(query).partitions():
            values = [tuple(r) for r in rows]
            dst.execute(table.insert(), [dict(zip(keys, v, strict=True)) for v in values])
            fingerprint = (fingerprint + _fingerprint(values)) % MODULUS
            done += len(values)
            pending += len(values)
            if transaction is not None and pending >= COMMIT_ROWS:
                transaction.commit()
                transaction, pending = dst.begin(), 0
            if progress is not None:
                progress(table.name, done, max(total, done))
        if transaction is not None:
            transaction.commit()
    finally:
        if transaction is not None and transaction.is_active:
            transaction.rollback()
    if progress is not None and not done:
        progress(table.name, 0, 0)
    log.info("Copied %s: %d rows", table.name, done)
    return TableCopy(table.name, done, fingerprint)


def replace_contents(
    source: Database,
    target: Database,
    *,
    progress: Progress | None = None,
    batch: int = BATCH,
    before: Callable[[Connection], None] | None = None,
    after: Callable[[Connection], None] | None = None,
) -> list[TableCopy]:
    """Put the whole of ``source`` in place of what ``target`` (PostgreSQL, migrated to the same
    revision) holds, in ONE transaction of ``target``: it takes the office's write lock (no
    counter writes meanwhile; readers see the old data until the commit), empties every table
    of the models, copies each table with its ids, moves the id sequences, reads the copy back
    and compares it with what was read (:func:`verify`'s check). ``before``/``after`` run in
    that transaction, before the tables are emptied and once the copy is checked. Any failure
    rolls it all back: the target is as it was.
    """
    from tthc_desk.db.engine import WRITE_LOCK

    if target.dialect is not Dialect.POSTGRESQL:
        raise ValueError("replace_contents: the target must be a PostgreSQL database")
    tables = model_tables()
    copies: list[TableCopy] = []
    with (
        source.engine.connect() as src,
        src.begin(),
        target.engine.connect() as dst,
        dst.begin(),
    ):
        dst.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
        if before is not None:
            before(dst)
        names = ", ".join(f'"{t.name}"' for t in tables)
        dst.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        for table in tables:
            copies.append(_copy_table(src, dst, table, progress, batch, commits=False))
        _set_sequences(dst, tables)
        for table, made in zip(tables, copies, strict=True):
            rows, fingerprint = _read_back(dst, table, progress, made.rows)
            if rows != made.rows or fingerprint != made.fingerprint:
                raise CopyMismatchError(Mismatch(table.name, made.rows, rows))
        if after is not None:
            after(dst)
    return copies


class CopyMismatchError(Exception):
    """:func:`replace_contents`: the copy read back differs from the source (rolled back)."""

    def __init__(self, mismatch: Mismatch) -> None:
        super().__init__(f"copy of {mismatch.name} differs from its source")
        self.mismatch = mismatch


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _fingerprint(rows: list[tuple[Any, ...]]) -> int:
    total = 0
    for row in rows:
        data = repr(tuple(_plain(v) for v in row)).encode("utf-8")
        total += int.from_bytes(hashlib.blake2b(data, digest_size=16).digest(), "big")
    return total


def _move_sequences(dst: Connection, tables: list[Table]) -> None:
    """PostgreSQL: each integer id's sequence past the largest id copied (none: left alone)."""
    with dst.begin():
        _set_sequences(dst, tables)


def _set_sequences(dst: Connection, tables: list[Table]) -> None:
    """The statements of :func:`_move_sequences`, in the caller's transaction of ``dst``."""
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        column = key[0].name
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"t": table.name, "c": column},
        )
    # The planner's statistics of tables that were empty a moment ago.
    dst.execute(text("ANALYZE"))


@contextmanager
def _fts_set_aside(target: Database, dst: Connection) -> Iterator[None]:
    """SQLite target: the rows go in without the full-text insert trigger, then the index is
    rebuilt from them in one statement and checked, and the trigger is put back (also after a
    failure: the half-made target then stays a database the software can open)."""
    if target.dialect is not Dialect.SQLITE:
        yield
        return
    with dst.begin():
        trigger = dst.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
            {"n": FTS_INSERT_TRIGGER_SQLITE},
        ).scalar()
        if trigger:
            dst.execute(text(f"DROP TRIGGER {FTS_INSERT_TRIGGER_SQLITE}"))
    try:
        yield
    except BaseException:
        try:  # the copy failed: its own error is the one to report
            if trigger:
                with dst.begin():
                    dst.execute(text(str(trigger)))
        except Exception:
            log.warning("Could not put the full-text trigger back", exc_info=True)
        raise
    with dst.begin():
        if trigger:
            fts = FTS_TABLE_SQLITE
            dst.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))
            dst.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')"))
            dst.execute(text(str(trigger)))


def verify(
    target: Database, copies: list[TableCopy], progress: Progress | None = None
) -> list[Mismatch]:
    """Each copied table of ``target`` against what was read of it: same count, same values."""
    mismatches: list[Mismatch] = []
    by_name = {t.name: t for t in model_tables()}
    with target.engine.connect() as conn, conn.begin():
        for copy in copies:
            if copy.skipped:
                continue
            rows, fingerprint = _read_back(conn, by_name[copy.name], progress, copy.rows)
            if rows != copy.rows or fingerprint != copy.fingerprint:
                mismatches.append(Mismatch(copy.name, copy.rows, rows))
    return mismatches


def _read_back(
    conn: Connection, table: Table, progress: Progress | None, expected: int
) -> tuple[int, int]:
    query = select(table).execution_options(yield_per=BATCH)
    rows, fingerprint = 0, 0
    for part in conn.execute(query).partitions():
        values = [tuple(r) for r in part]
        fingerprint = (fingerprint + _fingerprint(values)) % MODULUS
        rows += len(values)
        if progress is not None:
            progress(table.name, rows, max(rows, expected))
    return rows, fingerprint


def count_rows(db: Database, table: str) -> int:
    """How many rows ``table`` (one of the models') holds in ``db``."""
    by_name = {t.name: t for t in model_tables()}
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(by_name[table])).scalar() or 0)
