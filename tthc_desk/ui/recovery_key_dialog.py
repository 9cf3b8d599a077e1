"""At start-up, when this PC has no key to the office's encrypted database: ask for the recovery
key printed on the *Phiếu khóa khôi phục dữ liệu*.

That happens on a new PC (the data folder copied over), under another Windows account, or after
the keyring was cleared. The dialog says so, takes the 56 characters as they are typed (case,
spaces and dashes do not matter: :func:`~tthc_desk.domain.recovery_key.parse_key`), shows a
mistake under the field at once, and tries the key: a key that does not open the database says
so and may be typed again; one that does is kept on this PC (``open_services(recovery_key=…)``)
and the start goes on. "Thoát" ends the start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.recovery_key import ALPHABET, CHECK_CHARS, DATA_CHARS, parse_key
from tthc_desk.services.container import Services
from tthc_desk.ui.display import error_label, heading_font, muted_label

log = logging.getLogger(__name__)

#: Opens the database with a recovery key: the services, or a ``TthcError`` saying why not.
KeyOpener = Callable[[bytes], Services]
KEY_CHARS = DATA_CHARS + CHECK_CHARS


def key_font(base: QFont) -> QFont:
    """A fixed-width face, large enough to compare with the sheet group by group."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * 1.2)
    return font


class RecoveryKeyDialog(QDialog):
    """Asks for the recovery key until it opens the database (``services`` is then set and the
    dialog accepted) or the person leaves ("Thoát": rejected)."""

    def __init__(self, message: str, open_with: KeyOpener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self._open_with = open_with
        #: The services opened with the key, once it worked.
        self.services: Services | None = None
        self.setWindowTitle(self.tr("Cần khóa khôi phục dữ liệu – TTHC Desk"))
        self.setMinimumWidth(720)

        title = QLabel(self.tr("Máy này chưa có khóa để mở dữ liệu của cơ quan"))
        title.setFont(heading_font(self.font(), 1.25))
        title.setWordWrap(True)
        self.message_label = QLabel(message)
        self.message_label.setObjectName("recoveryKeyMessage")
        self.message_label.setWordWrap(True)
        # The message (DataFolder's) says why: a new PC, another Windows account, a keyring
        # that was cleared. What follows says what to do when the sheet cannot be found.
        lost = muted_label(
            self.tr(
                "Không tìm thấy phiếu: hãy mở phần mềm trên máy cũ, bằng đúng tài khoản Windows "
                "cũ, rồi in lại phiếu (Hệ thống → In phiếu khóa khôi phục dữ liệu…)."
            )
        )
        prompt = QLabel(
            self.tr(
                "Gõ khóa khôi phục trên Phiếu khóa khôi phục dữ liệu (người đứng đầu cơ quan "
                "giữ): {0} ký tự, 14 nhóm 4 ký tự. Chữ hoa hay thường, có hay không có dấu "
                "gạch ngang đều được."
            ).format(KEY_CHARS)
        )
        prompt.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("recoveryKeyEdit")
        self.key_edit.setFont(key_font(self.font()))
        self.key_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-…")
        self.key_edit.setMaxLength(160)
        self.key_edit.textEdited.connect(self._on_key_edit_text_edited)
        prompt.setBuddy(self.key_edit)
        self.count_label = muted_label()
        self.error = error_label()
        self.error.setObjectName("recoveryKeyError")

        self.open_button = QPushButton(self.tr("Mở bằng khóa khôi phục"))
        self.open_button.setDefault(True)
        self.quit_button = QPushButton(self.tr("Thoát"))
        self.quit_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.try_open)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.message_label)
        layout.addSpacing(6)
        layout.addWidget(prompt)
        layout.addWidget(self.key_edit)
        layout.addWidget(self.count_label)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(lost)
        layout.addLayout(buttons)
        self._show_count()
        self.key_edit.setFocus()

    # -- typing --------------------------------------------------------------------------------
    def typed_count(self) -> int:
        """Characters of the key typed so far (dashes and spaces not counted)."""
        wanted = set(ALPHABET) | set("OILU")
        return sum(1 for c in self.key_edit.text().upper() if c in wanted)

    def _show_count(self) -> None:
        self.count_label.setText(
            self.tr("Đã gõ {0}/{1} ký tự.").format(self.typed_count(), KEY_CHARS)
        )

    def _on_key_edit_text_edited(self, _text: str) -> None:
        self.error.clear()
        self.error.hide()
        self._show_count()

    def show_problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.key_edit.setFocus()

    # -- trying the key --------------------------------------------------------------------------
    def try_open(self) -> bool:
        """Check the typed key, then open the database with it; a problem is shown under the
        field and the key may be corrected."""
        try:
            key = parse_key(self.key_edit.text())
        except ValidationError as exc:
            self.show_problem(exc.field_messages().get("recovery_key", exc.message))
            return False
        self.open_button.setEnabled(False)
        self.quit_button.setEnabled(False)
        self.error.hide()
        try:
            services = self._open_with(key)
        except TthcError as exc:
            log.warning("Recovery key refused: %s", exc.message)
            self.show_problem(exc.message)
            return False
        finally:
            self.open_button.setEnabled(True)
            self.quit_button.setEnabled(True)
        log.info("Database opened with the recovery key; the key is now kept on this PC")
        self.services = services
        self.accept()
        return True


def ask_recovery_key(message: str, open_with: KeyOpener) -> Services | None:
    """Show the dialog (blocking, at start-up: no window is open yet); the services opened with
    the key, or None when the person chose "Thoát"."""
    dialog = RecoveryKeyDialog(message, open_with)
    dialog.resize(780, 440)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.services
