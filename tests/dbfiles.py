"""Open a database file as someone with the PC's disk *and* its key would (tests that change
rows behind the software's back, or read a copy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tthc_desk.db import sqlite
from tthc_desk.db.files import FileState, inspect_file
from tthc_desk.paths import AppPaths
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
