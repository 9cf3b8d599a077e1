"""Table models of the catalog screens: procedures (with an accent-insensitive filter) and
the required papers of one procedure.

Both are plain QAbstractTableModels over frozen domain values; checked with qtmodeltester.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from tthc_desk.domain.procedure import DurationUnit, PaperKind, Procedure, RequiredPaper
from tthc_desk.domain.text import collapse_spaces, format_money
from tthc_desk.ui.row_table_model import Index, RowTableModel
from tthc_desk.ui.widgets import FoldingFilterProxyModel

SORT_ROLE = Qt.ItemDataRole.UserRole
PROCEDURE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2

# Rough length in working hours, only to sort the "Thời hạn" column sensibly.
_UNIT_HOURS = {
    DurationUnit.SAME_DAY: 0.0,
    DurationUnit.WORKING_HOURS: 1.0,
    DurationUnit.WORKING_DAYS: 8.0,
    DurationUnit.CALENDAR_DAYS: 8.0 * 5 / 7,
    DurationUnit.MONTHS: 8.0 * 22,
}


class ProcedureTableModel(RowTableModel):
    """Read-only rows of procedures; columns as the clerk reads the catalog."""

    CODE, NAME, FIELD, DURATION, FEE, CHARGE, POSTAL, ONLINE, ACTIVE = range(9)
    _BOOL_COLUMNS = (POSTAL, ONLINE, ACTIVE)

    def __init__(
        self, procedures: list[Procedure] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rows: list[Procedure] = list(procedures or [])
        self._headers = (
            self.tr("Mã"),
            self.tr("Tên thủ tục"),
            self.tr("Lĩnh vực"),
            self.tr("Thời hạn"),
            self.tr("Phí"),
            self.tr("Lệ phí"),
            self.tr("Bưu chính"),
            self.tr("Trực tuyến"),
            self.tr("Đang áp dụng"),
        )

    def set_procedures(self, procedures: list[Procedure]) -> None:
        self.beginResetModel()
        self._rows = list(procedures)
        self.endResetModel()

    def procedure(self, row: int) -> Procedure:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        return next((i for i, p in enumerate(self._rows) if p.code == code), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(p, col)
        if role == SORT_ROLE:
            return self._sort_key(p, col)
        if role == PROCEDURE_ROLE:
            return p
        if role == SEARCH_ROLE:
            return " ".join((p.code, p.code.replace(".", ""), p.name, p.field))
        if role == Qt.ItemDataRole.ToolTipRole and col == self.NAME:
            return p.name
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (self.FEE, self.CHARGE):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col in self._BOOL_COLUMNS:
                return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not p.active:
            return Qt.GlobalColor.gray
        return None

    def _display(self, p: Procedure, col: int) -> str:
        if col == self.CODE:
            return p.code
        if col == self.NAME:
            return p.name
        if col == self.FIELD:
            return p.field
        if col == self.DURATION:
            return p.duration.describe()
        if col == self.FEE:
            return format_money(p.fee) if p.fee else self.tr("Không")
        if col == self.CHARGE:
            return format_money(p.charge) if p.charge else self.tr("Không")
        flag = {self.POSTAL: p.postal_return, self.ONLINE: p.online, self.ACTIVE: p.active}[col]
        return self.tr("Có") if flag else self.tr("Không")

    def _sort_key(self, p: Procedure, col: int) -> Any:
        if col == self.DURATION:
            return _UNIT_HOURS[p.duration.unit] * max(p.duration.value, 0)
        if col == self.FEE:
            return p.fee
        if col == self.CHARGE:
            return p.charge
        if col in self._BOOL_COLUMNS:
            return int(
                {self.POSTAL: p.postal_return, self.ONLINE: p.online, self.ACTIVE: p.active}[col]
            )
        return self._display(p, col)


class ProcedureFilterProxyModel(FoldingFilterProxyModel):
    """Words typed without accents, one field (lĩnh vực) or all, and active-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent, search_role=SEARCH_ROLE)
        self._field = ""
        self._active_only = True
        self.setSortRole(SORT_ROLE)

    def set_field(self, field: str) -> None:
        if field != self._field:
            self.beginFilterChange()
            self._field = field
            self.endFilterChange(FoldingFilterProxyModel.Direction.Rows)

    def set_active_only(self, active_only: bool) -> None:
        if active_only != self._active_only:
            self.beginFilterChange()
            self._active_only = active_only
            self.endFilterChange(FoldingFilterProxyModel.Direction.Rows)

    def extra_filter(self, source_row: int, source_parent: Index) -> bool:
        p: Procedure = self.sourceModel().index(source_row, 0, source_parent).data(PROCEDURE_ROLE)
        if self._active_only and not p.active:
            return False
        return not self._field or p.field == self._field


class PaperTableModel(RowTableModel):
    """Required papers: Tên giấy tờ · Loại bản · Số lượng, edited in place."""

    NAME, KIND, COUNT = range(3)

    def __init__(
        self, papers: tuple[RequiredPaper, ...] = (), parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rows = list(papers)
        self._headers = (self.tr("Tên giấy tờ"), self.tr("Loại bản"), self.tr("Số lượng"))

    def papers(self) -> tuple[RequiredPaper, ...]:
        return tuple(replace(p, name=collapse_spaces(p.name)) for p in self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.NAME:
                return p.name
            if col == self.KIND:
                return p.kind.label if role == Qt.ItemDataRole.DisplayRole else p.kind.value
            return p.count
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.COUNT:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not 0 <= index.row() < len(self._rows)
        ):
            return False
        p = self._rows[index.row()]
        col = index.column()
        if col == self.NAME:
            p = replace(p, name=collapse_spaces(str(value or "")))
        elif col == self.KIND:
            kind = PaperKind.from_label(str(value or ""))
            if kind is None:
                return False
            p = replace(p, kind=kind)
        else:
            try:
                p = replace(p, count=int(value))
            except (TypeError, ValueError):
                return False
        self._rows[index.row()] = p
        self.dataChanged.emit(index, index, [role])
        return True

    def add_paper(
        self, name: str = "", kind: PaperKind = PaperKind.ORIGINAL, count: int = 1
    ) -> QModelIndex:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(RequiredPaper(name, kind, count))
        self.endInsertRows()
        return self.index(row, self.NAME)

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or row < 0 or count < 1 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        return True

    def move_row(self, row: int, step: int) -> int:
        target = row + step
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        dest = target + 1 if step > 0 else target  # Qt's destination is "before this row"
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), dest)
        self._rows.insert(target, self._rows.pop(row))
        self.endMoveRows()
        return target
