"""What a database is and who uses it, and whether it can be reached at all.

The facts ``tthc-desk db check`` prints: the engine and where the data is (a file, or a server's
host, port and database), the server's version, the schema revision against the one this
version of the software expects, what is installed (PostgreSQL's extensions; SQLCipher's version
and whether the file is encrypted), and the connections of TTHC Desk to it (PostgreSQL: rows of
``pg_stat_activity`` whose ``application_name`` is ours, see ``engine.APPLICATION_NAME``). Only
reads; codes and values, the service words them.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc, inspect, text
from sqlalchemy.engine import make_url

from tthc_desk.db import postgres
from tthc_desk.db.engine import APPLICATION_NAME, SCHEMA_HEAD, Database
from tthc_desk.db.stores.base import Dialect

log = logging.getLogger(__name__)


class UnreachableError(Exception):
    """The database cannot be reached; ``reason`` says why and what to do, in Vietnamese (the
    one diagnosis of server failures, :func:`tthc_desk.db.postgres.diagnose`); the driver's
    text goes to the log only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def reach(db: Database) -> None:
    """Connect once; :class:`UnreachableError` when the server cannot be reached or refuses (a
    live engine's watch may say it first, as ``ServerUnavailableError``)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except exc.OperationalError as e:
        log.info("Database %s unreachable: %s", where(db), e.orig if e.orig is not None else e)
        raise UnreachableError(postgres.diagnose(e, db.url)) from e


def where(db: Database) -> str:
    """Where the data is, for the log: the file, or ``host:port/database``."""
    return str(db.file_path) if db.is_sqlite else f"{db.url.host}:{db.url.port}/{db.url.database}"


class RevisionState(enum.Enum):
    HEAD = "head"  # the revision this version of the software expects
    OLDER = "older"  # upgraded when the software opens it
    NEWER = "newer"  # made by a newer version of the software
    NONE = "none"  # no schema yet (an empty database)


@dataclass(frozen=True)
class DatabaseFacts:
    dialect: Dialect
    server_version: str
    revision: str | None
    revision_state: RevisionState
    #: PostgreSQL: (name, version) of each extension installed in the database.
    extensions: tuple[tuple[str, str], ...] = ()
    #: SQLite: SQLCipher's version ("" when the driver is plain SQLite).
    cipher_version: str = ""
    encrypted: bool = False
    #: PostgreSQL: the computer name of each connection of TTHC Desk to this database.
    clients: tuple[str, ...] = ()


def revision_state(revision: str | None) -> RevisionState:
    if revision is None:
        return RevisionState.NONE
    if revision == SCHEMA_HEAD:
        return RevisionState.HEAD
    from tthc_desk.db.migrate import known_revisions

    return RevisionState.OLDER if revision in known_revisions() else RevisionState.NEWER


def facts(db: Database) -> DatabaseFacts:
    """Read what :class:`DatabaseFacts` holds (:func:`reach` first to know why it fails)."""
    revision = db.schema_revision()
    state = revision_state(revision)
    with db.engine.connect() as conn:
        if db.dialect is Dialect.SQLITE:
            version = str(conn.execute(text("SELECT sqlite_version()")).scalar() or "")
            cipher = conn.execute(text("PRAGMA cipher_version")).scalar()
            return DatabaseFacts(
                db.dialect,
                f"SQLite {version}",
                revision,
                state,
                cipher_version=str(cipher or ""),
                encrypted=db.encrypted,
            )
        if db.dialect is Dialect.POSTGRESQL:
            version = str(conn.execute(text("SHOW server_version")).scalar() or "")
            extensions = conn.execute(
                text("SELECT extname, extversion FROM pg_extension ORDER BY extname")
            ).all()
            clients = conn.execute(
                text(
                    "SELECT application_name FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name LIKE :ours "
                    "ORDER BY application_name"
                ),
                {"ours": APPLICATION_NAME + "%"},
            ).scalars()
            return DatabaseFacts(
                db.dialect,
                f"PostgreSQL {version}",
                revision,
                state,
                extensions=tuple((str(n), str(v)) for n, v in extensions),
                clients=tuple(str(c)[len(APPLICATION_NAME) :].strip() for c in clients),
            )
        return DatabaseFacts(db.dialect, conn.dialect.name, revision, state)


def tables(db: Database) -> set[str]:
    """The names of the tables the database has."""
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


@dataclass(frozen=True)
class Location:
    """A database named by a URL, read without connecting."""

    dialect: Dialect
    url: str  # as given; a bare ``postgresql://`` gets the driver the software ships (psycopg)
    shown: str  # the URL with its password hidden
    host: str = ""
    port: int = 0
    database: str = ""
    user: str = ""
    file: Path | None = None

    @property
    def host_port(self) -> str:
        return f"{self.host}:{self.port}"


def locate(url: str) -> Location:
    """What ``url`` names; ValueError when it is no database URL the software can use."""
    try:
        u = make_url(url.strip())
    except exc.ArgumentError as e:
        raise ValueError(str(e)) from None
    dialect = Dialect.of(u.get_backend_name())
    if dialect is Dialect.POSTGRESQL:
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        return Location(
            dialect,
            u.render_as_string(hide_password=False),
            u.render_as_string(hide_password=True),
            u.host or "localhost",
            u.port or 5432,
            u.database or "",
            u.username or "",
        )
    if dialect is Dialect.SQLITE and u.database and u.database != ":memory:":
        path = Path(u.database).expanduser().resolve()
        shown = f"sqlite:///{path.as_posix()}"
        return Location(dialect, shown, shown, database=path.name, file=path)
    raise ValueError(f"unsupported URL {u.render_as_string(hide_password=True)}")
