"""The table models of the screens, written once: one row per item, columns declared as data.

:class:`ColumnTableModel` is what a list declares: a :class:`Column` per column (its title and,
per role, how a row gives the cell: text, tooltip, sort key, edit value, check state, colours,
font, alignment) and ``row_roles`` for what holds across a whole row (the row object itself
under an item role, a background). Its ``data()`` is the only one; a model adds the state its
getters read (thresholds, the row being scanned) and, when editable, ``flags``/``setData``.

:class:`RowTableModel` under it holds the rows: counts, horizontal headers, the row behind an
index, and removing and moving rows, so every model answers qtmodeltester the same way. A model
that still writes its own ``data()`` over ``_headers`` (the outbox's) uses it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")
Role = Qt.ItemDataRole
#: How a row gives one cell's value for one role (None: nothing to show).
Cell = Callable[[R], Any]

_ROLE_OF_FIELD = {
    "display": Role.DisplayRole,
    "tooltip": Role.ToolTipRole,
    "edit": Role.EditRole,
    "check": Role.CheckStateRole,
    "foreground": Role.ForegroundRole,
    "background": Role.BackgroundRole,
    "font": Role.FontRole,
}


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: per role, how a row gives the cell, and the column's (translated) title.

    ``sort`` answers the model's ``sort_role`` (default: the displayed value); ``align`` is the
    same for every row. A role the column leaves empty falls to the model's ``row_roles``.
    """

    display: Cell[R]
    tooltip: Cell[R] | None = None
    edit: Cell[R] | None = None
    check: Cell[R] | None = None
    foreground: Cell[R] | None = None
    background: Cell[R] | None = None
    font: Cell[R] | None = None
    sort: Cell[R] | None = None
    align: Qt.AlignmentFlag | None = None
    title: str = ""
    roles: dict[int, Cell[R]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        roles: dict[int, Cell[R]] = {
            int(role): getter
            for name, role in _ROLE_OF_FIELD.items()
            if (getter := getattr(self, name)) is not None
        }
        if self.align is not None:
            aligned = int(self.align)
            roles[int(Role.TextAlignmentRole)] = lambda _x: aligned
        object.__setattr__(self, "roles", roles)


def same(x: R) -> R:
    """The row itself: the getter of an item role (``row_roles={ITEM_ROLE: same}``)."""
    return x


def shift_row(model: QAbstractItemModel, row: int, step: int) -> int:
    """Move ``row`` of a flat ``model`` ``step`` places up (-1) or down (+1); its new row."""
    target = row + step
    if not (0 <= row < model.rowCount() and 0 <= target < model.rowCount()):
        return row
    dest = target + 1 if step > 0 else target  # Qt's destination is "before this row"
    return target if model.moveRows(QModelIndex(), row, 1, QModelIndex(), dest) else row


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
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Role.DisplayRole and horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- editing the list of rows -------------------------------------------------------------
    def append_row(self, x: Any, column: int = 0) -> QModelIndex:
        """Add ``x`` at the end; the index of its ``column`` (to select and edit it)."""
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(x)
        self.endInsertRows()
        return self.index(row, column)

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or row < 0 or count < 1 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        return True

    def moveRows(
        self,
        sourceParent: Index,
        sourceRow: int,
        count: int,
        destinationParent: Index,
        destinationChild: int,
    ) -> bool:
        n = len(self._rows)
        if (
            sourceParent.isValid()
            or destinationParent.isValid()
            or count < 1
            or not 0 <= sourceRow <= n - count
            or not 0 <= destinationChild <= n
        ):
            return False
        last = sourceRow + count - 1
        if not self.beginMoveRows(QModelIndex(), sourceRow, last, QModelIndex(), destinationChild):
            return False  # a move onto itself
        moving = self._rows[sourceRow : last + 1]
        del self._rows[sourceRow : last + 1]
        at = destinationChild if destinationChild < sourceRow else destinationChild - count
        self._rows[at:at] = moving
        self.endMoveRows()
        return True

    def move_row(self, row: int, step: int) -> int:
        """Move ``row`` one place up (-1) or down (+1); returns where it is now."""
        return shift_row(self, row, step)


class ColumnTableModel(RowTableModel, Generic[R]):
    """Rows of ``R`` shown through declared :class:`Column` s; ``data()`` is written here once."""

    _rows: list[R]
    #: The role a proxy sorts by, answered by each column's ``sort`` getter.
    sort_role: int | None = None
    _columns: tuple[Column[R], ...] = ()
    _row_roles: Mapping[int, Cell[R]] = {}

    def set_columns(
        self, columns: Iterable[Column[R]], row_roles: Mapping[int, Cell[R]] | None = None
    ) -> None:
        """Declare the columns (in order) and what holds for every column of a row."""
        self._columns = tuple(columns)
        self._headers = tuple(c.title for c in self._columns)
        self._row_roles = {int(role): getter for role, getter in (row_roles or {}).items()}

    def set_keyed_columns(
        self,
        titles: Iterable[tuple[str, str]],
        columns: Mapping[str, Column[R]],
        row_roles: Mapping[int, Cell[R]] | None = None,
    ) -> None:
        """The columns in the order of ``titles`` ((key, translated title) pairs), each the
        column of ``columns`` under its key."""
        ordered = [replace(columns[key], title=title) for key, title in titles]
        if len(ordered) != len(columns):
            raise ValueError(f"columns without a title: {set(columns) - {k for k, _ in titles}}")
        self.set_columns(ordered, row_roles)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        x: R | None = self.item(index)
        if x is None or not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        if role == self.sort_role:
            return (column.sort or column.display)(x)
        cell = column.roles.get(role) or self._row_roles.get(role)
        return None if cell is None else cell(x)
