"""The working calendar: per-year table of holidays, days off in exchange and make-up working
days (rules.md "Calendar and office hours"), with a month overview and the count of working days.

Edits stay in memory, per year, until "Lưu", which writes each edited year with
``CalendarService.replace_year`` (one transaction a year). Importing a file goes straight through
``CalendarService.import_file`` (all rows or none), so it is offered only when nothing is pending.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.calendar import CalendarException, DayKind, WorkCalendar
from tthc_desk.domain.errors import TthcError
from tthc_desk.services.container import Services
from tthc_desk.ui.busy import working
from tthc_desk.ui.calendar_exceptions import (
    EXCEPTION_ROLE,
    KIND_COLORS,
    ExceptionEditorDialog,
    ExceptionTableModel,
)
from tthc_desk.ui.display import qdate, to_date
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.labels import label

WEEKEND_TEXT = QColor("#8a8a8a")
OFF_TEXT = QColor("#b3261e")


class CalendarDialog(QDialog):
    """Year selector, exception table with add/edit/remove, import/export, month overview."""

    calendar_saved = Signal()

    def __init__(
        self, services: Services, parent: QWidget | None = None, year: int | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._pending: dict[int, list[CalendarException]] = {}  # edited, unsaved years
        self.editor: ExceptionEditorDialog | None = None
        year = year or services.calendar.now().year
        self._year = year
        self.setWindowTitle(self.tr("Lịch làm việc"))
        self.resize(1060, 600)

        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year)
        self.year_spin.setPrefix(self.tr("Năm "))
        self.count_label = QLabel()
        self.count_label.setObjectName("workingDayCount")
        self.count_label.setStyleSheet("font-weight: bold;")

        self.model = ExceptionTableModel(parent=self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ExceptionTableModel.NAME, QHeaderView.ResizeMode.Stretch)

        self.overview = QCalendarWidget()
        self.overview.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.overview.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.overview.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.overview.setGridVisible(True)
        self.overview.setMinimumWidth(340)
        weekend = QTextCharFormat()
        weekend.setForeground(QBrush(WEEKEND_TEXT))
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.overview.setWeekdayTextFormat(day, weekend)
        legend = QVBoxLayout()
        for kind in DayKind:
            chip = QLabel(label(kind))
            chip.setStyleSheet(f"background: {KIND_COLORS[kind].name()}; padding: 2px 6px;")
            legend.addWidget(chip)

        self.add_button = QPushButton(self.tr("Thêm ngày…"))
        self.edit_button = QPushButton(self.tr("Sửa…"))
        self.remove_button = QPushButton(self.tr("Xóa"))
        self.import_button = QPushButton(self.tr("Nhập từ tệp…"))
        self.export_button = QPushButton(self.tr("Xuất ra Excel…"))
        self.save_button = QPushButton(self.tr("Lưu"))
        self.close_button = QPushButton(self.tr("Đóng"))
        for b in (
            self.add_button,
            self.edit_button,
            self.remove_button,
            self.import_button,
            self.export_button,
        ):
            b.setAutoDefault(False)
        self.status_label = QLabel()
        self.status_label.setObjectName("calendarStatus")
        self.status_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.year_spin)
        top.addSpacing(16)
        top.addWidget(self.count_label)
        top.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        row = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(b)
        row.addSpacing(16)
        for b in (self.import_button, self.export_button):
            row.addWidget(b)
        row.addStretch(1)
        left.addLayout(row)
        right = QVBoxLayout()
        right.addWidget(self.overview)
        right.addLayout(legend)
        right.addStretch(1)
        middle = QHBoxLayout()
        middle.addLayout(left, 1)
        middle.addLayout(right)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)

        self.year_spin.valueChanged.connect(self._on_year_spin_value_changed)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self.overview.activated.connect(self._on_overview_activated)
        self.overview.clicked.connect(self._on_overview_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.close_button.clicked.connect(self.reject)

        self._load_year(year)

    # -- state --------------------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self._year

    def is_dirty(self) -> bool:
        return bool(self._pending)

    def exceptions(self) -> list[CalendarException]:
        """The table of the shown year as edited."""
        return self.model.exceptions()

    def _load_year(self, year: int) -> None:
        self._year = year
        rows = self._pending.get(year)
        if rows is None:
            rows = self._services.calendar.exceptions(year)
        self.model.set_exceptions(rows)
        self.overview.setDateRange(QDate(year, 1, 1), QDate(year, 12, 31))
        today = self._services.calendar.now().date()
        self.overview.setSelectedDate(qdate(today) if today.year == year else QDate(year, 1, 1))
        self._refresh()

    def _edited(self) -> None:
        self._pending[self._year] = self.model.exceptions()
        self._refresh()

    def working_calendar(self) -> WorkCalendar:
        return WorkCalendar(self._services.settings.hours(), self.model.exceptions())

    def working_days(self) -> int:
        cal = self.working_calendar()
        start, stop = date(self._year, 1, 1).toordinal(), date(self._year + 1, 1, 1).toordinal()
        return sum(cal.is_working_day(date.fromordinal(o)) for o in range(start, stop))

    def _refresh(self) -> None:
        self.count_label.setText(
            self.tr("Năm {0}: {1} ngày làm việc").format(self._year, self.working_days())
        )
        self._paint_overview()
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        for b in (self.import_button, self.export_button):
            b.setEnabled(not dirty)
            b.setToolTip(self.tr("Hãy lưu các thay đổi trước.") if dirty else "")
        if dirty:
            years = ", ".join(str(y) for y in sorted(self._pending))
            self.status_label.setText(self.tr("Có thay đổi chưa lưu (năm {0}).").format(years))
        self._on_view_current_row_changed()

    def _paint_overview(self) -> None:
        self.overview.setDateTextFormat(QDate(), QTextCharFormat())  # clears every day
        for exc in self.model.exceptions():
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(KIND_COLORS[exc.kind]))
            fmt.setForeground(QBrush(Qt.GlobalColor.black if exc.kind.is_working else OFF_TEXT))
            fmt.setToolTip(f"{label(exc.kind)}: {exc.name}")
            self.overview.setDateTextFormat(qdate(exc.day), fmt)

    def day_format(self, day: date) -> QTextCharFormat:
        """How the overview paints ``day`` (used by tests and screenshots)."""
        return self.overview.dateTextFormat(qdate(day))

    # -- editing ------------------------------------------------------------------------------
    def open_editor(
        self, exception: CalendarException | None = None, day: date | None = None
    ) -> ExceptionEditorDialog:
        """Open the editor of one day window-modally (never blocks) and return it."""
        taken = {e.day for e in self.model.exceptions()}
        self.editor = ExceptionEditorDialog(self._year, taken, exception, self, day=day)
        self.editor.exception_accepted.connect(self._on_editor_exception_accepted)
        self.editor.open()
        return self.editor

    def _on_editor_exception_accepted(self, exc: CalendarException, replaced: date | None) -> None:
        row = self.model.put(exc, replaced)
        self._edited()
        self.view.selectRow(row)

    def remove_day(self, day: date) -> bool:
        if not self.model.remove(day):
            return False
        self._edited()
        return True

    def current_exception(self) -> CalendarException | None:
        index = self.view.currentIndex()
        return index.data(EXCEPTION_ROLE) if index.isValid() else None

    def save(self) -> bool:
        """Write every edited year; each year is replaced in one transaction."""
        calendar = self._services.calendar
        for year in sorted(self._pending):
            try:
                calendar.replace_year(year, self._pending[year])
            except TthcError as exc:
                show_error(self, exc)
                return False
            del self._pending[year]
        self.status_label.setText(self.tr("Đã lưu lịch làm việc."))
        self._refresh()
        self.calendar_saved.emit()
        return True

    def reject(self) -> None:
        """Close; with unsaved edits ask first (window-modal, the caller never blocks)."""
        if not self.is_dirty():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Lịch làm việc"),
            self.tr("Bỏ các thay đổi chưa lưu?"),
            parent=self,
        )
        discard = box.addButton(self.tr("Bỏ thay đổi"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Tiếp tục sửa"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(
            lambda button: self.discard_and_close() if button is discard else None
        )
        self.confirm_box = box
        box.open()

    def discard_and_close(self) -> None:
        self._pending.clear()
        super().reject()

    # -- files --------------------------------------------------------------------------------
    def import_from(self, path: Path) -> int | None:
        """Import a CSV/XLSX table: all rows or none. Returns the number of days imported."""
        if self.is_dirty():
            show_error(self, TthcError(self.tr("Hãy lưu hoặc bỏ các thay đổi trước khi nhập tệp.")))
            return None
        try:
            with working(self.import_button):  # on the GUI thread: the busy cursor
                count = self._services.calendar.import_file(Path(path))
        except TthcError as exc:
            self.status_label.setText(self.tr("Chưa nhập: tệp có lỗi, lịch giữ nguyên."))
            show_error(self, exc)
            return None
        self._load_year(self._year)
        self.status_label.setText(
            self.tr("Đã nhập {0} ngày từ tệp {1}.").format(count, Path(path).name)
        )
        self.calendar_saved.emit()
        return count

    def export_to(self, path: Path) -> int | None:
        try:
            with working(self.export_button):
                count = self._services.calendar.export_file(Path(path), self._year)
        except (TthcError, OSError) as exc:
            error = (
                exc
                if isinstance(exc, TthcError)
                else TthcError(self.tr("Không ghi được tệp: {0}").format(exc))
            )
            show_error(self, error)
            return None
        self.status_label.setText(
            self.tr("Đã xuất {0} ngày ra {1}.").format(count, Path(path).name)
        )
        return count

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Chọn tệp lịch"),
            "",
            self.tr("Bảng tính (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv)"),
        )
        if path:
            self.import_from(Path(path))

    def _on_export_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Lưu lịch năm {0}").format(self._year),
            f"lich-lam-viec-{self._year}.xlsx",
            self.tr("Excel (*.xlsx)"),
        )
        if path:
            self.export_to(Path(path))

    # -- small slots --------------------------------------------------------------------------
    def _on_year_spin_value_changed(self, year: int) -> None:
        self._load_year(year)

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _on_add_button_clicked(self) -> None:
        selected = to_date(self.overview.selectedDate())
        exists = self.model.row_of(selected) >= 0
        self.open_editor(day=None if exists else selected)

    def _on_edit_button_clicked(self) -> None:
        exc = self.current_exception()
        if exc is not None:
            self.open_editor(exc)

    def _on_remove_button_clicked(self) -> None:
        exc = self.current_exception()
        if exc is not None:
            self.remove_day(exc.day)

    def _on_view_activated(self, index: object) -> None:
        self._on_edit_button_clicked()

    def _on_view_current_row_changed(self, *_args: object) -> None:
        exc = self.current_exception()
        self.edit_button.setEnabled(exc is not None)
        self.remove_button.setEnabled(exc is not None)
        if exc is not None:
            self.overview.setSelectedDate(qdate(exc.day))

    def _on_overview_clicked(self, value: QDate) -> None:
        row = self.model.row_of(to_date(value))
        if row >= 0:
            self.view.selectRow(row)
        else:
            self.view.clearSelection()
            self.view.setCurrentIndex(self.model.index(-1, -1))

    def _on_overview_activated(self, value: QDate) -> None:
        day = to_date(value)
        row = self.model.row_of(day)
        self.open_editor(self.model.exceptions()[row] if row >= 0 else None, day=day)
