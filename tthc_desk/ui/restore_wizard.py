"""The restore wizard: put a verified backup in place of the database, from the main window
(*Hệ thống → Sao lưu và khôi phục*, the red banner of a damaged database) or at start-up when
the database could not be opened (:func:`restore_at_start`).

Steps: choose a backup (the list of every known destination, or a file on a USB drive); the
recovery key only when this PC has no key that opens it; the backup checked off the GUI thread,
what a restore would lose (``RestorePlan.lost_sentence``) and the login of an administrator *of
the backup* (``RestoreService.authorise``); a last confirmation naming where the current
database goes and the date of the backup; the restore itself off the GUI thread with a busy
bar; the outcome. Keyboard: Enter goes on, Esc cancels (not while the restore runs).

How the software reopens: the restore replaces the database file under the open program, so
the program must open it again from the start (key, upgrade, login: the restored database's
accounts are now in force). From the main window, :func:`relaunch_application` starts a new
process with the same arguments and the window closes (``MainWindow.restart``); at start-up,
:func:`restore_at_start` returns True and the start-up code opens the data folder again.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QProcess, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget, QWizard

from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import LoginError, TthcError
from tthc_desk.paths import AppPaths
from tthc_desk.services.backup_service import BackupInfo
from tthc_desk.services.data_folder import DataFolder
from tthc_desk.services.restore_access import (
    CredentialStore,
    folder_and_restorer,
    needs_recovery_key,
    restorable_backups,
)
from tthc_desk.services.restore_service import RestoreOutcome, RestorePlan, RestoreService
from tthc_desk.ui.backup_table import when_text
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.restore_pages import (
    CHOOSE,
    CONFIRM,
    DETAILS,
    DONE,
    KEY,
    ChoosePage,
    ConfirmPage,
    DetailsPage,
    DonePage,
    KeyPage,
    RestoreState,
)
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, TthcError) else str(exc) or type(exc).__name__


class RestoreWizard(QWizard):
    """See the module. ``before_restore`` runs on the GUI thread just before the files are
    swapped (the main window stops its work and closes its database there); ``after_failure``
    when the restore failed (the current database is untouched: the window carries on).
    ``outcome`` is set once restored; the wizard then ends Accepted whichever way it closes."""

    def __init__(
        self,
        service: RestoreService,
        folder: DataFolder,
        backups: list[BackupInfo],
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
        *,
        chosen: Path | None = None,
        before_restore: Callable[[], None] | None = None,
        after_failure: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreWizard")
        self.setWindowTitle(self.tr("Khôi phục dữ liệu từ bản sao lưu"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self._service = service
        self._folder = folder
        self._runner = runner or TaskRunner(self)
        self._before = before_restore
        self._after_failure = after_failure
        self._generation = 0
        self.running = False
        self.state = RestoreState(path=chosen)
        self.choose_page = ChoosePage(self.state, backups)
        self.key_page = KeyPage(self.state)
        self.details_page = DetailsPage(self.state)
        self.confirm_page = ConfirmPage(self.state)
        self.done_page = DonePage(self.state)
        for page_id, page in (
            (CHOOSE, self.choose_page),
            (KEY, self.key_page),
            (DETAILS, self.details_page),
            (CONFIRM, self.confirm_page),
            (DONE, self.done_page),
        ):
            self.setPage(page_id, page)
        for which, text in {
            QWizard.WizardButton.BackButton: self.tr("< &Quay lại"),
            QWizard.WizardButton.NextButton: self.tr("&Tiếp theo >"),
            QWizard.WizardButton.FinishButton: self.tr("&Mở lại phần mềm"),
            QWizard.WizardButton.CancelButton: self.tr("Hủy"),
        }.items():
            self.setButtonText(which, text)
        self.currentIdChanged.connect(self._on_self_current_id_changed)
        self._fit_screen()

    def _fit_screen(self) -> None:
        width, height = 980, 600
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 24), min(height, room.height() - 48)
        self.setMinimumSize(720, 480)
        self.resize(max(width, 720), max(height, 480))

    @property
    def outcome(self) -> RestoreOutcome | None:
        return self.state.outcome

    # -- moving between pages ---------------------------------------------------------------
    def validateCurrentPage(self) -> bool:
        page = self.currentId()
        if page == CHOOSE:
            assert self.state.path is not None
            self.state.key_needed = needs_recovery_key(self._folder, self.state.path)
            if not self.state.key_needed:
                self.state.recovery_key = None
        elif page == DETAILS:
            return super().validateCurrentPage() and self._authorise()
        elif page == CONFIRM:
            if self.state.outcome is not None:
                return True
            self.start_restore()
            return False
        return super().validateCurrentPage()

    def _on_self_current_id_changed(self, page: int) -> None:
        if page == DETAILS and self.state.plan is None:
            self._check()
        elif page == CONFIRM:
            self.confirm_page.set_sentence(self.confirm_html())

    def _check(self) -> None:
        """The chosen backup verified and compared with the current database, off the GUI
        thread; only the newest answer is shown."""
        path, key, service = self.state.path, self.state.recovery_key, self._service
        assert path is not None
        self._generation += 1
        generation = self._generation
        self.details_page.show_checking()

        def done(plan: RestorePlan) -> None:
            if generation == self._generation:
                self.state.plan = plan
                self.details_page.show_plan(plan)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                log.warning("Restore plan refused: %s", _message(exc))
                self.details_page.show_refusal(_message(exc))

        self._runner.run(
            lambda: service.plan(path, key), done, failed, label=self.tr("Kiểm tra bản sao lưu")
        )

    def _authorise(self) -> bool:
        plan = self.state.plan
        assert plan is not None
        page = self.details_page
        try:
            self.state.actor = self._service.authorise(
                plan, page.user_edit.text(), page.password_edit.text()
            )
        except LoginError as e:
            page.show_login_error(e.message)
            return False
        except TthcError as e:  # an account of the backup without the right to restore
            page.show_login_error(e.message)
            return False
        page.login_error.hide()
        return True

    def confirm_html(self) -> str:
        plan = self.state.plan
        assert plan is not None
        paths = self._folder.paths
        when = when_text(plan.backup)
        if self._service.on_server:
            first = self.tr(
                "Dữ liệu của cả cơ quan trên {0} sẽ được sao lưu vào thư mục “{1}” (tên bắt đầu "
                "bằng “truoc-khoi-phuc-”) rồi thay bằng bản sao lưu ngày {2}. Các quầy khác "
                "thấy ngay dữ liệu đã khôi phục: hãy báo họ dừng tiếp nhận trong lúc này."
            ).format(escape(self._service.where), escape(str(paths.backup_dir)), escape(when))
        elif paths.database_file.exists():
            first = self.tr(
                "Cơ sở dữ liệu hiện tại sẽ được cất sang thư mục “{0}” (tên bắt đầu bằng "
                "“truoc-khoi-phuc-”) và thay bằng bản sao lưu ngày {1}."
            ).format(escape(str(paths.backup_dir)), escape(when))
        else:
            first = self.tr(
                "Chưa có cơ sở dữ liệu hiện tại: bản sao lưu ngày {0} sẽ được đặt vào “{1}”."
            ).format(escape(when), escape(str(paths.database_file)))
        lost = plan.lost.count > 0 or not plan.lost.readable
        second = escape(plan.lost_sentence())
        if lost:
            second = f"<span style='color:#c62828; font-weight:bold'>{second}</span>"
        third = self.tr(
            "Sau khi khôi phục, phần mềm mở lại; tài khoản và mật khẩu là của bản sao lưu."
        )
        scans = escape(plan.scans_sentence())
        if plan.scan_problems:  # agreeing on this page accepts them (restore(accept_…))
            scans = f"<span style='color:#c62828; font-weight:bold'>{scans}</span>"
        scans = f"<p>{scans}</p>" if scans else ""
        return f"<p><b>{first}</b></p><p>{second}</p>{scans}<p>{escape(third)}</p>"

    # -- the restore ------------------------------------------------------------------------
    def start_restore(self) -> None:
        plan, actor, service = self.state.plan, self.state.actor, self._service
        if self.running or plan is None or actor is None:
            return
        self.running = True
        page = self.confirm_page
        page.agree_box.setEnabled(False)
        for which in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.CancelButton,
        ):
            self.button(which).setEnabled(False)
        page.busy.show()
        page.progress_label.setStyleSheet("")
        page.progress_label.setText(
            self.tr(
                "Đang khôi phục: chép bản sao lưu, kiểm tra lại, thay cơ sở dữ liệu… "
                "Xin đừng tắt máy."
            )
        )
        if self._before is not None:
            self._before()
        self._runner.run(
            # The confirm page listed the scans that cannot come back; agreeing accepts them.
            lambda: service.restore(plan, actor, accept_missing_scans=True),
            self._on_restored,
            self._on_restore_failed,
            label=self.tr("Khôi phục dữ liệu"),
        )

    def _on_restored(self, outcome: RestoreOutcome) -> None:
        self.running = False
        self.state.outcome = outcome
        plan = self.state.plan
        assert plan is not None
        lines = [
            self.tr("Đã khôi phục dữ liệu từ bản sao lưu ngày {0}.").format(when_text(plan.backup))
        ]
        if outcome.aside is not None:
            lines.append(
                self.tr("Cơ sở dữ liệu trước khi khôi phục được giữ tại {0}.").format(outcome.aside)
            )
        lines.append(
            self.tr(
                "Bấm “Mở lại phần mềm”: phần mềm mở lại trên dữ liệu vừa khôi phục; đăng nhập "
                "bằng tài khoản có trong bản sao lưu."
            )
        )
        self.done_page.set_text("\n\n".join(lines))
        self.confirm_page.busy.hide()
        self.next()

    def _on_restore_failed(self, exc: BaseException) -> None:
        self.running = False
        log.error("Restore failed", exc_info=exc)
        page = self.confirm_page
        page.busy.hide()
        page.agree_box.setEnabled(True)
        page.progress_label.setStyleSheet("color: #c62828; font-weight: bold;")
        page.progress_label.setText(
            self.tr("Chưa khôi phục được: {0} Dữ liệu hiện tại vẫn giữ nguyên.").format(
                _message(exc)
            )
        )
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(True)
        self.button(QWizard.WizardButton.NextButton).setEnabled(page.isComplete())
        if self._after_failure is not None:
            self._after_failure()

    # -- closing ------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        if self.running:
            return  # the swap is under way: nothing closes the wizard until it has ended
        if self.state.outcome is not None:
            result = QDialog.DialogCode.Accepted.value
        super().done(result)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.running:
            event.accept()
            return
        super().keyPressEvent(event)


# -- reopening ------------------------------------------------------------------------------
def relaunch_command() -> tuple[str, list[str]]:
    """The program and arguments that started this process (a frozen build: its .exe)."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, ["-m", "tthc_desk", *sys.argv[1:]]


def relaunch_application() -> bool:
    """Start the software again in a new process (same arguments, same folder): the restored
    database is opened from the start. False: it could not be started (say so to the user)."""
    program, args = relaunch_command()
    result = QProcess.startDetached(program, args, os.getcwd())
    ok = bool(result[0] if isinstance(result, tuple) else result)
    log.info("Relaunch after a restore: %s %s → %s", program, args, ok)
    return ok


# -- at start-up ----------------------------------------------------------------------------
def start_box(message: str, backups: list[BackupInfo], parent: QWidget | None) -> QMessageBox:
    """The start-up error with the way out: *Khôi phục từ bản sao lưu…* or *Thoát*."""
    box = QMessageBox(parent)
    box.setObjectName("restoreAtStartBox")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(translate("RestoreWizard", "Không mở được dữ liệu"))
    box.setText(message)
    sound = [b for b in backups if b.verified]
    if sound:
        info = translate(
            "RestoreWizard",
            "Bản sao lưu gần nhất đã kiểm tra đạt: {0}. Khôi phục cần tài khoản Quản trị có "
            "trong bản sao lưu.",
        ).format(when_text(sound[0]))
    else:
        info = translate(
            "RestoreWizard",
            "Không tìm thấy bản sao lưu nào trên máy này. Nếu có bản sao lưu trên ổ USB, hãy "
            "cắm vào rồi chọn “Khôi phục từ bản sao lưu…” và “Chọn tệp khác…”.",
        )
    box.setInformativeText(info)
    restore = box.addButton(
        translate("RestoreWizard", "&Khôi phục từ bản sao lưu…"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    restore.setObjectName("restoreButton")
    close = box.addButton(translate("RestoreWizard", "Thoát"), QMessageBox.ButtonRole.RejectRole)
    close.setObjectName("quitButton")
    box.setDefaultButton(restore)
    box.setEscapeButton(close)
    return box


def restore_at_start(
    paths: AppPaths,
    message: str,
    parent: QWidget | None = None,
    *,
    clock: Clock | None = None,
    credentials: CredentialStore | None = None,
    runner: TaskRunner | None = None,
) -> bool:
    """The database could not be opened (missing, cut short, damaged): show ``message`` and
    offer the restore wizard. True: a backup was restored, open the data folder again; False:
    the person chose *Thoát* (the application ends). A wizard cancelled shows the message
    again. ``clock``, ``credentials`` and ``runner`` are for tests."""
    folder, service = folder_and_restorer(paths, clock, credentials)
    while True:
        backups = restorable_backups(paths)
        box = start_box(message, backups, parent)
        box.exec()
        if box.clickedButton() is not box.defaultButton():
            return False
        wizard = RestoreWizard(service, folder, backups, runner, parent)
        wizard.exec()
        if wizard.outcome is not None:
            return True
