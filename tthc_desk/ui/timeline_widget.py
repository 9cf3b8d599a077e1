"""A dossier's history as a timeline: every recorded step, newest last, one row each.

The lifecycle service records each move with its units and what it changed (``DossierEvent.data``);
this module turns that into the sentences a clerk reads: who gave the dossier to whom, which
papers were asked for, how a supplement restarted the clock (old → new received and due moments),
who took the result and how satisfied they were, whether a step came late.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from tthc_desk.domain.dossier import Status
from tthc_desk.domain.lifecycle import DossierEvent, Timeliness
from tthc_desk.ui.display import ERROR_COLOR, list_datetime
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.labels import event_label, label
from tthc_desk.ui.row_table_model import Cell, Column, ColumnTableModel

WARNING_COLOR = "#b26a00"
# The steps that end a dossier's work: shown bold so the outcome stands out in a long history.
FINAL_KINDS = frozenset({"result-ready", "returned", "refused", "stopped", "withdrawn", "closed"})


def _moment(iso: object) -> str:
    """An ISO moment stored in the event data, written dd/mm/yyyy HH:MM."""
    if not iso:
        return translate("timeline", "(trống)")
    try:
        return list_datetime(datetime.fromisoformat(str(iso)))
    except ValueError:
        return str(iso)


def units_text(event: DossierEvent) -> str:
    if not event.from_unit and not event.to_unit:
        return ""
    return translate("timeline", "Giao: {0} → Nhận: {1}").format(
        event.from_unit or "…", event.to_unit or "…"
    )


def _papers_lines(event: DossierEvent) -> list[str]:
    papers = [p.get("name", "") for p in event.data.get("papers", []) if isinstance(p, dict)]
    return (
        [translate("timeline", "Giấy tờ cần bổ sung: {0}").format("; ".join(papers))]
        if papers
        else []
    )


def _restart_lines(event: DossierEvent) -> list[str]:
    """A supplement restarts the clock: old → new received and due moments."""
    data = event.data
    if event.kind != "supplemented" or not data.get("new_due_at"):
        return []
    return [
        translate("timeline", "Tính lại thời hạn: nhận {0} → {1}; hẹn trả {2} → {3}").format(
            _moment(data.get("old_received_at")),
            _moment(data.get("new_received_at")),
            _moment(data.get("old_due_at")),
            _moment(data.get("new_due_at")),
        )
    ]


def _return_lines(event: DossierEvent) -> list[str]:
    """Who took the result and how satisfied they were."""
    data = event.data
    if event.kind != "returned":
        return []
    lines = []
    if data.get("taken_by"):
        lines.append(translate("timeline", "Người nhận kết quả: {0}").format(data["taken_by"]))
    if data.get("rating_label"):
        rating = translate("timeline", "Đánh giá: {0}").format(data["rating_label"])
        if data.get("rating_comment"):
            rating += f" ({data['rating_comment']})"
        lines.append(rating)
    return lines


def _timeliness_lines(event: DossierEvent) -> list[str]:
    timeliness = event.data.get("timeliness")
    return (
        [translate("timeline", "Kết quả: {0}").format(label(Timeliness(timeliness)))]
        if timeliness
        else []
    )


POSTAL_KINDS = frozenset({"returned", "postal_delivered", "postal_failed", "postal_returned"})


def _postal_lines(event: DossierEvent) -> list[str]:
    data = event.data
    if not data.get("postal_batch") or event.kind not in POSTAL_KINDS:
        return []
    return [
        translate("timeline", "Bưu gửi {0}, danh sách {1}").format(
            data.get("waybill") or translate("timeline", "chưa có số hiệu"), data["postal_batch"]
        )
    ]


def _apology_lines(event: DossierEvent) -> list[str]:
    data = event.data
    if event.kind != "apology":
        return []
    lines = []
    number = data.get("number")
    if number is not None:
        lines.append(
            translate("timeline", "Phiếu số {0:02d}/{1}/PXL, hẹn lại {2}").format(
                int(number), data.get("year", ""), _moment(data.get("proposed_due_at"))
            )
        )
    if data.get("override"):
        lines.append(translate("timeline", "Hẹn lại lần hai do lãnh đạo đồng ý"))
    return lines


#: What a step changed, in the order the lines are written.
DETAIL_STEPS = (
    _papers_lines,
    _restart_lines,
    _return_lines,
    _timeliness_lines,
    _postal_lines,
    _apology_lines,
)


def detail_lines(event: DossierEvent) -> list[str]:
    """What the step changed, one sentence per line (note and reason included)."""
    lines = [line for step in DETAIL_STEPS for line in step(event)]
    if event.note:
        lines.append(event.note)
    return lines


def warning_lines(event: DossierEvent) -> list[str]:
    if event.data.get("late_request"):
        return [
            translate(
                "timeline", "Cảnh báo: yêu cầu bổ sung quá 3 ngày làm việc kể từ khi nhận hồ sơ"
            )
        ]
    if event.data.get("timeliness") == Timeliness.LATE.value:
        return [translate("timeline", "Cảnh báo: giải quyết quá hạn")]
    return []


def status_change(event: DossierEvent) -> str:
    before, after = event.data.get("from_status"), event.data.get("to_status")
    if not after or before == after:
        return ""
    return label(Status(after))


def step_text(event: DossierEvent) -> str:
    """The step, and the status it led to when it changed one."""
    change = status_change(event)
    step = event_label(event)
    return f"{step}\n→ {change}" if change else step


def details_text(event: DossierEvent) -> str:
    return "\n".join(detail_lines(event) + warning_lines(event))


def _warning_brush(event: DossierEvent) -> QBrush | None:
    if not warning_lines(event):
        return None
    late = event.data.get("timeliness") == Timeliness.LATE.value
    return QBrush(QColor(ERROR_COLOR if late else WARNING_COLOR))


class TimelineTableModel(ColumnTableModel[DossierEvent]):
    """Rows of :class:`DossierEvent`: moment, step, actor, units, details (with warnings)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        bold = QFont()
        bold.setBold(True)
        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop

        def column(
            title: str,
            text: Cell[DossierEvent],
            font: Cell[DossierEvent] | None = None,
            foreground: Cell[DossierEvent] | None = None,
        ) -> Column[DossierEvent]:
            # The cells wrap: the tooltip repeats the text for a column too narrow to show it.
            return Column(
                text, tooltip=text, font=font, foreground=foreground, align=top_left, title=title
            )

        self.set_columns(
            (
                column(translate("timeline", "Thời điểm"), lambda e: list_datetime(e.at)),
                column(
                    translate("timeline", "Bước xử lý"),
                    step_text,
                    font=lambda e: bold if e.kind in FINAL_KINDS else None,
                ),
                column(translate("timeline", "Người thực hiện"), lambda e: e.actor),
                column(translate("timeline", "Giao → Nhận"), units_text),
                column(translate("timeline", "Nội dung"), details_text, foreground=_warning_brush),
            )
        )

    def set_events(self, events: list[DossierEvent]) -> None:
        self.set_rows(events)

    def event_at(self, row: int) -> DossierEvent:
        return self._rows[row]

    def row_texts(self) -> list[list[str]]:
        return [
            [str(self.index(r, c).data()) for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]


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
