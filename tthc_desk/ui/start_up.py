"""From start to the main window: first-run setup, login, a temporary password changed.

1. A real database whose office is not set up opens the first-run wizard (office, hours, units,
   the first administrator); nothing can be received before it is complete. Cancelled: the
   application ends. The demo database needs no setup.
2. The login (:class:`~tthc_desk.ui.login_dialog.LoginDialog`); "Thoát" ends the application.
3. A temporary password (a new account, a reset) is changed before any work; "Thoát" ends.
4. The main window, with the person logged in.

Each step is a dialog opened without blocking (``open()``), so the tests drive the whole flow
with pytest-qt; ``dialog`` is the step on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from tthc_desk.domain.access import Role
from tthc_desk.services.container import Services
from tthc_desk.services.settings_service import SETUP_COMMAND
from tthc_desk.ui.login_dialog import ChangePasswordDialog, LoginDialog
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

WizardFactory = Callable[[Services], QDialog]


def setup_wizard_factory() -> WizardFactory | None:
    """The first-run wizard's class (imported when first needed: most starts never show it).

    None would leave the message that names ``tthc-desk setup`` (a test checks that path)."""
    from tthc_desk.ui.setup_wizard import SetupWizard

    return SetupWizard


class StartUp(QObject):
    """``window_shown(window)`` once someone logged in and the main window is on screen;
    ``cancelled()`` when the person left at any step (the application then ends)."""

    window_shown = Signal(object)
    cancelled = Signal()

    def __init__(
        self,
        services: Services,
        make_window: Callable[[], QWidget],
        parent: QObject | None = None,
        *,
        wizard: WizardFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._make_window = make_window
        self._wizard = wizard
        self._runner = TaskRunner(self, synchronous=True)  # a password change, then on
        self.dialog: QDialog | None = None
        self.window: QWidget | None = None

    def start(self) -> None:
        settings = self._services.settings
        if settings.is_demo() or settings.is_set_up():
            self._open_login()
        else:
            self._open_wizard()

    def _show(self, dialog: QDialog, on_finished: Callable[[int], None]) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(on_finished)
        self.dialog = dialog
        dialog.open()

    # -- 1. first run ---------------------------------------------------------------------------
    def _open_wizard(self) -> None:
        factory = self._wizard or setup_wizard_factory()
        if factory is None:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                self.tr("Chưa khai báo cơ quan"),
                self.tr(
                    "Bản cài đặt này thiếu phần khai báo ban đầu. Hãy khai báo cơ quan và tài "
                    "khoản quản trị bằng lệnh:\n{0}"
                ).format(SETUP_COMMAND),
                QMessageBox.StandardButton.Close,
            )
            self._show(box, lambda _result: self.cancelled.emit())
            return
        self._show(factory(self._services), self._on_wizard_finished)

    def _on_wizard_finished(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted or not self._services.settings.is_set_up():
            self.cancelled.emit()
            return
        admins = [a for a in self._services.accounts.list() if Role.ADMIN in a.roles]
        self._open_login(admins[0].username if admins else None)

    # -- 2. login -------------------------------------------------------------------------------
    def _open_login(self, username: str | None = None) -> None:
        dialog = LoginDialog(self._services)
        if username:
            dialog.start(username)
        self._show(dialog, lambda result: self._on_login_finished(dialog, result))

    def _on_login_finished(self, dialog: LoginDialog, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            self.cancelled.emit()
        elif self._services.accounts.must_change_password:
            self._open_password_change(dialog.take_password())
        else:
            self._open_window()

    # -- 3. a temporary password -------------------------------------------------------------
    def _open_password_change(self, typed: str) -> None:
        dialog = ChangePasswordDialog(self._services, self._runner, forced=True, old_password=typed)
        self._show(dialog, self._on_password_change_finished)

    def _on_password_change_finished(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._open_window()
        else:
            self._services.accounts.logout()
            self.cancelled.emit()

    # -- 4. the main window ---------------------------------------------------------------------
    def _open_window(self) -> None:
        self.dialog = None
        self.window = self._make_window()
        self.window.show()
        self.window_shown.emit(self.window)
