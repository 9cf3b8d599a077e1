"""A dossier's history as a timeline: every recorded step, newest last, one row each.

The lifecycle service records each move with its units and what it changed (``DossierEvent.data``);
this module turns that into the sentences a clerk reads: who gave the dossier to whom, which
papers were asked for, how a supplement restarted the clock (old → new received and due moments),
who took the result and how satisfied they were, whether a step came late.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from tthc_desk.domain.dossier import Status
from tthc_desk.domain.lifecycle import DossierEvent, Timeliness
from tthc_desk.ui.display import ERROR_COLOR, list_datetime
from tthc_desk.ui.row_table_model import Index, RowTableModel

WARNING_COLOR = "#b26a00"
# The steps that end a dossier's work: shown bold so the outcome stands out in a long history.
FINAL_KINDS = frozenset({"result-ready", "returned", "refused", "stopped", "withdrawn", "closed"})


def _tr(text: str) -> str:
    return QCoreApplication.translate("timeline", text)


def _moment(iso: object) -> str:
    """An ISO moment stored in the event data, written dd/mm/yyyy HH:MM."""
    if not iso:
        return _tr("(trống)")
    try:
        return list_datetime(datetime.fromisoformat(str(iso)))
    except ValueError:
        return str(iso)


def units_text(event: DossierEvent) -> str:
    if not event.from_unit and not event.to_unit:
        return ""
    return _tr("Giao: {0} → Nhận: {1}").format(event.from_unit or "…", event.to_unit or "…")


def detail_lines(event: DossierEvent) -> list[str]:
    """What the step changed, one sentence per line (note and reason included)."""
    data = event.data
    lines: list[str] = []
    papers = [p.get("name", "") for p in data.get("papers", []) if isinstance(p, dict)]
    if papers:
        lines.append(_tr("Giấy tờ cần bổ sung: {0}").format("; ".join(papers)))
    if event.kind == "supplemented" and data.get("new_due_at"):
        lines.append(
            _tr("Tính lại thời hạn: nhận {0} → {1}; hẹn trả {2} → {3}").format(
                _moment(data.get("old_received_at")),
                _moment(data.get("new_received_at")),
                _moment(data.get("old_due_at")),
                _moment(data.get("new_due_at")),
            )
        )
    if event.kind == "returned":
        if data.get("taken_by"):
            lines.append(_tr("Người nhận kết quả: {0}").format(data["taken_by"]))
        if data.get("rating_label"):
            rating = _tr("Đánh giá: {0}").format(data["rating_label"])
            if data.get("rating_comment"):
                rating += f" ({data['rating_comment']})"
            lines.append(rating)
    if data.get("timeliness"):
        lines.append(_tr("Kết quả: {0}").format(Timeliness(data["timeliness"]).label))
    if data.get("postal_batch") and event.kind in (
        "returned",
        "postal_delivered",
        "postal_failed",
        "postal_returned",
    ):
        lines.append(
            _tr("Bưu gửi {0}, danh sách {1}").format(
                data.get("waybill") or _tr("chưa có số hiệu"), data["postal_batch"]
            )
        )
    if event.kind == "apology":
        number = data.get("number")
        if number is not None:
            lines.append(
                _tr("Phiếu số {0:02d}/{1}/PXL, hẹn lại {2}").format(
                    int(number), data.get("year", ""), _moment(data.get("proposed_due_at"))
                )
            )
        if data.get("override"):
            lines.append(_tr("Hẹn lại lần hai do lãnh đạo đồng ý"))
    if event.note:
        lines.append(event.note)
    return lines


def warning_lines(event: DossierEvent) -> list[str]:
    if event.data.get("late_request"):
        return [_tr("Cảnh báo: yêu cầu bổ sung quá 3 ngày làm việc kể từ khi nhận hồ sơ")]
    if event.data.get("timeliness") == Timeliness.LATE.value:
        return [_tr("Cảnh báo: giải quyết quá hạn")]
    return []


def status_change(event: DossierEvent) -> str:
    before, after = event.data.get("from_status"), event.data.get("to_status")
    if not after or before == after:
        return ""
    return Status(after).label


class TimelineTableModel(RowTableModel):
    """Rows of :class:`DossierEvent`: moment, step, actor, units, details (with warnings)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DossierEvent] = []
        self._headers = (
            _tr("Thời điểm"),
            _tr("Bước xử lý"),
            _tr("Người thực hiện"),
            _tr("Giao → Nhận"),
            _tr("Nội dung"),
        )

    def set_events(self, events: list[DossierEvent]) -> None:
        self.beginResetModel()
        self._rows = list(events)
        self.endResetModel()

    def event_at(self, row: int) -> DossierEvent:
        return self._rows[row]

    def row_texts(self) -> list[list[str]]:
        return [
            [str(self.index(r, c).data()) for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        event = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return list_datetime(event.at)
            if col == 1:
                change = status_change(event)
                return f"{event.label}\n→ {change}" if change else event.label
            if col == 2:
                return event.actor
            if col == 3:
                return units_text(event)
            if col == 4:
                return "\n".join(detail_lines(event) + warning_lines(event))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 4 and warning_lines(event):
                late = event.data.get("timeliness") == Timeliness.LATE.value
                return QBrush(QColor(ERROR_COLOR if late else WARNING_COLOR))
            return None
        if role == Qt.ItemDataRole.FontRole and col == 1 and event.kind in FINAL_KINDS:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class TimelineView(QTableView):
    """The timeline table: wrapped text, rows as tall as their details."""

    def __init__(self, model: TimelineTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setModel(model)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(3, 260)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        model.modelReset.connect(self._on_model_reset)

    def _on_model_reset(self) -> None:
        if self.model().rowCount(QModelIndex()):
            self.scrollToBottom()
