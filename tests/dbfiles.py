"""Open a database as someone with the PC's disk *and* its key would, or on PostgreSQL with the
server's password (tests that change rows behind the software's back, or read a copy).

:func:`database` works on either engine (SQLAlchemy ``text()`` with named parameters, table names
from ``inspect()``); :func:`connect` opens one SQLite file (a copy in ``backups``, say)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, DateTime, bindparam, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from tthc_desk.db import sqlite
from tthc_desk.db.files import FileState, inspect_file
from tthc_desk.paths import ENV_DATABASE_URL, AppPaths
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.keys import KeyVault
from tthc_desk.sync.credentials import CredentialStore, KeyringStore


def folder_key(data_dir: Path, credentials: CredentialStore | None = None) -> bytes | None:
    vault = KeyVault(credentials if credentials is not None else KeyringStore())
    return DataFolder(AppPaths(data_dir), vault).key()


def connect(path: Path, credentials: CredentialStore | None = None) -> Any:
    """A DB-API connection to ``path`` (a database, or a copy in its ``backups`` folder), keyed
    with its data folder's key when it is encrypted; commits on ``commit()`` like ``sqlite3``."""
    key = None
    if inspect_file(path) is not FileState.PLAINTEXT:
        key = folder_key(path.parent, credentials) or folder_key(path.parent.parent, credentials)
    conn = sqlite.dbapi.connect(str(path))
    sqlite.apply_key(conn, key)
    return conn


@contextmanager
def database(data_dir: Path, credentials: CredentialStore | None = None) -> Iterator[Connection]:
    """A connection of its own to the data folder's database: its SQLite file (keyed), or the
    PostgreSQL database ``TTHC_DESK_DATABASE_URL`` names. One transaction, committed when the
    block ends without an error."""
    url = os.environ.get(ENV_DATABASE_URL)
    if url:
        engine = create_engine(url, poolclass=NullPool)
    else:
        path = AppPaths(data_dir).database_file
        engine = create_engine(
            "sqlite://",
            module=sqlite.dbapi,
            poolclass=NullPool,
            creator=lambda: connect(path, credentials),
        )
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def table_names(conn: Connection) -> list[str]:
    """The tables of the database, sorted (SQLite's own ``sqlite_…`` tables left out)."""
    return sorted(inspect(conn).get_table_names())


def execute(conn: Connection, statement: str, **params: object) -> CursorResult[Any]:
    """``statement`` with ``:named`` parameters; a ``datetime`` goes in as the software writes
    it (SQLite: its text form with microseconds; PostgreSQL: a timestamp)."""
    clause = text(statement).bindparams(
        *(bindparam(k, type_=DateTime()) for k, v in params.items() if isinstance(v, datetime))
    )
    return conn.execute(clause, params)
