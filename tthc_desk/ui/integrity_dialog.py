"""*Hệ thống → Kiểm tra toàn vẹn dữ liệu*: the data checked against the tamper-evident journal,
for the head of office and the administrator.

*Kiểm tra toàn bộ* reads every journal entry and every protected row (minutes on a database of a
million dossiers): it runs off the GUI thread with a progress bar, and *Dừng* (or closing the
dialog) stops it. *Kiểm tra nhanh* checks the last entries and the data they changed, as the
start-up does. The outcome is a line, then each problem as a sentence naming the journal entry
after which the data was changed, the earliest first; it is kept (``record_check``) for the
banner of the main window, and ``check_recorded(report)`` says so. The dialog also says where
the journal's key is kept: without it nothing can be checked.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import TthcError
from tthc_desk.services.container import Services
from tthc_desk.services.journal_service import IntegrityReport
from tthc_desk.ui.display import ERROR_COLOR, heading_font, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.tasks import TaskRunner

OK_COLOR = "#2e7d32"


class IntegrityDialog(QDialog):
    """The full and the quick check; ``report`` is the last outcome shown."""

    check_recorded = Signal(object)
    progressed = Signal(int, int)  # emitted from the worker, delivered on the GUI thread

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("integrityDialog")
        self.setWindowTitle(self.tr("Kiểm tra toàn vẹn dữ liệu"))
        self.resize(900, 560)
        self._services = services
        self._runner = runner
        self._stop = threading.Event()
        self._closed = False
        self.running = False
        self.report: IntegrityReport | None = None

        heading = QLabel(self.tr("Kiểm tra toàn vẹn dữ liệu"))
        heading.setFont(heading_font(self.font(), 1.3))
        intro = muted_label(
            self.tr(
                "Mọi thao tác thay đổi dữ liệu được ghi vào nhật ký, nối chuỗi bằng chữ ký có "
                "khóa bí mật: sửa, xóa hay thêm thẳng vào tệp dữ liệu (ngoài phần mềm) đều bị "
                "phát hiện. Kiểm tra toàn bộ đối chiếu từng mục nhật ký và từng hồ sơ (có thể "
                "mất vài phút với dữ liệu lớn); kiểm tra nhanh chỉ xem các mục gần nhất."
            )
        )
        self.last_label = muted_label()
        self.last_label.setObjectName("lastCheck")
        self.progress = QProgressBar()
        self.progress.setObjectName("integrityProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("%p%"))
        self.stop_button = QPushButton(self.tr("Dừng"))
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAutoDefault(False)
        self.stop_button.setEnabled(False)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.stop_button)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("integritySummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setFont(heading_font(self.font(), 1.05))
        self.problems_list = QListWidget()
        self.problems_list.setObjectName("integrityProblems")
        self.problems_list.setWordWrap(True)
        self.problems_list.setAlternatingRowColors(True)
        self.key_label = muted_label()
        self.key_label.setObjectName("keyLocation")
        self.key_label.setText(
            self.tr("Khóa nhật ký của cơ sở dữ liệu này được giữ trong {0}.").format(
                services.journal.key_location()
            )
        )

        self.full_button = QPushButton(self.tr("Kiểm tra toàn bộ"))
        self.full_button.setObjectName("fullCheckButton")
        self.full_button.setDefault(True)
        self.quick_button = QPushButton(self.tr("Kiểm tra nhanh"))
        self.quick_button.setObjectName("quickCheckButton")
        self.close_button = QPushButton(self.tr("Đóng"))
        for b in (self.quick_button, self.close_button):
            b.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.full_button)
        buttons.addWidget(self.quick_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        root = QVBoxLayout(self)
        root.addWidget(heading)
        root.addWidget(intro)
        root.addWidget(self.last_label)
        root.addLayout(progress_row)
        root.addWidget(self.summary_label)
        root.addWidget(self.problems_list, 1)
        root.addWidget(self.key_label)
        root.addLayout(buttons)

        self.full_button.clicked.connect(self.check_full)
        self.quick_button.clicked.connect(self.check_quick)
        self.stop_button.clicked.connect(self.stop)
        self.close_button.clicked.connect(self.reject)
        self.progressed.connect(self._on_self_progressed)
        self.finished.connect(self._on_self_finished)
        self.show_last(services.journal.last_check())
        self.full_button.setFocus()

    # -- starting and stopping ----------------------------------------------------------------
    def check_full(self) -> None:
        """Every entry and every row, off the GUI thread, with progress and *Dừng*."""
        if self.running:
            return
        journal, stop, progressed = self._services.journal, self._stop, self.progressed
        stop.clear()

        def progress(done: int, total: int) -> bool:
            if stop.is_set():
                return False
            progressed.emit(done, total)
            return True

        self._start(self.tr("Đang kiểm tra toàn bộ nhật ký và dữ liệu…"))
        self._runner.run(
            lambda: journal.verify_full(progress),
            self._on_checked,
            self._on_failed,
            label=self.tr("Kiểm tra toàn bộ nhật ký"),
        )

    def check_quick(self) -> None:
        """The last entries and the data they changed (a few milliseconds)."""
        if self.running:
            return
        journal = self._services.journal
        self._start(self.tr("Đang kiểm tra các mục nhật ký gần nhất…"))
        self._runner.run(
            journal.verify_tail,
            self._on_checked,
            self._on_failed,
            label=self.tr("Kiểm tra nhanh nhật ký"),
        )

    def stop(self) -> None:
        """*Dừng*: the full check ends at its next progress step."""
        self._stop.set()
        if self.running and not self._closed:
            self.stop_button.setEnabled(False)
            self.summary_label.setText(self.tr("Đang dừng…"))

    def _start(self, text: str) -> None:
        self.running = True
        self.report = None
        self.problems_list.clear()
        self.summary_label.setStyleSheet("")
        self.summary_label.setText(text)
        self.progress.setValue(0)
        self.stop_button.setEnabled(True)
        for b in (self.full_button, self.quick_button):
            b.setEnabled(False)

    def _end(self) -> None:
        self.running = False
        self.stop_button.setEnabled(False)
        for b in (self.full_button, self.quick_button):
            b.setEnabled(True)

    # -- answers --------------------------------------------------------------------------------
    def _on_self_progressed(self, done: int, total: int) -> None:
        if not self._closed and self.running:
            self.progress.setValue(done * 100 // max(total, 1))

    def _on_checked(self, report: IntegrityReport) -> None:
        if self._closed:
            return
        self._end()
        self.show_report(report)
        if report.stopped:
            return
        journal = self._services.journal
        self._runner.run(
            lambda: journal.record_check(report),
            lambda _none: self._on_recorded(report),
            self._on_failed,
            write=True,
            label=self.tr("Ghi kết quả kiểm tra nhật ký"),
        )

    def _on_recorded(self, report: IntegrityReport) -> None:
        if self._closed:  # the window refreshes its banner when a dialog closes anyway
            return
        self.check_recorded.emit(report)
        self.show_last(self._services.journal.last_check())

    def _on_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._end()
        self.summary_label.setStyleSheet(f"color: {ERROR_COLOR};")
        if isinstance(exc, TthcError):
            self.summary_label.setText(exc.message)
        else:
            self.summary_label.setText(self.tr("Không kiểm tra được."))
            show_error(self, exc)

    def show_report(self, report: IntegrityReport) -> None:
        """The outcome line (green when the data is whole, red when not) and the problems."""
        self.report = report
        if not report.stopped:
            self.progress.setValue(100)
        color = OK_COLOR if report.ok else ERROR_COLOR
        self.summary_label.setStyleSheet("" if report.stopped else f"color: {color};")
        self.summary_label.setText(report.summary())
        self.problems_list.clear()
        self.problems_list.addItems(report.messages())

    def show_last(self, last: dict[str, Any] | None) -> None:
        """“Lần kiểm tra gần nhất: …” from ``JournalService.last_check()``."""
        if last is None:
            self.last_label.setText(self.tr("Chưa kiểm tra lần nào."))
            return
        at = datetime.fromisoformat(str(last["at"]))
        scope = self.tr("toàn bộ") if last.get("full") else self.tr("nhanh")
        outcome = (
            self.tr("dữ liệu toàn vẹn")
            if last.get("ok")
            else self.tr("phát hiện {0} chỗ bị sửa").format(last.get("problems", 0))
        )
        self.last_label.setText(
            self.tr("Lần kiểm tra gần nhất ({0}): {1:%d/%m/%Y %H:%M}, {2}.").format(
                scope, at, outcome
            )
        )

    def _on_self_finished(self, _result: int) -> None:
        # Closed (or someone else logged in): a check under way stops; late answers are dropped.
        self._stop.set()
        self._closed = True
