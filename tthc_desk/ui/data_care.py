"""The main window's care of the data: the checks of the data against the journal and of the
database file (the red banners), the journal's dialogs, the recovery key sheet and its reminder,
backups (the dialog and the status line) and the restore, after which the software starts again.

:class:`DataCareWindow` is the base of :class:`~tthc_desk.ui.main_window.MainWindow`, which builds
the widgets named below and the work in the background (``ui/background.py``); this module holds
what they do, so that the window's own module stays about the counter's work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox

from tthc_desk.domain.access import Right
from tthc_desk.services.container import Services
from tthc_desk.ui.background import BackgroundWork
from tthc_desk.ui.backup_status import BackupStatusLabel
from tthc_desk.ui.integrity_banner import DamageBanner, IntegrityBanner
from tthc_desk.ui.lock_screen import IdleWatch
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.recovery_sheet import RecoveryReminder, open_recovery_sheet
from tthc_desk.ui.rights import allows
from tthc_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from tthc_desk.ui.backup_dialog import BackupDialog
    from tthc_desk.ui.integrity_dialog import IntegrityDialog
    from tthc_desk.ui.journal_dialog import JournalDialog
    from tthc_desk.ui.restore_wizard import RestoreWizard

log = logging.getLogger(__name__)


def relaunch_after_restore() -> bool:
    from tthc_desk.ui.restore_wizard import relaunch_application

    return relaunch_application()


class DataCareWindow(QMainWindow):
    """What the main window does for the safety of the data (see the module)."""

    # Built by MainWindow.__init__.
    services: Services
    runner: TaskRunner
    background: BackgroundWork
    idle: IdleWatch
    integrity_banner: IntegrityBanner
    damage_banner: DamageBanner
    recovery_reminder: RecoveryReminder
    backup_status: BackupStatusLabel
    relaunch: Callable[[], bool]
    dialog: QDialog | None
    _integrity: IntegrityDialog | None
    #: MainWindow's: opens an administration dialog (and refreshes the window after it).
    _open: Callable[[QDialog], QDialog]

    def open_integrity(self) -> IntegrityDialog | None:
        """The checks of the data against the journal (head of office, administrator)."""
        if not allows(self.services.accounts, Right.VERIFY_JOURNAL):
            return None
        from tthc_desk.ui.integrity_dialog import IntegrityDialog

        dialog = IntegrityDialog(self.services, self.runner, self)
        dialog.check_recorded.connect(self._on_integrity_checked)
        self._integrity = dialog
        self._open(dialog)
        return dialog

    def open_journal(self) -> JournalDialog | None:
        """Who did what and when (head of office, administrator)."""
        if not allows(self.services.accounts, Right.VIEW_JOURNAL):
            return None
        from tthc_desk.ui.journal_dialog import JournalDialog

        dialog = JournalDialog(self.services, self.runner, self)
        self._open(dialog)
        return dialog

    def open_recovery_sheet(self) -> None:
        """The recovery key sheet's preview (administrator); the reminder goes once it is made."""
        if allows(self.services.accounts, Right.RECOVERY_KEY):
            open_recovery_sheet(
                self, self.services, self.runner, on_open=lambda _d: self.refresh_banner()
            )

    # -- the journal's checks ----------------------------------------------------------------
    def refresh_banner(self) -> None:
        """The red banner, for whoever may check the data, when the last check was not ok; the
        reminder to print the recovery key sheet, for the administrator, until it is."""
        self.recovery_reminder.refresh(self.services)
        if not allows(self.services.accounts, Right.VERIFY_JOURNAL):
            self.integrity_banner.hide()
            return
        try:
            last = self.services.journal.last_check()
        except Exception:  # a banner never stops the window
            log.exception("Không đọc được kết quả kiểm tra nhật ký")
            return
        self.integrity_banner.show_check(last)

    def _on_integrity_checked(self, _report: object) -> None:
        self.refresh_banner()

    def _on_database_checked(self, _report: object) -> None:
        stopped = self.services.health.damaged
        self.damage_banner.show_damage(stopped)
        # A file whose office moved to its server is not damaged: nothing to restore here (a
        # restore of an older backup would give out the server's codes again).
        moved = stopped is not None and stopped == self.services.db_admin.moved_notice()
        self.damage_banner.restore_button.setVisible(
            allows(self.services.accounts, Right.RESTORE) and not moved
        )

    # -- backups and restore (ui/backup_dialog.py, ui/restore_wizard.py) ----------------------
    def refresh_backup_status(self) -> None:
        """The backups' line: how fresh the last verified backup is, coloured."""
        backups = self.services.backups
        try:
            self.backup_status.show_status(
                backups.status(), backups.last_run(), self.services.clock.now()
            )
        except Exception:  # a status line never stops the window
            log.exception("Không đọc được tình trạng sao lưu")

    def _on_background_backup_ran(self, _run: object) -> None:
        self.refresh_backup_status()

    def open_backups(self) -> BackupDialog | None:
        """*Hệ thống → Sao lưu và khôi phục…* (administrator)."""
        if not allows(self.services.accounts, Right.BACKUP):
            return None
        from tthc_desk.ui.backup_dialog import BackupDialog

        dialog = BackupDialog(self.services, self.runner, self, lock=self.background.backup_lock)
        dialog.backup_taken.connect(lambda _run: self.refresh_backup_status())
        dialog.restore_requested.connect(
            lambda path: self._on_backups_restore_requested(dialog, path)
        )
        self._open(dialog)
        return dialog

    def _on_backups_restore_requested(self, dialog: QDialog, path: Path | None) -> None:
        dialog.accept()
        self.open_restore(path)

    def open_restore(self, path: Path | None = None) -> RestoreWizard | None:
        """The restore wizard (administrator); once restored, the software starts again."""
        if not allows(self.services.accounts, Right.RESTORE):
            return None
        from tthc_desk.services.restore_access import restorable_backups, restorer_for
        from tthc_desk.ui.restore_wizard import RestoreWizard

        services = self.services
        also = services.backups.settings().destinations
        wizard = RestoreWizard(
            restorer_for(services),
            services.folder,
            restorable_backups(services.paths, also),
            self.runner,
            self,
            chosen=path,
            before_restore=self._before_restore,
            after_failure=self._after_failed_restore,
        )
        wizard.finished.connect(lambda _result: self._on_restore_finished(wizard))
        self.dialog = open_dialog(wizard)
        return wizard

    def _before_restore(self) -> None:
        """Nothing may hold the database while its file is swapped: stop the timers and the
        work under way, then close every connection."""
        self.background.stop()
        self.idle.pause()
        self.runner.wait(30_000)
        self.services.close()

    def _after_failed_restore(self) -> None:
        # The database was not touched: the window carries on (connections reopen on use).
        self.idle.resume()
        self.background.start()

    def _on_restore_finished(self, wizard: RestoreWizard) -> None:
        if wizard.outcome is not None:
            self.restart()

    def restart(self) -> None:
        """After a restore: start the software again on the restored database, then close."""
        if not self.relaunch():
            QMessageBox.information(
                self,
                self.tr("Mở lại phần mềm"),
                self.tr(
                    "Đã khôi phục dữ liệu nhưng không tự mở lại được phần mềm: hãy mở lại "
                    "TTHC Desk như thường lệ."
                ),
            )
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()
