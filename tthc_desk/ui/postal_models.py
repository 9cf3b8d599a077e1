"""The tables of the postal page and of the handover dialog, over ``PostalItem`` rows.

:class:`PostalItemTableModel` lists one tab of the postal page; on the waiting tab every row has
a check box (checked by default: a clerk usually sends everything that waits, and unticks the few
that stay). :class:`HandoverTableModel` lists the items of a list being made, with the waybill
numbers scanned so far and the row the next scan goes to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from tthc_desk.domain.postal import PostalItem, PostalState
from tthc_desk.ui.display import list_datetime
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import label
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, Index, same

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
RETURNED_COLOR = QColor("#fff3e0")
FAILED_COLOR = QColor("#fdecea")
CURRENT_COLOR = QColor("#e3f2fd")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", QT_TRANSLATE_NOOP("PostalItemTableModel", "Mã hồ sơ")),
    ("applicant", QT_TRANSLATE_NOOP("PostalItemTableModel", "Người nộp")),
    ("recipient", QT_TRANSLATE_NOOP("PostalItemTableModel", "Người nhận")),
    ("address", QT_TRANSLATE_NOOP("PostalItemTableModel", "Địa chỉ nhận")),
    ("phone", QT_TRANSLATE_NOOP("PostalItemTableModel", "Điện thoại")),
    ("waybill", QT_TRANSLATE_NOOP("PostalItemTableModel", "Số hiệu bưu gửi")),
    ("state", QT_TRANSLATE_NOOP("PostalItemTableModel", "Trạng thái")),
    ("batch", QT_TRANSLATE_NOOP("PostalItemTableModel", "Danh sách")),
    ("settled", QT_TRANSLATE_NOOP("PostalItemTableModel", "Có kết quả")),
    ("handed", QT_TRANSLATE_NOOP("PostalItemTableModel", "Giao bưu điện")),
    ("last", QT_TRANSLATE_NOOP("PostalItemTableModel", "Cập nhật")),
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
#: Why a returned item is coloured; translated under the "postal" context, as the page's hints.
RETURNED_HINT = QT_TRANSLATE_NOOP(
    "postal",
    "Bưu điện đã chuyển hoàn: kết quả chờ trả tại quầy. Enter để mở hồ sơ, bấm “Trả kết quả…”.",
)
TAKEN_HINT = QT_TRANSLATE_NOOP("postal", "Bưu điện đã chuyển hoàn; kết quả đã được trả tại quầy.")


def _last_text(x: PostalItem) -> str:
    """The moment of the post's last report; nothing while the item waits or just left."""
    if x.state in (PostalState.WAITING, PostalState.HANDED_OVER):
        return ""
    return list_datetime(x.last_moment)


#: The text of each column, by key.
ITEM_TEXT: dict[str, Callable[[PostalItem], str]] = {
    "code": lambda x: x.dossier_code,
    "applicant": lambda x: x.applicant_name,
    "recipient": lambda x: x.recipient_name,
    "address": lambda x: x.recipient_address,
    "phone": lambda x: x.recipient_phone,
    "waybill": lambda x: x.waybill,
    "state": lambda x: (
        translate("postal_models", "Chuyển hoàn")
        if x.state is PostalState.RETURNED
        else label(x.state)
    ),
    "batch": lambda x: x.batch_number,
    "settled": lambda x: list_datetime(x.settled_at),
    "handed": lambda x: list_datetime(x.handed_over_at),
    "last": _last_text,
}


class PostalItemTableModel(ColumnTableModel[PostalItem]):
    """One tab of the postal page; ``checkable`` gives the code column a check box."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        self._unchecked: set[str] = set()
        self.checkable = False
        self.set_keyed_columns(
            [(key, translate("PostalItemTableModel", title)) for key, title in COLUMNS],
            {key: self._column(key) for key in COLUMN_KEYS},
            row_roles={ITEM_ROLE: same, Qt.ItemDataRole.BackgroundRole: _state_background},
        )

    def _column(self, key: str) -> Column[PostalItem]:
        """The column of ``key``: its text, a tooltip (why a row is coloured, the note), and
        on the code column the check box of the waiting tab."""
        cell_text = ITEM_TEXT[key]

        def tooltip(x: PostalItem) -> str | None:
            if x.state is PostalState.RETURNED:
                return translate("postal", TAKEN_HINT if x.taken_at_counter else RETURNED_HINT)
            if key in ("address", "state") or x.note:
                return "\n".join(filter(None, (cell_text(x), x.note)))
            return None

        return Column(
            cell_text, tooltip=tooltip, check=self._check_state if key == "code" else None
        )

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
        flags = super().flags(index)
        if self.checkable and index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def _check_state(self, x: PostalItem) -> Qt.CheckState | None:
        if not self.checkable:
            return None
        unchecked = x.dossier_code in self._unchecked
        return Qt.CheckState.Unchecked if unchecked else Qt.CheckState.Checked

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


def _state_background(x: PostalItem) -> QBrush | None:
    if x.state is PostalState.RETURNED:
        return QBrush(RETURNED_COLOR)
    if x.state is PostalState.FAILED:
        return QBrush(FAILED_COLOR)
    return None


HANDOVER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", QT_TRANSLATE_NOOP("HandoverTableModel", "TT")),
    ("code", QT_TRANSLATE_NOOP("HandoverTableModel", "Mã hồ sơ")),
    ("recipient", QT_TRANSLATE_NOOP("HandoverTableModel", "Người nhận")),
    ("phone", QT_TRANSLATE_NOOP("HandoverTableModel", "Điện thoại")),
    ("address", QT_TRANSLATE_NOOP("HandoverTableModel", "Địa chỉ nhận")),
    ("waybill", QT_TRANSLATE_NOOP("HandoverTableModel", "Số hiệu bưu gửi")),
)
HANDOVER_KEYS = tuple(key for key, _ in HANDOVER_COLUMNS)


class HandoverTableModel(ColumnTableModel[PostalItem]):
    """The items of the list being made, their waybills so far, and the row being scanned."""

    def __init__(self, items: list[PostalItem], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = list(items)
        # A dossier is on a list once: its code is the row's identity (waybills are kept by it).
        self._numbers = {x.dossier_code: n for n, x in enumerate(self._rows, start=1)}
        self._waybills: dict[str, str] = {}
        self.current = 0
        bold = QFont()
        bold.setBold(True)
        columns = {key: Column(ITEM_TEXT[key]) for key in HANDOVER_KEYS if key in ITEM_TEXT}
        columns["number"] = Column(lambda x: str(self._numbers[x.dossier_code]))
        columns["waybill"] = Column(self._waybill_text)
        columns["address"] = Column(ITEM_TEXT["address"], tooltip=ITEM_TEXT["address"])
        self.set_keyed_columns(
            [(key, translate("HandoverTableModel", title)) for key, title in HANDOVER_COLUMNS],
            columns,
            row_roles={
                ITEM_ROLE: same,
                Qt.ItemDataRole.BackgroundRole: lambda x: (
                    QBrush(CURRENT_COLOR) if self._is_current(x) else None
                ),
                Qt.ItemDataRole.FontRole: lambda x: bold if self._is_current(x) else None,
            },
        )

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

    def _is_current(self, x: PostalItem) -> bool:
        return self._numbers[x.dossier_code] == self.current + 1

    def _waybill_text(self, x: PostalItem) -> str:
        scanned = self._waybills.get(x.dossier_code, "")
        if scanned or not self._is_current(x):
            return scanned
        return "◀ " + self.tr("quét số hiệu")
