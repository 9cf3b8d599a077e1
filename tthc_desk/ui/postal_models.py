"""The tables of the postal page and of the handover dialog, over ``PostalItem`` rows.

:class:`PostalItemTableModel` lists one tab of the postal page; on the waiting tab every row has
a check box (checked by default: a clerk usually sends everything that waits, and unticks the few
that stay). :class:`HandoverTableModel` lists the items of a list being made, with the waybill
numbers scanned so far and the row the next scan goes to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from tthc_desk.domain.postal import PostalItem, PostalState
from tthc_desk.ui.display import list_datetime
from tthc_desk.ui.row_table_model import Index, RowTableModel

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
RETURNED_COLOR = QColor("#fff3e0")
FAILED_COLOR = QColor("#fdecea")
CURRENT_COLOR = QColor("#e3f2fd")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "Mã hồ sơ"),
    ("applicant", "Người nộp"),
    ("recipient", "Người nhận"),
    ("address", "Địa chỉ nhận"),
    ("phone", "Điện thoại"),
    ("waybill", "Số hiệu bưu gửi"),
    ("state", "Trạng thái"),
    ("batch", "Danh sách"),
    ("settled", "Có kết quả"),
    ("handed", "Giao bưu điện"),
    ("last", "Cập nhật"),
)
COLUMN_KEYS = tuple(key for key, _ in COLUMNS)
ADDRESS_COLUMN = COLUMN_KEYS.index("address")
#: Widths of the columns, from a typical value.
COLUMN_SAMPLES = (
    "☐ 000.17.22.H56-260302-0001",
    "Nguyễn Thị Hồng Nhung",
    "Nguyễn Thị Hồng Nhung",
    "",
    "0912345678",
    "EB123456789VN",
    "Phát không thành công",
    "01/2026/BGBC",
    "02/03/2026 08:00",
    "02/03/2026 08:00",
    "02/03/2026 08:00",
)
RETURNED_HINT = (
    "Bưu điện đã chuyển hoàn: kết quả chờ trả tại quầy. Enter để mở hồ sơ, bấm “Trả kết quả…”."
)
TAKEN_HINT = "Bưu điện đã chuyển hoàn; kết quả đã được trả tại quầy."


def item_text(x: PostalItem, key: str) -> str:
    if key == "code":
        return x.dossier_code
    if key == "applicant":
        return x.applicant_name
    if key == "recipient":
        return x.recipient_name
    if key == "address":
        return x.recipient_address
    if key == "phone":
        return x.recipient_phone
    if key == "waybill":
        return x.waybill
    if key == "state":
        return "Chuyển hoàn" if x.state is PostalState.RETURNED else x.state_label
    if key == "batch":
        return x.batch_number
    if key == "settled":
        return list_datetime(x.settled_at)
    if key == "handed":
        return list_datetime(x.handed_over_at)
    if key == "last":
        return (
            list_datetime(x.last_moment)
            if x.state not in (PostalState.WAITING, PostalState.HANDED_OVER)
            else ""
        )
    return ""


class PostalItemTableModel(RowTableModel):
    """One tab of the postal page; ``checkable`` gives the code column a check box."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PostalItem] = []
        self._headers = tuple(self.tr(title) for _, title in COLUMNS)
        self._unchecked: set[str] = set()
        self.checkable = False

    def set_items(self, items: list[PostalItem], checkable: bool = False) -> None:
        """New rows; on the waiting tab every row starts checked, except those the clerk
        unticked before a reload (they stay unticked)."""
        self.beginResetModel()
        self._rows = list(items)
        self.checkable = checkable
        codes = {x.dossier_code for x in items}
        self._unchecked &= codes
        self.endResetModel()

    def item_at(self, row: int) -> PostalItem:
        return self._rows[row]

    def items(self) -> list[PostalItem]:
        return list(self._rows)

    def checked_items(self) -> list[PostalItem]:
        if not self.checkable:
            return []
        return [x for x in self._rows if x.dossier_code not in self._unchecked]

    def set_all_checked(self, on: bool) -> None:
        self._unchecked = set() if on else {x.dossier_code for x in self._rows}
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if self.checkable and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        x = self._rows[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item_text(x, key)
        if role == ITEM_ROLE:
            return x
        if role == Qt.ItemDataRole.CheckStateRole and self.checkable and index.column() == 0:
            return (
                Qt.CheckState.Unchecked
                if x.dossier_code in self._unchecked
                else Qt.CheckState.Checked
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            if x.state is PostalState.RETURNED:
                return QBrush(RETURNED_COLOR)
            if x.state is PostalState.FAILED:
                return QBrush(FAILED_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole:
            if x.state is PostalState.RETURNED:
                if x.taken_at_counter:
                    return self.tr(TAKEN_HINT)
                return self.tr(RETURNED_HINT)
            if key in ("address", "state") or x.note:
                return "\n".join(filter(None, (item_text(x, key), x.note)))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (
            index.isValid()
            and self.checkable
            and index.column() == 0
            and role == Qt.ItemDataRole.CheckStateRole
        ):
            return False
        code = self._rows[index.row()].dossier_code
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        if checked:
            self._unchecked.discard(code)
        else:
            self._unchecked.add(code)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


HANDOVER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "TT"),
    ("code", "Mã hồ sơ"),
    ("recipient", "Người nhận"),
    ("phone", "Điện thoại"),
    ("address", "Địa chỉ nhận"),
    ("waybill", "Số hiệu bưu gửi"),
)
HANDOVER_KEYS = tuple(key for key, _ in HANDOVER_COLUMNS)


class HandoverTableModel(RowTableModel):
    """The items of the list being made, their waybills so far, and the row being scanned."""

    def __init__(self, items: list[PostalItem], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = list(items)
        self._headers = tuple(self.tr(title) for _, title in HANDOVER_COLUMNS)
        self._waybills: dict[str, str] = {}
        self.current = 0

    def item_at(self, row: int) -> PostalItem:
        return self._rows[row]

    def codes(self) -> list[str]:
        return [x.dossier_code for x in self._rows]

    def waybills(self) -> dict[str, str]:
        """Dossier code → the waybill scanned for it (only the rows that have one)."""
        return dict(self._waybills)

    def waybill_of(self, row: int) -> str:
        return self._waybills.get(self._rows[row].dossier_code, "")

    def row_with(self, waybill: str) -> int | None:
        for row, x in enumerate(self._rows):
            if self._waybills.get(x.dossier_code) == waybill:
                return row
        return None

    def set_waybill(self, row: int, waybill: str) -> None:
        code = self._rows[row].dossier_code
        if waybill:
            self._waybills[code] = waybill
        else:
            self._waybills.pop(code, None)
        col = HANDOVER_KEYS.index("waybill")
        self.dataChanged.emit(self.index(row, col), self.index(row, col))

    def set_waybills(self, waybills: Mapping[str, str]) -> None:
        self.beginResetModel()
        self._waybills = {k: v for k, v in waybills.items() if v}
        self.endResetModel()

    def set_current(self, row: int) -> None:
        old, self.current = self.current, row
        for r in {old, row}:
            if 0 <= r < len(self._rows):
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(self._headers) - 1))

    def next_empty(self, after: int) -> int | None:
        """The first row after ``after`` (wrapping round) without a waybill."""
        n = len(self._rows)
        for step in range(1, n + 1):
            row = (after + step) % n
            if not self.waybill_of(row):
                return row
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = index.row()
        x = self._rows[row]
        key = HANDOVER_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "number":
                return str(row + 1)
            if key == "waybill":
                return self.waybill_of(row) or (
                    "◀ " + self.tr("quét số hiệu") if row == self.current else ""
                )
            return item_text(x, key)
        if role == ITEM_ROLE:
            return x
        if role == Qt.ItemDataRole.BackgroundRole and row == self.current:
            return QBrush(CURRENT_COLOR)
        if role == Qt.ItemDataRole.FontRole and row == self.current:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and key == "address":
            return x.recipient_address
        return None
