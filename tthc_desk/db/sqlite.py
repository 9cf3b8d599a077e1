"""Everything SQLite-specific about the connection, in one place.

The PostgreSQL side (issue 12) goes next to it in its own module; stores ask the
:class:`~tthc_desk.db.stores.base.Dialect` which variant of a statement to run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

BUSY_TIMEOUT_MS = 15_000


def configure(engine: Engine) -> None:
    """Pragmas on every new connection, and SQLAlchemy (not the driver) deciding BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # WAL: readers (the dossier list) never block the writer at the counter, and a crash
        # mid-write leaves the last committed state intact.
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL in WAL mode syncs every commit: a saved dossier survives a power cut. Commits are
        # a few per minute at a counter, so the fsync costs nothing the clerk can notice.
        cur.execute("PRAGMA synchronous=FULL")
        # SQLite ignores foreign keys unless asked, per connection.
        cur.execute("PRAGMA foreign_keys=ON")
        # A second counter PC or the CLI may hold the write lock briefly: wait, don't fail.
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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


def backup_file(source: Path, target: Path) -> None:
    """A consistent copy of a live database file (the online backup API copes with WAL)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
