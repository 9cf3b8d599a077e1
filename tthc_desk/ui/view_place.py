"""Where the clerk is in a table, kept across a reload of its rows.

A list refreshed because another counter PC saved something must not move under the clerk: the
rows they selected stay selected, the current row stays current, and the row at the top of the
view stays at the top (a new dossier arriving above it does not push it down). Rows are found
again by a key (a dossier code, a letter's id), not by their position, which the reload changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

#: The key of the row at a position of the view's model.
RowKey = Callable[[int], Hashable]


@dataclass(frozen=True)
class ViewPlace:
    selected: tuple[Hashable, ...]
    current: Hashable | None
    current_column: int
    top: Hashable | None
    scroll: int
    hscroll: int

    @classmethod
    def take(cls, view: QTableView, key: RowKey) -> ViewPlace:
        """The place in ``view`` now (before its model is reset)."""
        model, chosen = view.model(), view.selectionModel()
        rows = model.rowCount() if model is not None else 0
        selected = tuple(
            key(i.row()) for i in (chosen.selectedRows() if chosen is not None else [])
        )
        current = view.currentIndex()
        top_row = view.rowAt(0)
        return cls(
            selected=selected,
            current=key(current.row()) if current.isValid() and current.row() < rows else None,
            current_column=max(current.column(), 0),
            top=key(top_row) if 0 <= top_row < rows else None,
            scroll=view.verticalScrollBar().value(),
            hscroll=view.horizontalScrollBar().value(),
        )

    def restore(self, view: QTableView, key: RowKey) -> None:
        """Put ``view`` back at this place, as far as its rows are still there."""
        model, chosen = view.model(), view.selectionModel()
        if model is None or chosen is None:
            return
        rows = {key(r): r for r in range(model.rowCount())}
        last_column = max(model.columnCount() - 1, 0)
        selection = QItemSelection()
        for k in self.selected:
            if (r := rows.get(k)) is not None:
                selection.select(model.index(r, 0), model.index(r, last_column))
        flags = QItemSelectionModel.SelectionFlag
        chosen.select(selection, flags.ClearAndSelect | flags.Rows)
        if self.current is not None and (r := rows.get(self.current)) is not None:
            chosen.setCurrentIndex(model.index(r, self.current_column), flags.NoUpdate)
        if self.top is not None and (r := rows.get(self.top)) is not None:
            view.scrollTo(model.index(r, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        else:
            view.verticalScrollBar().setValue(self.scroll)
        view.horizontalScrollBar().setValue(self.hscroll)
