"""Engine, sessions and start-up migration.

SQLite is the embedded store; any SQLAlchemy URL works too. Writes that allocate numbers run in
``BEGIN IMMEDIATE`` transactions so two counters writing at once queue instead of colliding.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
# The newest migration; a test checks it against Alembic's head, so it cannot go stale.
SCHEMA_HEAD = "0005"


def _configure_sqlite(engine: Engine) -> None:
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
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # IMMEDIATE takes the write lock at the start, so a read-then-write unit of work cannot
        # deadlock with another writer (SQLite would fail it with "database is locked").
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Owns the engine and hands out short sessions, one per unit of work."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(self.url, echo=echo)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
            writer = self.engine.execution_options(sqlite_immediate=True)
        else:
            writer = self.engine
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)

    @property
    def file_path(self) -> Path | None:
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back whole on any error."""
        with self._writer() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    # -- migrations ---------------------------------------------------------------------------
    def migrate(self, backup_dir: Path | None = None) -> Path | None:
        """Bring the schema to the latest revision; copy an existing database aside first.

        Returns the backup file, if one was made.
        """
        if self.schema_revision() == SCHEMA_HEAD:
            return None  # the usual start: up to date, and Alembic (~0.15 s to import) not loaded
        from tthc_desk.db import migrate as m

        current = m.current_revision(self.engine)
        head = m.head_revision()
        if current == head:
            return None
        backup = None
        if current is not None and self.file_path and self.file_path.exists():
            backup = self.backup_to((backup_dir or self.file_path.parent / "backups"), current)
        m.upgrade(self.engine)
        return backup

    def schema_revision(self) -> str | None:
        """The stamped Alembic revision, read with plain SQL (None for a new database)."""
        from sqlalchemy import inspect, text

        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def backup_to(self, folder: Path, label: str = "") -> Path:
        """A consistent copy of the SQLite file (the backup API copes with WAL)."""
        assert self.file_path is not None
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{self.file_path.stem}-{stamp}{'-' + label if label else ''}.db"
        src = sqlite3.connect(self.file_path)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        log.info("Database copied aside to %s before migrating", target)
        return target


def copy_file(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)
