"""Which database this counter PC works on, and the office's PostgreSQL server (issue 12).

Settings (per PC, in the data folder's state file; the password in the keyring): *Hệ thống →
Kết nối máy chủ…* and ``tthc-desk server set|show|test|clear`` read and change them through
this service; a change is used from the next start of the software. The GUI's dialog is the
administrator's (``Right.SERVER``); the command line changes a setting of this PC only, with
no login, since the database it would log in to may be the one that cannot be reached.

While the software runs (on a server): :attr:`ServerService.lost` says why the server cannot be
reached, :meth:`ServerService.probe` tries it again (off the GUI thread) and
:meth:`ServerService.subscribe` tells the screens at each change (``db.postgres.ServerWatch``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tthc_desk.db import postgres
from tthc_desk.db.engine import SCHEMA_HEAD, Database
from tthc_desk.domain.access import SYSTEM
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.server import ConnectionReport, ServerConnection
from tthc_desk.paths import ENV_DATABASE_URL, AppPaths
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.keys import KeyVault

log = logging.getLogger(__name__)

#: The command that copies an office's data to a server (``tthc_desk.cli``'s ``db copy``).
COPY_COMMAND = "tthc-desk db copy --to {url}"


@dataclass(frozen=True)
class ServerSetting:
    """What this PC is set to use."""

    #: The office's server, or None: this data folder's own database file.
    connection: ServerConnection | None
    #: Whether this PC keeps the password of ``connection``.
    password_stored: bool
    #: ``TTHC_DESK_DATABASE_URL`` is set: it wins over the setting (scripts, tests).
    overridden_by: str = ""
    #: The state file names a server this version cannot read (edited by hand): nothing opens.
    invalid: bool = False


class ServerService:
    """The server setting of one data folder and, when running on one, its live state."""

    def __init__(
        self,
        folder: DataFolder,
        db: Database | None = None,
        *,
        require: Callable[[], object] | None = None,
        actor: Callable[[], str] | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        """``require`` refuses the change to whoever may not make it (the GUI: the
        administrator); ``actor`` names who changes it, for the database's journal."""
        self._folder = folder
        self._db = db
        self._require = require
        self._actor = actor or (lambda: SYSTEM.username)
        self._now = now

    # -- the setting ---------------------------------------------------------------------------
    def setting(self) -> ServerSetting:
        connection = self._folder.server()
        stored = connection is not None and self._folder.server_password(connection) is not None
        env = os.environ.get(ENV_DATABASE_URL, "")
        shown = postgres.shown_url(env) if env and postgres.is_postgresql(env) else env
        invalid = connection is None and bool(self._folder.state().server)
        return ServerSetting(connection, stored, shown, invalid)

    def test(self, connection: ServerConnection, password: str | None = None) -> ConnectionReport:
        """Check ``connection`` (with ``password``, or the one this PC keeps for it): slow (a few
        seconds when the server does not answer), so off the GUI thread."""
        password = password if password else self._folder.server_password(connection)
        if password is None:
            return ConnectionReport(
                False,
                (f"Chưa có mật khẩu của người dùng “{connection.user}”: hãy nhập mật khẩu.",),
                head=SCHEMA_HEAD,
            )
        return postgres.check_connection(postgres.server_url(connection, password), SCHEMA_HEAD)

    def save(self, connection: ServerConnection, password: str | None = None) -> None:
        """Use ``connection`` from the next start; ``password`` None keeps the one stored."""
        if self._require is not None:
            self._require()
        if not password and self._folder.server_password(connection) is None:
            raise ValidationError.for_field(
                "password", f"Hãy nhập mật khẩu của người dùng “{connection.user}” trên máy chủ."
            )
        self._folder.set_server(connection, password or None)
        self._note(f"đặt máy này dùng máy chủ cơ sở dữ liệu {connection.where}")
        log.info("This PC now uses the server %s", connection.where)

    def clear(self) -> ServerConnection | None:
        """Back to this folder's own database file; returns the connection that was set."""
        if self._require is not None:
            self._require()
        old = self._folder.clear_server()
        if old is not None:
            self._note(f"bỏ máy chủ {old.where}, máy này dùng cơ sở dữ liệu riêng")
            log.info("This PC no longer uses the server %s", old.where)
        return old

    def _note(self, action: str) -> None:
        """For the journal of the database opened at the next start."""
        self._folder.add_note("write", action, self._actor(), self._now())

    @staticmethod
    def copy_command(connection: ServerConnection) -> str:
        """The command that copies this office's data to the (empty) server of ``connection``."""
        return COPY_COMMAND.format(url=postgres.shown_url(postgres.server_url(connection, "")))

    def has_data_to_copy(self) -> bool:
        """Whether the office's data is elsewhere now (so that moving to an empty server needs
        the copy command): the database in use holds dossiers; without one open (the command
        line), this folder's own database file exists."""
        if self._db is not None:
            with self._db.read() as uow:
                return uow.server.holds_dossiers()
        return self._folder.server() is None and self._folder.has_local_database()

    # -- the live connection ------------------------------------------------------------------
    @property
    def watching(self) -> bool:
        """Whether the software runs on a server (whose connection may be lost)."""
        return self._db is not None and self._db.server is not None

    @property
    def lost(self) -> str | None:
        """Why the server cannot be reached now (Vietnamese), or None."""
        watch = self._db.server if self._db is not None else None
        return watch.lost if watch is not None else None

    def probe(self) -> str | None:
        """Reach the server now (waits up to a few seconds): None when it answers."""
        watch = self._db.server if self._db is not None else None
        return watch.probe() if watch is not None else None

    def subscribe(self, listener: Callable[[str | None], None]) -> Callable[[], None]:
        """``listener(reason)`` when the server is lost, ``listener(None)`` when it is back, on
        any thread; returns what stops it."""
        watch = self._db.server if self._db is not None else None
        return watch.subscribe(listener) if watch is not None else (lambda: None)


def for_folder(paths: AppPaths) -> ServerService:
    """The setting of the data folder ``paths`` with no database open (the command line, the
    start that could not reach the server): nobody is logged in to check."""
    from tthc_desk.sync.credentials import KeyringStore

    paths.ensure()
    return ServerService(DataFolder(paths, KeyVault(KeyringStore())))
