"""*Trợ giúp → Hướng dẫn sử dụng* (F1): the Vietnamese manual inside the application.

The text is the README's chapter "Hướng dẫn sử dụng" as shipped in ``resources/manual/``
(:mod:`tthc_desk.manual`), shown by Qt's own Markdown reader in a read-only browser: no network,
no web engine. A search line finds words in it as typed (Enter: next, Shift+Enter: previous).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.manual import for_display, manual_text
from tthc_desk.ui.display import muted_label


class ManualDialog(QDialog):
    """The manual, with a search line; not modal, so it can stay open beside the work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manualDialog")
        self.setWindowTitle(self.tr("Hướng dẫn sử dụng"))
        self.setModal(False)
        self.resize(920, 640)
        self.browser = QTextBrowser()
        self.browser.setObjectName("manualBrowser")
        self.browser.setOpenLinks(False)  # nothing leaves the application
        try:
            text = manual_text()
        except OSError:
            text = self.tr("Không tìm thấy tệp hướng dẫn sử dụng trong bộ cài của phần mềm.")
        self.browser.document().setDocumentMargin(12)
        font = self.browser.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.browser.setFont(font)
        self.browser.setMarkdown(for_display(text))
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("manualSearch")
        self.search_edit.setPlaceholderText(self.tr("Tìm trong hướng dẫn (Ctrl+F)…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self.find_next)
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.result_label = muted_label()
        QShortcut(QKeySequence.StandardKey.Find, self, self._on_find_shortcut)
        QShortcut(QKeySequence("Shift+Return"), self.search_edit, self.find_previous)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Đóng"))
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Tìm:")))
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.result_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)

    def find_next(self) -> bool:
        return self._find(QTextDocument.FindFlag(0))

    def find_previous(self) -> bool:
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        words = self.search_edit.text().strip()
        if not words:
            self.result_label.clear()
            return False
        found = self.browser.find(words, flags)
        if not found:  # wrap around once
            cursor = self.browser.textCursor()
            backward = bool(flags & QTextDocument.FindFlag.FindBackward)
            move = cursor.MoveOperation
            cursor.movePosition(move.End if backward else move.Start)
            self.browser.setTextCursor(cursor)
            found = self.browser.find(words, flags)
        self.result_label.setText("" if found else self.tr("Không thấy “{0}”.").format(words))
        return found

    def _on_search_edit_text_edited(self, _text: str) -> None:
        cursor = self.browser.textCursor()
        cursor.setPosition(cursor.selectionStart())  # search again from the current match
        self.browser.setTextCursor(cursor)
        self.find_next()

    def _on_find_shortcut(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
