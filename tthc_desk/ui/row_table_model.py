"""The plumbing shared by the flat table models: one row per item, one header per column.

A subclass sets ``_rows`` (its items) and ``_headers`` (translated column titles) and writes only
``data`` (and ``flags``/``setData`` when editable); row and column counts and horizontal headers
come from here, so every such model answers qtmodeltester the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """A flat table over ``_rows`` with the column titles in ``_headers``."""

    _rows: list[Any]
    _headers: tuple[str, ...]

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def item(self, index: Index) -> Any | None:
        """The row object behind ``index``, or None for an index outside the rows."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None
