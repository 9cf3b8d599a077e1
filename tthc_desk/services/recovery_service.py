"""The recovery key of the office database: the *Phiếu khóa khôi phục dữ liệu* and the check of a
key copied from it.

The database (and every backup) is encrypted with a key kept in this PC's keyring
(:mod:`tthc_desk.services.data_folder`). The recovery key is that same key written for people
(:mod:`tthc_desk.domain.recovery_key`); it is what opens the data on a new PC, under another
Windows account or after the keyring was cleared. Only the administrator prints it or checks a
copy (:data:`~tthc_desk.domain.access.Right.RECOVERY_KEY`). Every sheet made (for the preview or
a PDF) is a guarded action written to the journal, with the moment kept in the settings: until a
first sheet is made, the main window reminds the administrator to print it.

The demo database is not encrypted and has no recovery key: both are refused with a message
that says so.

An office on a PostgreSQL server: the recovery key is the office's backup key (the key of its
backup files, :meth:`~tthc_desk.services.backup_service.BackupService.office_key`); with it a
backup opens on a new PC or a new server when the old server is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from tthc_desk.db import files
from tthc_desk.db.engine import Database
from tthc_desk.domain.access import Right
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import NotEncryptedError, ValidationError
from tthc_desk.domain.recovery_key import format_key, parse_key
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.settings_service import SettingsService

log = logging.getLogger(__name__)

#: Settings key: when and by whom the last sheet was made (``{"at": ISO, "by": username}``).
PRINTED_KEY = "recovery_sheet_printed_at"
PRINTING = "in phiếu khóa khôi phục dữ liệu"
CHECKING = "kiểm tra khóa khôi phục"


class RecoveryService:
    def __init__(
        self,
        folder: DataFolder,
        db: Database,
        settings: SettingsService,
        accounts: AccountService,
        clock: Clock,
        template_dir: Path | None = None,
        office_key: Callable[[], bytes | None] | None = None,
    ) -> None:
        self._folder = folder
        self._office_key = office_key
        self._db = db
        self._settings = settings
        self._accounts = accounts
        self._clock = clock
        self._template_dir = template_dir

    # -- whether there is a key ----------------------------------------------------------------
    @property
    def available(self) -> bool:
        """The database is encrypted (on a server: its backups are): it has a recovery key."""
        if not self._db.is_sqlite:
            return self._office_key is not None
        return self._db.encrypted and self._db.key is not None

    def _key(self) -> bytes:
        if not self._db.is_sqlite and self._office_key is not None:
            office = self._office_key()
            if office is not None:
                return office
        key = self._db.key
        if not self._db.encrypted or key is None:
            if self._settings.is_demo():
                raise NotEncryptedError(
                    "Dữ liệu mẫu không được mã hóa nên không có khóa khôi phục, không có phiếu "
                    "khóa khôi phục dữ liệu để in."
                )
            raise NotEncryptedError(
                "Cơ sở dữ liệu này không được mã hóa (không phải tệp dữ liệu của phần mềm trên "
                "máy này) nên không có khóa khôi phục."
            )
        return key

    # -- the sheet -----------------------------------------------------------------------------
    def sheet_pdf(self) -> bytes:
        """The sheet (one A4 page) with the key, for the administrator; recorded as printed."""
        from tthc_desk.printing.recovery_sheet import RecoverySheet, render_recovery_sheet

        actor = self._accounts.require(Right.RECOVERY_KEY, PRINTING)
        key = self._key()
        self._settings.require_setup()  # the sheet names the office and its head
        now = self._clock.now()
        pdf = render_recovery_sheet(
            RecoverySheet(
                key_text=format_key(key),
                office=self._settings.office(),
                printed_at=now,
                printed_by=actor.full_name,
                username=actor.username,
            ),
            self._template_dir,
        )
        # The journal entry of this write names the action and who did it.
        self._settings.set_value(
            PRINTED_KEY, {"at": now.isoformat(timespec="seconds"), "by": actor.username}
        )
        log.info("Recovery key sheet made by %s", actor.username)
        return pdf

    def write_sheet(self, path: Path) -> Path:
        """The sheet written to ``path`` (replaced whole or not at all)."""
        from tthc_desk.services.print_service import write

        return write(path, self.sheet_pdf())

    def printed_at(self) -> datetime | None:
        """When the last sheet was made; None when never."""
        value = self._settings.get_value(PRINTED_KEY)
        if not isinstance(value, dict):
            return None
        try:
            return datetime.fromisoformat(str(value.get("at") or ""))
        except ValueError:
            return None

    def sheet_needed(self) -> bool:
        """An encrypted office database whose sheet was never printed: remind the
        administrator."""
        return self.available and self._settings.is_set_up() and self.printed_at() is None

    # -- a copied key --------------------------------------------------------------------------
    def check_key(self, text: str) -> None:
        """Whether ``text`` (a key as someone copied it) is well formed and opens this folder's
        database; the ``ValidationError`` says what is wrong."""
        self._accounts.require(Right.RECOVERY_KEY, CHECKING)
        self._key()
        key = parse_key(text)
        if not self._db.is_sqlite and key == self._key():
            return
        path = files.sqlite_file(self._folder.paths.database_url)
        if key == self._db.key and (path is None or files.opens_with(path, key)):
            return
        raise ValidationError.for_field(
            "recovery_key",
            "Khóa khôi phục viết đúng dạng nhưng không mở được cơ sở dữ liệu của thư mục dữ liệu "
            "này: đây là khóa của cơ quan khác, hoặc của dữ liệu trước khi được tạo lại.",
        )
