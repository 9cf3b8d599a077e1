"""Where the secret keys of a database live on this PC.

Each key (32 random bytes) is named after the database it belongs to and kept in the operating
system's keyring (Windows Credential Manager, under the Windows account that runs TTHC Desk). On a
PC without a usable keyring, it goes into a file of that account's own configuration folder
(``paths.key_dir``, readable only by it), never the data folder: whoever copies the data folder
does not get the keys with it. Keys never go into the database's settings, the logs or an export.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
from pathlib import Path

from tthc_desk.paths import key_dir
from tthc_desk.sync.credentials import CredentialError, CredentialStore

log = logging.getLogger(__name__)

KEY_BYTES = 32


class KeyVault:
    """Keys by name: keyring entry ``<name>``, else file ``<file_name(name)>`` in the key folder."""

    def __init__(self, credentials: CredentialStore, folder: Path | None = None) -> None:
        self._credentials = credentials
        self._folder = folder or key_dir()

    @property
    def credentials(self) -> CredentialStore:
        """The store the keys are kept in (a restore builds its journal keys on the same)."""
        return self._credentials

    @staticmethod
    def file_name(name: str) -> str:
        """``database-key:<id>`` → ``database-key-<id>.key``. A name holding characters no file
        name may hold (a server's password: ``server-password:user@host:port/db``) has them
        replaced and a digest of the whole name added, so two names never share a file."""
        base = name.replace(":", "-")
        safe = re.sub(r"[^A-Za-z0-9._@-]", "_", base)[:120]
        if safe != base:
            safe += "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
        return safe + ".key"

    def _file(self, name: str) -> Path:
        return self._folder / self.file_name(name)

    def load(self, name: str) -> bytes | None:
        text = self._credentials.get(name) if self._credentials.available else None
        if text is None and self._file(name).exists():
            text = self._file(name).read_text(encoding="ascii").strip()
        if text is None:
            return None
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None

    def create(self, name: str) -> bytes:
        key = os.urandom(KEY_BYTES)
        self.save(name, key)
        return key

    def save(self, name: str, key: bytes) -> None:
        """Keep ``key`` under ``name`` (an existing entry of that name is replaced)."""
        text = base64.b64encode(key).decode("ascii")
        if self._credentials.available:
            try:
                self._credentials.set(name, text)
                return
            except CredentialError:
                log.warning("The keyring refused the key %s; keeping it in the key folder", name)
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._file(name)
        part = path.with_name(path.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)

    def forget(self, name: str) -> None:
        """Remove the entry ``name`` wherever it is kept (keyring and key folder)."""
        if self._credentials.available:
            self._credentials.delete(name)
        self._file(name).unlink(missing_ok=True)

    def location(self, name: str) -> str:
        """Where the key is, in words for the administrator."""
        if self._credentials.available and self._credentials.get(name):
            return "kho mật khẩu của hệ điều hành"
        return f"tệp khóa {self._file(name)} (máy này không có kho mật khẩu)"
