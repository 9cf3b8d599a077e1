"""Registers for the head of office: the tracking ledger (Mẫu 07), the explanation list of late
dossiers and the monthly public list, for any date range, previewed as PDF or saved as Excel.

The work (one query, then reportlab or openpyxl) runs off the GUI thread; Excel files are written
to a temporary name and moved into place, so a failed export never leaves half a workbook.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.progress import CancelledError
from tthc_desk.services.container import Services
from tthc_desk.ui.display import date_edit, error_label, heading_font, muted_label, qdate, to_date
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.print_preview import ReceiptDialog, open_pdf
from tthc_desk.ui.tasks import TaskRunner

#: key, title, file name stem
KINDS: tuple[tuple[str, str, str], ...] = (
    (
        "ledger",
        QT_TRANSLATE_NOOP("RegistersDialog", "Sổ theo dõi hồ sơ (Mẫu 07)"),
        "so-theo-doi-ho-so",
    ),
    (
        "explain",
        QT_TRANSLATE_NOOP("RegistersDialog", "Danh sách hồ sơ quá hạn và giải trình"),
        "danh-sach-giai-trinh",
    ),
    (
        "public",
        QT_TRANSLATE_NOOP("RegistersDialog", "Danh sách công khai hồ sơ trễ hạn"),
        "cong-khai-ho-so-tre-han",
    ),
)
PERIODS: tuple[tuple[str, str], ...] = (
    ("month", QT_TRANSLATE_NOOP("RegistersDialog", "Tháng này")),
    ("last_month", QT_TRANSLATE_NOOP("RegistersDialog", "Tháng trước")),
    ("quarter", QT_TRANSLATE_NOOP("RegistersDialog", "Quý này")),
    ("year", QT_TRANSLATE_NOOP("RegistersDialog", "Năm nay")),
    ("range", QT_TRANSLATE_NOOP("RegistersDialog", "Khoảng ngày…")),
)


def period_bounds(key: str, today: date) -> tuple[date, date]:
    """Calendar bounds of a quick period choice (the ledger and lists are by date received)."""
    if key == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if key == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return today.replace(month=first_month, day=1), today
    if key == "year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


def _number(n: int) -> str:
    """12.000 (Vietnamese thousands)."""
    return f"{n:,}".replace(",", ".")


class RegistersDialog(QDialog):
    #: (rows done, rows in all) of the ledger being made: emitted from the worker, delivered on
    #: the GUI thread (a ledger of thousands of dossiers takes a while).
    progressed = Signal(int, int)

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("registersDialog")
        self.setWindowTitle(self.tr("Sổ theo dõi và danh sách hồ sơ quá hạn"))
        self.setMinimumWidth(560)
        self._services = services
        self._runner = runner
        self.preview: ReceiptDialog | None = None
        self.saved_path: Path | None = None

        heading = QLabel(self.tr("Sổ theo dõi và danh sách hồ sơ quá hạn"))
        heading.setFont(heading_font(self.font(), 1.3))
        self.kind_combo = QComboBox()
        for _key, title, _stem in KINDS:
            self.kind_combo.addItem(translate("RegistersDialog", title))
        self.period_combo = QComboBox()
        for _key, title in PERIODS:
            self.period_combo.addItem(translate("RegistersDialog", title))
        today = services.clock.now().date()
        start, end = period_bounds("month", today)
        self.from_edit = date_edit(start)
        self.to_edit = date_edit(end)
        dates = QHBoxLayout()
        dates.addWidget(self.period_combo)
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.to_edit)
        dates.addStretch(1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("Loại"), self.kind_combo)
        form.addRow(self.tr("Thời gian"), dates)
        self.note = muted_label(
            self.tr(
                "Sổ theo dõi: hồ sơ nhận trong khoảng ngày. Danh sách quá hạn: hồ sơ giải quyết "
                "quá hạn "
                "trong khoảng ngày và hồ sơ còn quá hạn đến ngày cuối."
            )
        )
        self.note.setWordWrap(True)
        self.error = error_label()
        self.status_label = muted_label()
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("registersProgress")
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setFormat(self.tr("%p%"))
        self.progress_bar.hide()
        self.stop_button = QPushButton(self.tr("Dừng"))
        self.stop_button.setObjectName("registersStop")
        self.stop_button.setAutoDefault(False)
        self.stop_button.setToolTip(self.tr("Dừng ghi tệp; không để lại tệp ghi dở."))
        self.stop_button.hide()
        self._stop = threading.Event()  # set by the stop button, read by the worker
        self._doing = ""

        self.preview_button = QPushButton(self.tr("Xem trước và in (PDF)"))
        self.preview_button.setDefault(True)
        self.excel_button = QPushButton(self.tr("Lưu Excel…"))
        self.close_button = QPushButton(self.tr("Đóng"))
        for b in (self.excel_button, self.close_button):
            b.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.excel_button)
        buttons.addWidget(self.close_button)

        root = QVBoxLayout(self)
        root.addWidget(heading)
        root.addLayout(form)
        root.addWidget(self.note)
        root.addWidget(self.error)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.stop_button)
        root.addLayout(progress)
        root.addLayout(buttons)

        self.period_combo.currentIndexChanged.connect(self._on_period_combo_current_index_changed)
        self.preview_button.clicked.connect(self.show_preview)
        self.excel_button.clicked.connect(self._on_excel_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.progressed.connect(self._on_self_progressed)
        self._on_period_combo_current_index_changed(0)

    # -- choices ------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return KINDS[self.kind_combo.currentIndex()][0]

    def set_kind(self, key: str) -> None:
        self.kind_combo.setCurrentIndex([k for k, _, _ in KINDS].index(key))

    def set_range(self, start: date, end: date) -> None:
        self.period_combo.setCurrentIndex(len(PERIODS) - 1)
        self.from_edit.setDate(qdate(start))
        self.to_edit.setDate(qdate(end))

    def bounds(self) -> tuple[date, date]:
        start, end = to_date(self.from_edit.date()), to_date(self.to_edit.date())
        if end < start:
            raise ValidationError.for_field(
                "period", self.tr("Ngày cuối phải từ ngày đầu trở đi: sửa lại khoảng thời gian.")
            )
        return start, end

    def _on_period_combo_current_index_changed(self, index: int) -> None:
        key = PERIODS[index][0]
        custom = key == "range"
        for w in (self.from_edit, self.to_edit):
            w.setEnabled(custom)
        if not custom:
            start, end = period_bounds(key, self._services.clock.now().date())
            self.from_edit.setDate(qdate(start))
            self.to_edit.setDate(qdate(end))

    def _file_stem(self, start: date, end: date) -> str:
        stem = KINDS[self.kind_combo.currentIndex()][2]
        return f"{stem}-{start:%Y%m%d}-{end:%Y%m%d}"

    def _checked_bounds(self) -> tuple[date, date] | None:
        self.error.hide()
        try:
            return self.bounds()
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return None

    # -- output -------------------------------------------------------------------------------
    def show_preview(self) -> None:
        bounds = self._checked_bounds()
        if bounds is None:
            return
        start, end = bounds
        registers, kind = self._services.registers, self.kind
        if kind == "ledger":
            emit, stop = self._start_progress(self.tr("Đang lập sổ"))
            make = lambda: registers.ledger_pdf(start, end, progress=emit, cancelled=stop)  # noqa: E731
        else:
            make = lambda: registers.late_list_pdf(start, end, public=kind == "public")  # noqa: E731
        open_pdf(
            self,
            self._runner,
            make,
            title=self.kind_combo.currentText(),
            file_name=f"{self._file_stem(start, end)}.pdf",
            output_dir=self._services.paths.output_dir,
            on_open=self._on_preview_opened,
            label=self.kind_combo.currentText(),
            form=f"register_{kind}",
            on_failed=self._on_failed,
        )

    def save_excel(self, path: Path) -> None:
        bounds = self._checked_bounds()
        if bounds is None:
            return
        start, end = bounds
        registers, kind = self._services.registers, self.kind
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")

        doing = self.tr("Đang ghi sổ") if kind == "ledger" else self.tr("Đang ghi danh sách")
        emit, stop = self._start_progress(doing)

        def work() -> int:
            if kind == "ledger":
                return registers.write_ledger(start, end, path, progress=emit, cancelled=stop)
            return registers.write_late_list(
                start, end, path, public=kind == "public", progress=emit, cancelled=stop
            )

        self.excel_button.setEnabled(False)
        self._runner.run(
            work, lambda n: self._on_saved(path, n), self._on_failed, label=self.tr("Xuất Excel")
        )

    def _on_excel_button_clicked(self) -> None:
        bounds = self._checked_bounds()
        if bounds is None:
            return
        suggested = str(self._services.paths.output_dir / f"{self._file_stem(*bounds)}.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu bảng Excel"), suggested, self.tr("Bảng tính Excel (*.xlsx)")
        )
        if chosen:
            self.save_excel(Path(chosen))

    def _start_progress(
        self, doing: str
    ) -> tuple[Callable[[int, int], object], Callable[[], bool]]:
        """Show the bar at 0 and the stop button; return what the worker calls with (done,
        total) and what it asks whether to stop. ``doing``: what the status line says."""
        self._stop = threading.Event()
        self._doing = doing
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.stop_button.setEnabled(True)
        self.stop_button.show()
        return self.progressed.emit, self._stop.is_set

    def _on_self_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress_bar.setRange(0, 100)
            self.progress_bar.setValue(done * 100 // max(total, 1))
            text = self.tr("{0}: {1} / {2} dòng").format(self._doing, _number(done), _number(total))
        else:  # how many there are is known only at the end: a moving bar
            self.progress_bar.setRange(0, 0)
            text = self.tr("{0}: {1} dòng").format(self._doing, _number(done))
        self.status_label.setText(text)

    def _on_stop_button_clicked(self) -> None:
        self._stop.set()
        self.stop_button.setEnabled(False)
        self.status_label.setText(self.tr("Đang dừng…"))

    def _end_progress(self) -> None:
        self.progress_bar.setRange(0, 100)
        self.progress_bar.hide()
        self.stop_button.hide()

    def _on_saved(self, path: Path, rows: int) -> None:
        self._end_progress()
        self.excel_button.setEnabled(True)
        self.saved_path = path
        self.status_label.setText(
            self.tr("Đã lưu {0} dòng vào {1}").format(_number(rows), path.name)
        )

    def _on_failed(self, exc: BaseException) -> None:
        self._end_progress()
        self.status_label.clear()
        self.excel_button.setEnabled(True)
        if isinstance(exc, CancelledError):  # the person stopped it: no error to show
            self.status_label.setText(self.tr("Đã dừng, không ghi tệp nào."))
            return
        show_error(self, exc)

    def _on_preview_opened(self, dialog: ReceiptDialog) -> None:
        self._end_progress()
        self.status_label.clear()
        self.preview = dialog
