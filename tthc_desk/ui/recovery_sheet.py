"""The *Phiếu khóa khôi phục dữ liệu* on screen: its print preview, and the line that reminds the
administrator to print it until it was printed once.

The sheet is made by :class:`~tthc_desk.services.recovery_service.RecoveryService` (the
administrator only; every sheet made is journalled) and shown in the same preview as every other
printed form (:mod:`tthc_desk.ui.print_preview`). Two places open it: *Hệ thống → In phiếu khóa
khôi phục dữ liệu…* in the main window, and the last page of the first-run setup, where nobody
is logged in yet: the wizard passes the administrator it has just created as ``acting``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from tthc_desk.domain.access import Actor, Right
from tthc_desk.services.container import Services
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.print_preview import ReceiptDialog
from tthc_desk.ui.rights import allows
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

FILE_NAME = "phieu-khoa-khoi-phuc-du-lieu.pdf"
#: A quiet amber: something to do, not an alarm (the integrity banner is the red one).
REMINDER_BACKGROUND = "#fff4d6"
REMINDER_BORDER = "#e0a800"


def open_recovery_sheet(
    parent: QWidget,
    services: Services,
    runner: TaskRunner,
    *,
    acting: Actor | None = None,
    on_open: Callable[[ReceiptDialog], None] | None = None,
) -> None:
    """Make the sheet off the GUI thread, then show its preview (an error is shown instead).

    ``acting``: who makes it when nobody is logged in (the administrator the first-run setup
    has just created); the right is checked for them as for anyone."""

    def make() -> bytes:
        if acting is None:
            return services.recovery.sheet_pdf()
        with services.accounts.acting_as(acting):  # in the worker's thread, where it runs
            return services.recovery.sheet_pdf()

    def shown(pdf: bytes) -> None:
        dialog = ReceiptDialog(
            pdf,
            title=translate("RecoverySheet", "Phiếu khóa khôi phục dữ liệu"),
            file_name=FILE_NAME,
            output_dir=services.paths.output_dir,
            runner=runner,
            parent=parent,
            secret=True,
            form="recovery_sheet",
        )
        open_dialog(dialog)
        if on_open is not None:
            on_open(dialog)

    # A write (the moment it was printed, journalled): on the runner's one writing thread.
    runner.run(
        make,
        shown,
        lambda exc: show_error(parent, exc),
        write=True,
        label=translate("RecoverySheet", "Tạo phiếu khóa khôi phục"),
    )


class RecoveryReminder(QFrame):
    """A line across the top of the main window while the sheet was never printed, for the
    administrator only; ``button`` prints it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryReminder")
        self.setStyleSheet(
            f"#recoveryReminder {{ background: {REMINDER_BACKGROUND}; "
            f"border-bottom: 1px solid {REMINDER_BORDER}; }}"
        )
        self.text_label = QLabel(
            self.tr(
                "Chưa in Phiếu khóa khôi phục dữ liệu. Không có phiếu này, khi đổi máy hoặc cài "
                "lại Windows sẽ không mở được dữ liệu và các bản sao lưu. Hãy in và giao người "
                "đứng đầu cơ quan cất giữ."
            )
        )
        self.text_label.setObjectName("recoveryReminderText")
        self.text_label.setWordWrap(True)
        self.button = QPushButton(self.tr("In phiếu khóa khôi phục…"))
        self.button.setObjectName("recoveryReminderButton")
        self.button.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.addWidget(self.text_label, 1)
        row.addWidget(self.button)
        self.hide()

    def refresh(self, services: Services) -> None:
        """Shown to the administrator while this office's sheet was never printed."""
        try:
            needed = allows(services.accounts, Right.RECOVERY_KEY) and (
                services.recovery.sheet_needed()
            )
        except Exception:  # a reminder never stops the window
            log.exception("Could not read when the recovery key sheet was printed")
            needed = False
        self.setVisible(needed)
