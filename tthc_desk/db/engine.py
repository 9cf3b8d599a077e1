"""Engine, sessions and start-up migration.

SQLite is the embedded store; any SQLAlchemy URL works too. Writes that allocate numbers run in
``BEGIN IMMEDIATE`` transactions so two counters writing at once queue instead of colliding.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, exc, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tthc_desk.db import files, postgres, sqlite
from tthc_desk.db.base import Base
from tthc_desk.db.changes import ChangeSignal
from tthc_desk.db.stores.base import Dialect
from tthc_desk.db.unit_of_work import UnitOfWork
from tthc_desk.domain.errors import DAMAGED_PAGES, DAMAGED_TEXT, DatabaseDamagedError
from tthc_desk.domain.journal import JournalContext

log = logging.getLogger(__name__)

# The newest migration; a test checks it against Alembic's head, so it cannot go stale.
SCHEMA_HEAD = "0012"
#: How every connection to a PostgreSQL server names itself (``pg_stat_activity``), followed by
#: the computer's name: ``tthc-desk db check`` counts the counters connected by it.
APPLICATION_NAME = "tthc-desk"


def lock_key(name: str) -> int:
    """A stable 63-bit number for an advisory lock named ``name`` (PostgreSQL)."""
    return int.from_bytes(hashlib.sha256(f"tthc-desk:{name}".encode()).digest()[:8], "big") >> 1


WRITE_LOCK = lock_key("write")
#: How long a write waits for the office's other writers before it gives up with "Dữ liệu đang
#: bận" (services.failures), nothing written: the same on both engines (SQLite's busy timeout).
#: A write takes tens of milliseconds; only a restore or a copy holds the lock for long.
WRITE_WAIT_MS = sqlite.BUSY_TIMEOUT_MS


class Database:
    """Owns the engine and hands out short sessions, one per unit of work."""

    def __init__(
        self, url: str, *, key: bytes | None = None, echo: bool = False, readonly: bool = False
    ) -> None:
        """``key``: the 256-bit key of an encrypted SQLite database (SQLCipher), None for an
        unencrypted one (the demo). ``readonly``: a SQLite file opened only to be read (a backup
        being checked): nothing is written to it, not even its journal mode."""
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        self.dialect = Dialect.of(self.url.get_backend_name())
        self._key = key if self.is_sqlite else None
        writer: Engine
        # hide_parameters: an error's text (logged) never carries a citizen's name or ID.
        if self.is_sqlite and readonly:
            target = Path(str(self.url.database))
            self.engine = create_engine(
                self.url,
                echo=echo,
                module=sqlite.dbapi,
                hide_parameters=True,
                creator=lambda: sqlite.dbapi.connect(f"file:{target.as_posix()}?mode=ro", uri=True),
            )
            sqlite.configure(self.engine, self._key, readonly=True)
            writer = self.engine
        elif self.is_sqlite:
            self.engine = create_engine(
                self.url, echo=echo, module=sqlite.dbapi, hide_parameters=True
            )
            sqlite.configure(self.engine, self._key)
            writer = self.engine.execution_options(**sqlite.writer_options())
        else:
            # db.postgres.configure (below) gives every connection its connect_timeout, keepalives
            # and application_name (tthc-desk <computer>).
            self.engine = create_engine(
                self.url,
                echo=echo,
                hide_parameters=True,
                pool_pre_ping=True,  # a connection that died with a restarted server is replaced
            )
            writer = self.engine
        #: The watch on the office's PostgreSQL server (None for a SQLite file).
        self.server = (
            postgres.configure(self.engine) if self.dialect is Dialect.POSTGRESQL else None
        )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)
        self._journal_key: bytes | None = None
        self._stopped: str | None = None
        self._journal_context: Callable[[], JournalContext] | None = None
        #: Tells the other counter PCs what each write changed (``db.changes``).
        self.changes = ChangeSignal(self.dialect)

    def use_journal(self, key: bytes, context: Callable[[], JournalContext]) -> None:
        """Journal every write from now on (``domain.journal``): ``key`` signs the entries,
        ``context`` says who is acting and what they are doing when a write commits."""
        self._journal_key, self._journal_context = key, context

    def stop_writes(self, reason: str) -> None:
        """Refuse every write from now on (a check found the file damaged): ``reason`` is the
        Vietnamese message each refused write raises as ``DatabaseDamagedError``."""
        self._stopped = reason

    @property
    def writes_stopped(self) -> str | None:
        return self._stopped

    def _refuse_if_stopped(self) -> None:
        if self._stopped is not None:
            raise DatabaseDamagedError(self._stopped)

    # -- checks of the file ------------------------------------------------------------------
    def check_file(
        self,
        *,
        full: bool,
        max_seconds: float | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> files.CheckResult:
        """``PRAGMA quick_check`` / ``integrity_check`` (bounded by ``max_seconds``) plus the
        sanity of the header and the schema (every table of the models is there)."""
        if not self.is_sqlite:
            return files.CheckResult(True)
        raw = self.engine.raw_connection()
        try:
            conn = raw.driver_connection
            problems = files.sanity(conn, {t.name for t in Base.metadata.sorted_tables})
            if problems:
                return files.CheckResult(False, problems)
            return files.check(conn, full=full, max_seconds=max_seconds, stop=stop)
        except sqlite.DatabaseError as e:  # the header or the schema itself is unreadable
            return files.CheckResult(False, [str(e)])
        finally:
            raw.close()

    @property
    def journalled(self) -> bool:
        return self._journal_key is not None

    @property
    def encrypted(self) -> bool:
        """Whether the SQLite file is encrypted (SQLCipher)."""
        return self._key is not None

    @property
    def holds_keys(self) -> bool:
        """Whether the database keeps copies of the office's keys (journal, report signing;
        table ``key_escrow``): an encrypted file, or the office's server, which every counter
        reaches and whose access the server controls. Never the unencrypted demo file."""
        return self.encrypted or not self.is_sqlite

    @contextmanager
    def office_lock(self, name: str) -> Iterator[None]:
        """One process of the office at a time runs the block: the first start of an empty
        database on several counters at once, the weekly job. PostgreSQL: a session advisory
        lock held on a connection of its own; SQLite: nothing needed (one PC, and each write is
        ``BEGIN IMMEDIATE``)."""
        if self.is_sqlite:
            yield
            return
        key = lock_key(name)
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()

    @property
    def key(self) -> bytes | None:
        """The encryption key, for the database layer's copies of this file (backups)."""
        return self._key

    @property
    def file_path(self) -> Path | None:
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    @contextmanager
    def _damage_caught(self) -> Iterator[None]:
        """SQLite's "malformed" / "not a database" met while working: the file is damaged.
        Writes stop and the user reads why (in Vietnamese), instead of the driver's English."""
        try:
            yield
        except exc.DatabaseError as e:
            if type(e.orig) is not sqlite.DatabaseError:  # locked, constraint …: not damage
                raise
            log.error("Database damaged: %s", e.orig)
            reason = DAMAGED_TEXT.format(what=DAMAGED_PAGES)
            self.stop_writes(reason)
            raise DatabaseDamagedError(reason) from e

    def _one_writer(self, session: Session) -> None:
        """Writes of the whole office, one at a time, as SQLite's ``BEGIN IMMEDIATE`` does on one
        PC: on PostgreSQL a transaction advisory lock, released at commit or rollback. Every
        use case reads, decides and writes in one unit of work (the next number, the journal's
        chain, a dossier's state before a move); serialised, no two counters decide on the same
        state. Reads never wait (MVCC); a write takes tens of milliseconds, so six counters do
        not notice the queue."""
        if not self.is_sqlite:
            # One round trip: the wait's limit (for this transaction only), then the lock.
            session.execute(
                text("SELECT set_config('lock_timeout', :wait, true), pg_advisory_xact_lock(:k)"),
                {"wait": f"{WRITE_WAIT_MS}ms", "k": WRITE_LOCK},
            )

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        """A unit of work that only reads."""
        with self._damage_caught(), self._reader() as session:
            if self._journal_key is not None:  # the journal's checks compute digests
                session.info["journal_key"] = self._journal_key
            yield UnitOfWork(session, self.dialect)

    @contextmanager
    def write(self, action: str = "") -> Iterator[UnitOfWork]:
        """A write unit of work: committed on success, rolled back whole on any error.

        Once :meth:`use_journal` was called, what it changes is journalled in the same
        transaction, and announced to the other counter PCs (:attr:`changes`); ``action`` names
        a change made outside a guarded use case ("khởi tạo lịch").
        """
        self._refuse_if_stopped()
        with self._damage_caught(), self._writer() as session, session.begin():
            self._one_writer(session)
            uow = UnitOfWork(session, self.dialect)
            uow.facts.track()  # the report facts follow every change, in this transaction
            try:
                yield from self._journalled(uow, session, action)
            finally:
                uow.facts.untrack()

    def _journalled(self, uow: UnitOfWork, session: Session, action: str) -> Iterator[UnitOfWork]:
        """The body of :meth:`write`: the use case, its facts, then its journal entries."""
        key, context = self._journal_key, self._journal_context
        if key is None or context is None:
            yield uow
            uow.facts.finish()
            return
        session.info["journal_key"] = key
        uow.journal.track()
        try:
            yield uow
            uow.facts.finish()
            made = context

            if action:

                def made() -> JournalContext:
                    return replace(context(), action=action, right="")

            uow.journal.finish(made)
            self.changes.announce(uow, uow.journal.changed)
        finally:
            uow.journal.untrack()
            session.info.pop("journal_key", None)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A bare session, for the database layer's own tools and for tests that inspect rows.

        The application's code goes through :meth:`read` and :meth:`write` and their stores.
        """
        if write:
            self._refuse_if_stopped()
            with self._writer() as session, session.begin():
                self._one_writer(session)
                yield session
        else:
            with self._reader() as session:
                yield session

    def dispose(self) -> None:
        self.engine.dispose()

    # -- migrations ---------------------------------------------------------------------------
    def migrate(
        self,
        backup_dir: Path | None = None,
        backup: Callable[[str], Path] | None = None,
    ) -> Path | None:
        """Bring the schema to the latest revision; copy an existing database aside first
        (``backup(current_revision)``: the backup service's verified backup; without it, a plain
        consistent copy into ``backup_dir``).

        Returns the backup file, if one was made.
        """
        if self.schema_revision() == SCHEMA_HEAD:
            return None  # the usual start: up to date, and Alembic (~0.15 s to import) not loaded
        from tthc_desk.db import migrate as m

        current = m.current_revision(self.engine)
        head = m.head_revision()
        if current == head:
            return None
        made = None
        if current is not None and self.file_path and self.file_path.exists():
            if backup is not None:
                made = backup(current)
            else:
                made = self.backup_to((backup_dir or self.file_path.parent / "backups"), current)
        m.upgrade(self.engine)
        return made

    def schema_revision(self) -> str | None:
        """The stamped Alembic revision, read with plain SQL (None for a new database)."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None if revision is None else str(revision)

    def backup_to(self, folder: Path, label: str = "") -> Path:
        """A consistent copy of the SQLite file (the backup API copes with WAL)."""
        assert self.file_path is not None
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{self.file_path.stem}-{stamp}{'-' + label if label else ''}.db"
        sqlite.backup_file(self.file_path, target, self._key)
        log.info("Database copied aside to %s before migrating", target)
        return target
