"""Who is at the counter: chosen when the app opens, remembered, printed on every receipt.

Fully usable from the keyboard: type part of the name (accents optional) to narrow the list,
arrow keys to move, Enter to confirm.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.text import search_tokens
from tthc_desk.services.container import Services
from tthc_desk.ui.display import dialog_buttons
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.staff_model import role_labels

ROLE_ORDER = {"clerk": 0, "head": 1, "admin": 2}


class ClerkDialog(QDialog):
    """Pick the clerk at the counter among the active staff; saved with ``set_current_clerk``."""

    clerk_chosen = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(self.tr("Cán bộ tiếp nhận"))
        self.setMinimumSize(380, 360)

        intro = QLabel(
            self.tr("Chọn cán bộ đang ngồi tại quầy. Tên này được in trên giấy tiếp nhận.")
        )
        intro.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Gõ tên để tìm, không cần dấu"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.filter_edit.installEventFilter(self)
        self.list_widget = QListWidget()
        self.list_widget.setSpacing(3)
        font = self.list_widget.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.list_widget.setFont(font)
        self.list_widget.itemActivated.connect(self._on_list_widget_item_activated)
        self.list_widget.currentItemChanged.connect(self._on_list_widget_current_item_changed)

        self.buttons, self.ok_button, self.cancel_button = dialog_buttons(
            self, self.tr("Chọn"), self.tr("Hủy")
        )
        self.ok_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list_widget, 1)
        layout.addWidget(self.buttons)

        self._load()
        self.filter_edit.setFocus()

    # -- data ---------------------------------------------------------------------------------
    def _load(self) -> None:
        labels = role_labels()
        current = self._services.settings.current_clerk()
        members = sorted(
            self._services.settings.staff(), key=lambda m: (ROLE_ORDER.get(m.role, 9), m.name)
        )
        self.list_widget.clear()
        for m in members:
            item = QListWidgetItem(f"{m.name}  ·  {labels.get(m.role, m.role)}")
            item.setData(Qt.ItemDataRole.UserRole, m.name)
            self.list_widget.addItem(item)
            if m.name == current:
                self.list_widget.setCurrentItem(item)
        if self.list_widget.currentRow() < 0 and self.list_widget.count():
            self.list_widget.setCurrentRow(0)

    def selected_name(self) -> str:
        item = self.list_widget.currentItem()
        if item is None or item.isHidden():
            return ""
        return str(item.data(Qt.ItemDataRole.UserRole))

    def visible_names(self) -> list[str]:
        return [
            str(self.list_widget.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list_widget.count())
            if not self.list_widget.item(i).isHidden()
        ]

    # -- filtering and keyboard ---------------------------------------------------------------
    def _on_filter_edit_text_changed(self, text: str) -> None:
        tokens = search_tokens(text)
        first_visible: QListWidgetItem | None = None
        for i in range(self.list_widget.count()):
            item = self.list_widget.item(i)
            words = search_tokens(str(item.data(Qt.ItemDataRole.UserRole)))
            shown = all(any(w.startswith(t) for w in words) for t in tokens)
            item.setHidden(not shown)
            if shown and first_visible is None:
                first_visible = item
        current = self.list_widget.currentItem()
        if current is None or current.isHidden():
            if first_visible is None:
                self.list_widget.setCurrentRow(-1)
            else:
                self.list_widget.setCurrentItem(first_visible)
        self.ok_button.setEnabled(first_visible is not None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down in the search box move the selection in the list."""
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self._move_selection(-1 if key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp) else 1)
                return True
        return super().eventFilter(watched, event)

    def _move_selection(self, step: int) -> None:
        rows = [
            i for i in range(self.list_widget.count()) if not self.list_widget.item(i).isHidden()
        ]
        if not rows:
            return
        current = self.list_widget.currentRow()
        pos = rows.index(current) + step if current in rows else 0
        self.list_widget.setCurrentRow(rows[max(0, min(len(rows) - 1, pos))])

    def _on_list_widget_current_item_changed(
        self, current: QListWidgetItem | None, _previous: object
    ) -> None:
        self.ok_button.setEnabled(current is not None and not current.isHidden())

    def _on_list_widget_item_activated(self, _item: QListWidgetItem) -> None:
        self.accept()

    # -- result -------------------------------------------------------------------------------
    def accept(self) -> None:
        name = self.selected_name()
        if not name:
            return
        try:
            self._services.settings.set_current_clerk(name)
        except TthcError as exc:
            show_error(self, exc)
            return
        self.clerk_chosen.emit(name)
        super().accept()
