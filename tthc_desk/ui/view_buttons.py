"""A row of exclusive, checkable buttons — one per view of a list — each with its count.

The attention page (overdue, due today, due soon, to close) and the postal page (one button per
delivery state) both choose what their table shows this way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget


class ViewButtons(QWidget):
    """``view_chosen(key)`` when the clerk clicks a button; :meth:`select` does not emit."""

    view_chosen = Signal(object)

    def __init__(
        self, views: Sequence[tuple[Hashable, str]], context: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._labels = {key: QCoreApplication.translate(context, label) for key, label in views}
        self.buttons: dict[Hashable, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)
        for key, text in self._labels.items():
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.clicked.connect(self._clicked(key))
            self._group.addButton(button)
            self.buttons[key] = button
            self.row.addWidget(button)
        self.row.addStretch(1)

    def select(self, key: Hashable) -> None:
        self.buttons[key].setChecked(True)

    def set_counts(self, counts: Mapping[Hashable, int]) -> None:
        for key, button in self.buttons.items():
            button.setText(f"{self._labels[key]} ({counts.get(key, 0)})")

    def _clicked(self, key: Hashable) -> Callable[[], None]:
        return lambda: self.view_chosen.emit(key)
