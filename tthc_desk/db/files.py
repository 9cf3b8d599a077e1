"""The database file itself: what is on disk, keys, consistent copies, checks, conversion.

Used before a :class:`~tthc_desk.db.engine.Database` is opened (is there a database? is it
encrypted? does the key open it?) and by backups (copy, verify, compare). Every copy is made from
one snapshot of the live database (``VACUUM INTO`` or ``sqlcipher_export``), never by copying
the file, and is written as ``<name>.part`` then fsynced and renamed into place.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from tthc_desk.db import sqlite

log = logging.getLogger(__name__)

#: Files that belong to a database file (SQLite's write-ahead log and shared memory).
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Left next to the database during the conversion to encryption (see :func:`encrypt_in_place`).
PLAINTEXT_SUFFIX = ".plaintext"
ENCRYPTING_SUFFIX = ".encrypting"


class ConversionError(Exception):
    """The encrypted copy does not hold what the original holds (``where``: the first table)."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


class FileState(enum.Enum):
    MISSING = "missing"
    EMPTY = "empty"  # 0 bytes
    PLAINTEXT = "plaintext"  # an unencrypted SQLite database (may still be damaged)
    SEALED = "sealed"  # not readable without a key: encrypted, or not a database at all
    TRUNCATED = "truncated"  # shorter than a page, or not a whole number of pages


MIN_PAGE = 512


def inspect_file(path: Path) -> FileState:
    """What the file at ``path`` is, from its size and first bytes (no key needed)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return FileState.MISSING
    if size == 0:
        return FileState.EMPTY
    with path.open("rb") as f:
        head = f.read(len(sqlite.PLAIN_HEADER))
    if head == sqlite.PLAIN_HEADER:
        return FileState.PLAINTEXT
    if size < MIN_PAGE or size % MIN_PAGE:
        return FileState.TRUNCATED
    return FileState.SEALED


def opens_with(path: Path, key: bytes | None) -> bool:
    """Whether ``key`` (None: no key) reads the database at ``path``."""
    try:
        with closing(sqlite.connect(path, key, readonly=True)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite.DatabaseError:
        return False


def remove_with_sides(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)):
        with suppress(FileNotFoundError):
            p.unlink()


def _durable_rename(src: Path, dst: Path) -> None:
    os.replace(src, dst)
    sqlite.fsync_dir(dst.parent)


# -- checks ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckResult:
    ok: bool
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    complete: bool = True  # False: the quick check stopped at its time limit


def check(
    conn: Any,
    *,
    full: bool,
    max_seconds: float | None = None,
    stop: Callable[[], bool] | None = None,
) -> CheckResult:
    """``PRAGMA integrity_check`` (full) or ``quick_check``, stopped after ``max_seconds`` or
    when ``stop()`` says so (the result is then ``complete=False``: nothing found so far)."""
    started = time.perf_counter()
    complete = True
    bounded = max_seconds is not None or stop is not None
    if bounded:

        def interrupt() -> int:
            nonlocal complete
            late = max_seconds is not None and time.perf_counter() - started > max_seconds
            if late or (stop is not None and stop()):
                complete = False
                return 1
            return 0

        conn.set_progress_handler(interrupt, 10_000)
    try:
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        messages = [str(r[0]) for r in rows if r[0] != "ok"]
    except sqlite.DatabaseError as e:
        if not complete:
            return CheckResult(True, [], time.perf_counter() - started, complete=False)
        messages = [str(e)]
    finally:
        if bounded:
            conn.set_progress_handler(None, 0)
    return CheckResult(not messages, messages, time.perf_counter() - started, complete)


def sanity(conn: Any, expected_tables: set[str]) -> list[str]:
    """Header and schema sanity, in milliseconds: a page size SQLite accepts, a file that is a
    whole number of pages, and every table the software expects."""
    problems = []
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if page_size < MIN_PAGE or page_size & (page_size - 1):
        problems.append(f"page size {page_size}")
    listed = conn.execute("PRAGMA database_list").fetchall()
    path = next((Path(r[2]) for r in listed if r[1] == "main" and r[2]), None)
    if path is not None and path.exists() and path.stat().st_size % page_size:
        problems.append(f"file size {path.stat().st_size} is not a whole number of pages")
    present = set(user_tables(conn))
    missing = sorted(expected_tables - present)
    if missing:
        problems.append("missing tables: " + ", ".join(missing))
    return problems


def user_tables(conn: Any) -> list[str]:
    """Every ordinary table, FTS shadow tables included, in name order."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def table_counts(conn: Any) -> dict[str, int]:
    return {
        t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in user_tables(conn)
    }


def _ordered_rows(conn: Any, table: str) -> Iterator[tuple[Any, ...]]:
    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")').fetchall()]
    without_rowid = bool(
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = ? AND sql LIKE '%WITHOUT ROWID%'", (table,)
        ).fetchone()
    )
    order = ", ".join(f'"{c}"' for c in columns) if without_rowid else "rowid"
    cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
    while batch := cur.fetchmany(5000):
        yield from batch


def content_digest(conn: Any, progress: Callable[[str], None] | None = None) -> dict[str, str]:
    """SHA-256 of every table's rows in order (the logical content: two databases with equal
    digests hold the same rows, byte for byte, whatever their page layout)."""
    out: dict[str, str] = {}
    for table in user_tables(conn):
        if progress:
            progress(table)
        h = hashlib.sha256()
        for row in _ordered_rows(conn, table):
            h.update(repr(row).encode("utf-8"))
            h.update(b"\n")
        out[table] = h.hexdigest()
    return out


def first_difference(a: Any, b: Any) -> str | None:
    """The first table whose rows differ between two databases, compared row by row."""
    tables_a, tables_b = user_tables(a), user_tables(b)
    if tables_a != tables_b:
        return "danh sách bảng"
    for table in tables_a:
        rows_b = _ordered_rows(b, table)
        for row in _ordered_rows(a, table):
            if next(rows_b, None) != row:
                return table
        if next(rows_b, None) is not None:
            return table
    return None


# -- copies ------------------------------------------------------------------------------------
@contextmanager
def part_file(target: Path) -> Iterator[Path]:
    """``target.part`` to write into; renamed onto ``target`` (fsynced) only if the block ends
    without an error, removed otherwise."""
    part = target.with_name(target.name + ".part")
    remove_with_sides(part)
    try:
        yield part
        sqlite.fsync_file(part)
        _durable_rename(part, target)
    finally:
        remove_with_sides(part)


def snapshot(source: Path, key: bytes | None, target: Path) -> dict[str, int]:
    """A consistent copy of the live database at ``source`` into ``target`` (atomic), encrypted
    with the same key; returns the row count of every table in the copied snapshot."""
    with closing(sqlite.connect(source, key)) as src:
        src.execute("BEGIN")  # one read snapshot for the counts and the copy
        try:
            counts = table_counts(src)
            with part_file(target) as part:
                sqlite.copy_snapshot(src, part, key)
        finally:
            src.execute("COMMIT")
    return counts


def export_encrypted(source: Path, source_key: bytes | None, target: Path, key: bytes) -> None:
    """Write the database at ``source`` into a new file ``target`` encrypted with ``key``
    (``sqlcipher_export``: schema, rows, FTS indexes, user_version)."""
    remove_with_sides(target)
    with closing(sqlite.connect(source, source_key)) as src:
        src.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(target),))
        try:
            src.execute("SELECT sqlcipher_export('enc')")
            version = src.execute("PRAGMA main.user_version").fetchone()[0]
            src.execute(f"PRAGMA enc.user_version = {int(version)}")
        finally:
            src.execute("DETACH DATABASE enc")
    sqlite.fsync_file(target)


def checkpoint(path: Path, key: bytes | None) -> None:
    """Fold the write-ahead log into the file and empty it (no other connection open)."""
    with closing(sqlite.connect(path, key)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- conversion to encryption ------------------------------------------------------------------
def finish_interrupted_conversion(path: Path, key: bytes | None) -> None:
    """Bring the files back to one usable database after a conversion that was cut off.

    The order of :func:`encrypt_in_place` makes every moment recoverable: while ``.plaintext``
    exists the original is intact there; the encrypted file is renamed onto the database's name
    only after it was verified, and the original is removed only after that.
    """
    plain = path.with_name(path.name + PLAINTEXT_SUFFIX)
    encrypting = path.with_name(path.name + ENCRYPTING_SUFFIX)
    if plain.exists():
        state = inspect_file(path)
        if state is FileState.SEALED and key is not None and opens_with(path, key):
            log.info("Conversion was cut off after the swap; removing the plaintext original")
            remove_with_sides(plain)
        else:
            log.info("Conversion was cut off before the swap; the plaintext original is back")
            remove_with_sides(path)
            _durable_rename(plain, path)
            for s in SIDE_SUFFIXES:
                side = plain.with_name(plain.name + s)
                if side.exists():
                    os.replace(side, path.with_name(path.name + s))
    remove_with_sides(encrypting)


def encrypt_in_place(path: Path, key: bytes, progress: Callable[[str], None] | None = None) -> None:
    """Convert the unencrypted database at ``path`` to one encrypted with ``key``.

    1. fold the WAL into the file; 2. export into ``.encrypting`` and fsync it; 3. compare it
    with the original row by row; 4. rename the original to ``.plaintext``; 5. rename the
    encrypted copy onto the database's name; 6. remove the original. No connection to the
    database may be open. A kill at any moment is repaired by :func:`finish_interrupted_conversion`.
    """
    encrypting = path.with_name(path.name + ENCRYPTING_SUFFIX)
    plain = path.with_name(path.name + PLAINTEXT_SUFFIX)
    checkpoint(path, None)
    if progress:
        progress("export")
    export_encrypted(path, None, encrypting, key)
    if progress:
        progress("verify")
    with (
        closing(sqlite.connect(path, None, readonly=True)) as a,
        closing(sqlite.connect(encrypting, key, readonly=True)) as b,
    ):
        result = check(b, full=True)
        differs = first_difference(a, b)
    if not result.ok or differs is not None:
        remove_with_sides(encrypting)
        raise ConversionError(differs or "; ".join(result.messages[:3]))
    if progress:
        progress("swap")
    for s in SIDE_SUFFIXES:  # the emptied WAL and shared memory of the original go with it
        with suppress(FileNotFoundError):
            path.with_name(path.name + s).unlink()
    _durable_rename(path, plain)
    _durable_rename(encrypting, path)
    remove_with_sides(plain)
    sqlite.fsync_dir(path.parent)


def encrypt_copy(path: Path, key: bytes) -> None:
    """Replace the unencrypted copy at ``path`` (an old backup) with an encrypted one."""
    with part_file(path) as part:
        export_encrypted(path, None, part, key)
        with (
            closing(sqlite.connect(path, None, readonly=True)) as a,
            closing(sqlite.connect(part, key, readonly=True)) as b,
        ):
            differs = first_difference(a, b)
        if differs is not None:
            raise ConversionError(differs)
