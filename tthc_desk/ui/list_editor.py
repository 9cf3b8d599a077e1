"""The buttons beside a list edited in place: add a row, remove rows, move a row up or down.

One implementation for every such list (a procedure's papers, the office's units).
The view's own model removes and moves (``removeRows``/``moveRows``, which
:class:`~tthc_desk.ui.row_table_model.RowTableModel` and ``QListWidget`` both provide), so a list
only says what a new row holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from tthc_desk.ui.row_table_model import shift_row
from tthc_desk.ui.widgets import ChoiceDelegate


def edited_table(
    model: QAbstractItemModel,
    *,
    stretch: int,
    widths: Mapping[int, int],
    choices: tuple[int, list[tuple[str, str]]] | None = None,
) -> QTableView:
    """A table edited in place: whole rows selected, no row numbers, column ``stretch`` takes
    the width left, ``widths`` by column; ``choices``: a column whose cell is a code chosen in
    a combo box of (code, label)."""
    view = QTableView()
    view.setModel(model)
    if choices is not None:
        column, labelled = choices
        view.setItemDelegateForColumn(column, ChoiceDelegate(labelled, view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, width in widths.items():
        header.resizeSection(column, width)
    return view


class ListEditor(QObject):
    """Buttons acting on ``view``; ``new_row`` adds a row and returns the cell to edit first.

    Lay out ``buttons_layout`` beside the view (a column with ``vertical``, else a row).
    """

    def __init__(
        self,
        view: QAbstractItemView,
        new_row: Callable[[], QModelIndex],
        add_text: str,
        remove_text: str,
        *,
        move_texts: tuple[str, str] | None = None,
        vertical: bool = False,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._new_row = new_row
        self.add_button = QPushButton(add_text)
        self.remove_button = QPushButton(remove_text)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        buttons = [self.add_button, self.remove_button]
        self.up_button: QPushButton | None = None
        self.down_button: QPushButton | None = None
        if move_texts is not None:
            self.up_button, self.down_button = (QPushButton(t) for t in move_texts)
            self.up_button.clicked.connect(self._on_up_button_clicked)
            self.down_button.clicked.connect(self._on_down_button_clicked)
            buttons += [self.up_button, self.down_button]
        self.buttons_layout: QBoxLayout = QVBoxLayout() if vertical else QHBoxLayout()
        for b in buttons:
            b.setAutoDefault(False)
            self.buttons_layout.addWidget(b)
        self.buttons_layout.addStretch(1)

    def remove_selected(self) -> None:
        """Remove the selected rows (the current one when none is selected)."""
        selection = self._view.selectionModel()
        rows = {i.row() for i in selection.selectedRows()} if selection else set()
        current = self._view.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        for row in sorted(rows, reverse=True):
            self._view.model().removeRows(row, 1)

    def move_current(self, step: int) -> None:
        """Move the current row one place up (-1) or down (+1); it stays current."""
        current = self._view.currentIndex()
        if current.isValid():
            model = self._view.model()
            row = shift_row(model, current.row(), step)
            self._view.setCurrentIndex(model.index(row, current.column()))

    def _on_add_button_clicked(self) -> None:
        index = self._new_row()
        self._view.setCurrentIndex(index)
        self._view.edit(index)

    def _on_remove_button_clicked(self) -> None:
        self.remove_selected()

    def _on_up_button_clicked(self) -> None:
        self.move_current(-1)

    def _on_down_button_clicked(self) -> None:
        self.move_current(1)
