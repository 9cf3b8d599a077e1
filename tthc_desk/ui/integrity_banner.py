"""The red lines across the top of the main window: the last check of the data against the
journal found changes made outside the software (:class:`IntegrityBanner`), or a check of the
database file found it damaged (:class:`DamageBanner`).

Only the head of office and the administrator see it (they may check the data); a clerk would
not know what to do with it. The window refreshes it after a login or an unlock and after every
check (the start-up ones and those of the dialog).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from tthc_desk.ui.display import ERROR_COLOR


class IntegrityBanner(QFrame):
    """Hidden until :meth:`show_check` gets a check that was not ok; ``button`` opens the
    dialog of the checks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("integrityBanner")
        self.setStyleSheet(
            f"#integrityBanner {{ background: {ERROR_COLOR}; }}"
            "#integrityBanner QLabel { color: white; font-weight: bold; }"
        )
        self.text_label = QLabel()
        self.text_label.setObjectName("integrityBannerText")
        self.text_label.setWordWrap(True)
        self.button = QPushButton(self.tr("Kiểm tra toàn vẹn dữ liệu…"))
        self.button.setObjectName("integrityBannerButton")
        self.button.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.text_label, 1)
        row.addWidget(self.button)
        self.hide()

    def show_check(self, last: dict[str, Any] | None) -> None:
        """Show the outcome ``last`` (``JournalService.last_check()``) when it found problems."""
        if last is None or last.get("ok", True):
            self.hide()
            return
        first = str(last.get("first") or "").strip().rstrip(".")
        self.text_label.setText(
            self.tr(
                "Phát hiện dữ liệu bị sửa ngoài phần mềm: {0}. "
                "Mở Hệ thống → Kiểm tra toàn vẹn dữ liệu."
            ).format(first)
        )
        self.show()


class DamageBanner(QFrame):
    """Red, for everyone, once a check found the database file damaged: writes are stopped and
    the text says what to do (restore the last verified backup)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damageBanner")
        self.setStyleSheet(
            f"#damageBanner {{ background: {ERROR_COLOR}; }}"
            "#damageBanner QLabel { color: white; font-weight: bold; }"
        )
        self.text_label = QLabel()
        self.text_label.setObjectName("damageBannerText")
        self.text_label.setWordWrap(True)
        #: Opens the restore wizard; the window shows it to the administrator only.
        self.restore_button = QPushButton(self.tr("Khôi phục…"))
        self.restore_button.setObjectName("damageRestoreButton")
        self.restore_button.setAutoDefault(False)
        self.restore_button.hide()
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(12, 6, 12, 6)
        self.row.addWidget(self.text_label, 1)
        self.row.addWidget(self.restore_button)
        self.hide()

    def show_damage(self, message: str | None) -> None:
        """``message``: ``HealthService.damaged`` (None: the file is sound, hide)."""
        if not message:
            self.hide()
            return
        self.text_label.setText(message)
        self.show()
