"""Everything SQLite-specific about the connection, in one place.

The driver is SQLCipher (``sqlcipher3``): SQLite whose pages, WAL frames and copies are encrypted
with AES-256 when a key is given. Without a key it is plain SQLite (the demo database). The key
is raw (32 random bytes, no passphrase derivation) and is set first on every new connection.

The PostgreSQL side (issue 12) goes next to it in its own module; stores ask the
:class:`~tthc_desk.db.stores.base.Dialect` which variant of a statement to run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as dbapi
from sqlalchemy import Engine, event

from tthc_desk.durable import fsync_dir, fsync_file

BUSY_TIMEOUT_MS = 15_000
#: The first 16 bytes of an unencrypted SQLite file; an encrypted one starts with its random salt.
PLAIN_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32
#: Page cache of an encrypted connection, KiB (the default of the sqlcipher3 build: 8,000).
ENCRYPTED_CACHE_KIB = 16_384

DatabaseError = dbapi.DatabaseError

__all__ = ["DatabaseError", "dbapi", "fsync_dir", "fsync_file"]


def key_pragma(key: bytes) -> str:
    """``PRAGMA key`` with a raw 256-bit key (hex, never a passphrase)."""
    if len(key) != KEY_BYTES:
        raise ValueError("the database key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(conn: Any, key: bytes | None) -> None:
    """Key a fresh DB-API connection; must come before anything else reads the file."""
    if key is not None:
        conn.execute(key_pragma(key))
    # SQLCipher prints a page that fails its HMAC (a damaged or tampered file) on stderr by
    # itself; the software says it once, in Vietnamese, through its own errors instead.
    conn.execute("PRAGMA cipher_log_level = NONE")


def connect(path: Path | str, key: bytes | None = None, *, readonly: bool = False) -> Any:
    """A raw DB-API connection to a database file, keyed (the database layer's own tools)."""
    if readonly:
        conn = dbapi.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
    else:
        conn = dbapi.connect(str(path))
    conn.isolation_level = None
    apply_key(conn, key)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def configure(engine: Engine, key: bytes | None = None, *, readonly: bool = False) -> None:
    """Key and pragmas on every new connection, and SQLAlchemy (not the driver) deciding BEGIN.

    ``readonly``: a backup being checked; its file and journal mode are left as they are."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: object) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        apply_key(dbapi_conn, key)
        cur = dbapi_conn.cursor()
        if readonly:
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()
            return
        # WAL: readers (the dossier list) never block the writer at the counter, and a crash
        # mid-write leaves the last committed state intact. With a key, WAL frames are encrypted.
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL in WAL mode syncs every commit: a saved dossier survives a power cut. Commits are
        # a few per minute at a counter, so the fsync costs nothing the clerk can notice.
        cur.execute("PRAGMA synchronous=FULL")
        # SQLite ignores foreign keys unless asked, per connection.
        cur.execute("PRAGMA foreign_keys=ON")
        # A second counter PC or the CLI may hold the write lock briefly: wait, don't fail.
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Sorting and temporary indexes stay in memory, never in plaintext temp files.
        cur.execute("PRAGMA temp_store=MEMORY")
        if key is not None:
            # A miss costs a decryption (~15 µs a page), not a copy from the OS cache: 16 MiB
            # halves what encryption costs the search p95 (~17 % → ~8 %, bench/README.md).
            cur.execute(f"PRAGMA cache_size=-{ENCRYPTED_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock at the start, so a read-then-write unit of work cannot
        # deadlock with another writer (SQLite would fail it with "database is locked").
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer_options() -> dict[str, Any]:
    """Execution options of the writing engine: ``BEGIN IMMEDIATE`` (see :func:`configure`)."""
    return {"sqlite_immediate": True}


def vacuum_into(conn: Any, target: Path) -> None:
    """A consistent, compact copy of the open database (encrypted with its key, if any)."""
    conn.execute("VACUUM INTO ?", (str(target),))


def copy_snapshot(conn: Any, target: Path, key: bytes | None) -> None:
    """Copy the database of ``conn`` into the new file ``target`` with SQLite's backup API, in
    one step: with ``conn`` inside a read transaction the copy is exactly the state that
    transaction sees (``VACUUM INTO`` cannot run inside one). ``target`` gets the same key and
    the rollback journal, so it opens read-only without a write-ahead log."""
    dst = dbapi.connect(str(target))
    try:
        dst.isolation_level = None
        apply_key(dst, key)
        conn.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()


def backup_file(source: Path, target: Path, key: bytes | None = None) -> None:
    """A consistent copy of a live database file, encrypted like the source (VACUUM INTO reads
    one snapshot, so a writer at another counter does not tear it)."""
    src = connect(source, key)
    try:
        vacuum_into(src, target)
    finally:
        src.close()
