"""The reports page: build the weekly workbook or the periodic Biểu 06a of any period, look at the
figures, the plan targets and the digitisation of the period's dossiers, save the workbook and
open it before it is sent.

The figures are computed off the GUI thread (:meth:`ReportService.compute` and
:meth:`ReportService.digitisation`); the table shows Biểu 06a as it will be printed, with the
column numbers (3)–(13) in the headers; the *Số hóa* block under the targets says what the
weekly workbook's ``Số hóa`` sheet says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from tthc_desk.domain import periods
from tthc_desk.domain.access import Right
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.periods import Period, PeriodKind, report_file_name
from tthc_desk.domain.report import Report, Row06a, TargetResult
from tthc_desk.domain.scans import DigitisationFigures
from tthc_desk.services.container import Services
from tthc_desk.ui.display import date_edit, error_label, muted_label, to_date
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import digitisation_lines, label, period_label, period_range_text
from tthc_desk.ui.page import Page
from tthc_desk.ui.rights import guard
from tthc_desk.ui.row_table_model import Column, ColumnTableModel
from tthc_desk.ui.tasks import TaskRunner

KINDS: tuple[PeriodKind, ...] = (
    PeriodKind.WEEK,
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.HALF,
    PeriodKind.YEAR,
    PeriodKind.CUSTOM,
)
HEADERS = (
    QT_TRANSLATE_NOOP("Report06aTableModel", "Lĩnh vực"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Nhận giải quyết\ntổng số (3)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Trực tuyến\n(4)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Trực tiếp,\nbưu chính (5)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Từ kỳ\ntrước (6)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Đã giải quyết\ntổng số (7)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Trước\nhạn (8)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Đúng\nhạn (9)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Quá\nhạn (10)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Đang giải quyết\ntổng số (11)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Trong\nhạn (12)"),
    QT_TRANSLATE_NOOP("Report06aTableModel", "Quá\nhạn (13)"),
)
LATE_COLOR = QColor("#c62828")
CHOICES = 12  # recent periods offered in the list


def recent_periods(kind: PeriodKind, today: date, cutoff: bool, week_start: int) -> list[Period]:
    """The latest ``CHOICES`` periods of ``kind``, the current one first."""
    found: list[Period] = []
    if kind is PeriodKind.WEEK:
        p = periods.week_of(today, week_start)
        while len(found) < CHOICES:
            found.append(p)
            p = periods.week_of(p.start - timedelta(days=1), week_start)
        return found
    p = periods.containing(kind, today, cutoff)
    while len(found) < (CHOICES if kind is PeriodKind.MONTH else 6):
        found.append(p)
        p = periods.containing(kind, p.start - timedelta(days=1), cutoff)
    return found


#: The columns whose figure is shown red when it is not zero: the late dossiers, (10) and (13).
LATE_FIGURES = (8, 11)


def _figure_text(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Report06aTableModel(ColumnTableModel[Row06a]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        bold = QFont()
        bold.setBold(True)
        titles = [translate("Report06aTableModel", h) for h in HEADERS]
        self.set_columns(
            [
                Column(lambda r: r.field, title=titles[0]),
                *(self._figure_column(n, title) for n, title in enumerate(titles[1:], start=1)),
            ],
            row_roles={
                Qt.ItemDataRole.FontRole: lambda r: bold if r is self._rows[-1] else None,
            },
        )

    @staticmethod
    def _figure_column(n: int, title: str) -> Column[Row06a]:
        """Column ``n``: figure ``n - 1`` of a row (the field is column 0)."""
        late = n in LATE_FIGURES
        return Column(
            lambda r: _figure_text(r.values()[n - 1]),
            foreground=lambda r: QBrush(LATE_COLOR) if late and r.values()[n - 1] else None,
            align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            title=title,
        )

    def set_report(self, report: Report | None) -> None:
        """The rows of ``report`` and its total (the last row, bold)."""
        self.set_rows([*report.rows, report.total] if report else [])


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


#: Whether a target is met (None: no dossier to measure yet).
VERDICTS: dict[bool | None, str] = {
    True: QT_TRANSLATE_NOOP("reports_page", "đạt"),
    False: QT_TRANSLATE_NOOP("reports_page", "chưa đạt"),
    None: QT_TRANSLATE_NOOP("reports_page", "chưa có số liệu"),
}


def target_line(t: TargetResult) -> str:
    sign = ">" if t.strict else "≥"
    verdict = translate("reports_page", VERDICTS[t.met])
    figures = translate(
        "reports_page", "{numerator}/{denominator}; chỉ tiêu {sign} {target}"
    ).format(numerator=t.numerator, denominator=t.denominator, sign=sign, target=_percent(t.target))
    return translate("reports_page", "{target}: {value} ({figures}) – {verdict}").format(
        target=label(t.kind), value=_percent(t.value), figures=figures, verdict=verdict
    )


class ReportsPage(Page):
    """``report_saved(path)`` after a workbook was written."""

    report_saved = Signal(object)
    report_queued = Signal(object)  # OutboxItem

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, runner, parent)
        self.setObjectName("reportsPage")
        self.report: Report | None = None
        self.digitisation: DigitisationFigures | None = None
        self.saved_path: Path | None = None
        self.saved_report: Report | None = None

        self.title.setText(self.tr("Báo cáo gửi cấp trên"))
        self.kind_combo = QComboBox()
        for kind in KINDS:
            self.kind_combo.addItem(label(kind), kind.value)
        self.period_combo = QComboBox()
        self.period_combo.setMinimumWidth(320)
        today = services.clock.now().date()
        self.from_edit = date_edit(today.replace(day=1))
        self.to_edit = date_edit(today)
        self.build_button = QPushButton(self.tr("Xem số liệu"))
        self.build_button.setDefault(True)
        self.save_button = QPushButton(self.tr("Lưu Excel…"))
        self.open_button = QPushButton(self.tr("Mở tệp vừa lưu"))
        self.open_button.setEnabled(False)
        self.queue_button = QPushButton(self.tr("Đưa vào hàng chờ gửi"))
        self.queue_button.setToolTip(
            self.tr("Gửi tệp vừa lưu lên cấp trên (trang Gửi báo cáo, F9)")
        )
        self.queue_button.setEnabled(False)
        choose = QHBoxLayout()
        choose.addWidget(QLabel(self.tr("Kỳ báo cáo:")))
        choose.addWidget(self.kind_combo)
        choose.addWidget(self.period_combo)
        choose.addWidget(self.from_edit)
        self.dash = QLabel("–")
        choose.addWidget(self.dash)
        choose.addWidget(self.to_edit)
        choose.addWidget(self.build_button)
        choose.addStretch(1)
        choose.addWidget(self.save_button)
        choose.addWidget(self.open_button)
        choose.addWidget(self.queue_button)

        self.heading = QLabel()
        self.heading.setObjectName("reportHeading")
        self.heading.setWordWrap(True)
        self.model = Report06aTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("report06aTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.targets_label = QLabel()
        self.targets_label.setObjectName("targetsLabel")
        self.targets_label.setWordWrap(True)
        self.targets_label.setTextFormat(Qt.TextFormat.RichText)
        self.digitised_label = QLabel()
        self.digitised_label.setObjectName("digitisedLabel")
        self.digitised_label.setWordWrap(True)
        self.digitised_label.setTextFormat(Qt.TextFormat.RichText)
        self.error = error_label()
        self.status_label = muted_label()

        self.root.addLayout(choose)
        self.root.addWidget(self.error)
        self.root.addWidget(self.heading)
        self.root.addWidget(self.table, 1)
        self.root.addWidget(self.targets_label)
        self.root.addWidget(self.digitised_label)
        self.root.addWidget(self.status_label)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_current_index_changed)
        self.build_button.clicked.connect(self.build)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.queue_button.clicked.connect(self.queue_saved)
        self._on_kind_combo_current_index_changed(0)
        self.apply_rights()

    # -- rights -------------------------------------------------------------------------------
    def apply_rights(self) -> None:
        accounts = self._services.accounts
        guard(self.build_button, accounts, Right.BUILD_REPORT)
        guard(self.save_button, accounts, Right.BUILD_REPORT)
        guard(self.queue_button, accounts, Right.QUEUE_REPORT, self.saved_report is not None)

    def _allow(self, button: QPushButton, right: Right) -> None:
        """``button`` usable again after its work, if the person logged in may."""
        guard(button, self._services.accounts, right)

    # -- the period ---------------------------------------------------------------------------
    @property
    def kind(self) -> PeriodKind:
        return PeriodKind(self.kind_combo.currentData())

    def set_kind(self, kind: PeriodKind) -> None:
        self.kind_combo.setCurrentIndex(KINDS.index(kind))

    def _on_kind_combo_current_index_changed(self, _index: int) -> None:
        custom = self.kind is PeriodKind.CUSTOM
        for w in (self.from_edit, self.dash, self.to_edit):
            w.setVisible(custom)
        self.period_combo.setVisible(not custom)
        self.period_combo.clear()
        if custom:
            return
        reports = self._services.reports
        today = self._services.clock.now().date()
        choices = recent_periods(self.kind, today, reports.cutoff, reports.week_start)
        for p in choices:
            self.period_combo.addItem(
                f"{period_label(p)} ({p.start:%d/%m/%Y} – {p.end:%d/%m/%Y})", p
            )
        # A week is reported once it has ended: the last full week is the default.
        self.period_combo.setCurrentIndex(
            1 if self.kind is PeriodKind.WEEK and len(choices) > 1 else 0
        )

    def period(self) -> Period:
        if self.kind is PeriodKind.CUSTOM:
            return periods.custom(to_date(self.from_edit.date()), to_date(self.to_edit.date()))
        period: Period = self.period_combo.currentData()
        return period

    def select_period(self, period: Period) -> None:
        self.set_kind(period.kind)
        for i in range(self.period_combo.count()):
            if self.period_combo.itemData(i) == period:
                self.period_combo.setCurrentIndex(i)
                return
        self.period_combo.addItem(period_label(period), period)
        self.period_combo.setCurrentIndex(self.period_combo.count() - 1)

    def _checked_period(self) -> Period | None:
        self.error.hide()
        try:
            return self.period()
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return None

    # -- figures ------------------------------------------------------------------------------
    def build(self) -> None:
        period = self._checked_period()
        if period is None:
            return
        reports = self._services.reports
        self.build_button.setEnabled(False)
        show = self.newest(self.show_report)
        self._runner.run(
            # The table and figures only (no list of dossiers), and the digitisation.
            lambda: (reports.compute(period, dossiers=False), reports.digitisation(period)),
            lambda built: self._on_report_built(show, built),
            self._on_failed,
            label=self.tr("Tính số liệu báo cáo"),
        )

    def _on_report_built(
        self,
        show: Callable[[Report], None],
        built: tuple[Report, DigitisationFigures],
    ) -> None:
        self._allow(self.build_button, Right.BUILD_REPORT)
        report, digitisation = built
        show(replace(report, digitisation=digitisation))  # unless a newer build was asked for

    def show_report(self, report: Report) -> None:
        self.report = report
        self.model.set_report(report)
        p = report.period
        if report.as_of == p.as_of:
            moment = self.tr("số liệu tính đến hết ngày {0:%d/%m/%Y}").format(p.end)
        else:
            moment = self.tr(
                "kỳ chưa kết thúc: số liệu tính đến {0:%H:%M} ngày {0:%d/%m/%Y}"
            ).format(report.as_of)
        self.heading.setText(f"<b>{period_label(p)}</b> · {period_range_text(p)} · {moment}")
        x = report.extra
        lines = [target_line(t) for t in report.targets]
        lines.append(
            self.tr("Hồ sơ quá hạn: {0}, trong đó có phiếu xin lỗi: {1}").format(
                x.late_total, x.late_with_letter
            )
        )
        lines.append(
            self.tr("Nhận qua bưu chính: {0}/{1} · trả qua bưu chính: {2}/{3}").format(
                x.received_postal, x.received_total, x.returned_postal, x.returned_total
            )
        )
        self.targets_label.setText("<br>".join(lines))
        if report.digitisation is not None:
            self.show_digitisation(report.digitisation)
        elif self.digitisation is not None and self.digitisation.period != p:
            self.show_digitisation(None)  # the figures of another period: not this report's
        self.status_label.setText(
            self.tr("Các đẳng thức của Biểu 06a đều đúng.")
            if all(r.identities_hold() for r in [*report.rows, report.total])
            else self.tr("Cảnh báo: số liệu không thỏa các đẳng thức của Biểu 06a.")
        )

    def show_digitisation(self, figures: DigitisationFigures | None) -> None:
        """The *Số hóa* block: the digitisation of the dossiers received in the period."""
        self.digitisation = figures
        if figures is None:
            self.digitised_label.clear()
            return
        head = self.tr("<b>Số hóa</b> (hồ sơ tiếp nhận trong kỳ, bản số hóa đính kèm đến hết kỳ)")
        lines = digitisation_lines(figures.counts)
        if not figures.office_has_scans:
            lines.append(self.tr("Bộ phận chưa lưu bản số hóa nào."))
        self.digitised_label.setText("<br>".join([head, *lines]))

    def _on_failed(self, exc: BaseException) -> None:
        self._allow(self.build_button, Right.BUILD_REPORT)
        self._allow(self.save_button, Right.BUILD_REPORT)
        show_error(self, exc)

    # -- files --------------------------------------------------------------------------------
    def default_file_name(self, period: Period) -> str:
        agency = self._services.settings.office().agency_id
        return report_file_name(agency, period.key, weekly=period.kind is PeriodKind.WEEK)

    def save_to(self, path: Path) -> None:
        period = self._checked_period()
        if period is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        reports = self._services.reports
        write = reports.write_weekly if period.kind is PeriodKind.WEEK else reports.write_period
        self.save_button.setEnabled(False)
        self._runner.run(
            lambda: write(period, path),
            lambda r: self._on_saved(path, r),
            self._on_failed,
            label=self.tr("Lập báo cáo Excel"),
        )

    def _on_save_button_clicked(self) -> None:
        period = self._checked_period()
        if period is None:
            return
        suggested = str(self._services.paths.output_dir / self.default_file_name(period))
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu báo cáo"), suggested, self.tr("Bảng tính Excel (*.xlsx)")
        )
        if chosen:
            self.save_to(Path(chosen))

    def _on_saved(self, path: Path, report: Report) -> None:
        self._allow(self.save_button, Right.BUILD_REPORT)
        self.saved_path = path
        self.saved_report = report
        self.open_button.setEnabled(True)
        self._allow(self.queue_button, Right.QUEUE_REPORT)
        self.show_report(report)
        self.status_label.setText(self.tr("Đã lưu {0}").format(path))
        self.report_saved.emit(path)

    def queue_saved(self) -> None:
        """Put the workbook just saved in the upload queue (a rebuild with the same content is
        the item already there; after a correction, a new version)."""
        report, path = self.saved_report, self.saved_path
        if report is None or path is None:
            return
        reports, outbox = self._services.reports, self._services.outbox
        full = report.period.kind is PeriodKind.WEEK
        self.queue_button.setEnabled(False)
        self._runner.run(
            lambda: reports.queue(outbox, report, path, full=full),
            self._on_queued,
            self._on_queue_failed,
            write=True,
            label=self.tr("Đưa báo cáo vào hàng chờ gửi"),
        )

    def _on_queued(self, item: Any) -> None:
        self._allow(self.queue_button, Right.QUEUE_REPORT)
        self.status_label.setText(
            self.tr("Đã đưa “{0}” vào hàng chờ gửi (phiên bản {1}).").format(
                item.file_name, item.version
            )
        )
        self.report_queued.emit(item)

    def _on_queue_failed(self, exc: BaseException) -> None:
        self._allow(self.queue_button, Right.QUEUE_REPORT)
        show_error(self, exc)

    def _on_open_button_clicked(self) -> None:
        if self.saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_path)))
