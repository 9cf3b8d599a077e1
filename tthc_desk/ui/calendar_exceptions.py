"""The table of one year's calendar exceptions, and the small editor of one exception.

Rows are edited in memory by the calendar dialog and written together with
``CalendarService.replace_year`` (one transaction), so a half-edited year never reaches the
due-date rules.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QDate,
    QLocale,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.calendar import CalendarException, DayKind, basis_of
from tthc_desk.domain.errors import ProblemCollector, ValidationError
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.ui.display import dialog_buttons, form_field, qdate, to_date, weekday_name
from tthc_desk.ui.errors import FieldErrors
from tthc_desk.ui.labels import label
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, same

EXCEPTION_ROLE = Qt.ItemDataRole.UserRole + 1

# Colours shared by the table and the month overview.
KIND_COLORS = {
    DayKind.HOLIDAY: QColor("#f8d7da"),
    DayKind.DAY_OFF: QColor("#fde2c4"),
    DayKind.MAKEUP_WORKDAY: QColor("#d4edda"),
}


class ExceptionTableModel(ColumnTableModel[CalendarException]):
    """Columns: Ngày · Thứ · Loại ngày · Tên · Căn cứ; rows kept sorted by day."""

    DAY, WEEKDAY, KIND, NAME, SOURCE = range(5)

    def __init__(
        self, exceptions: list[CalendarException] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rows = sorted(exceptions or [], key=lambda e: e.day)
        self.set_columns(
            (
                Column(lambda e: e.day.strftime("%d/%m/%Y"), title=self.tr("Ngày")),
                Column(lambda e: weekday_name(e.day), title=self.tr("Thứ")),
                Column(
                    lambda e: label(e.kind),
                    background=lambda e: KIND_COLORS[e.kind],
                    title=self.tr("Loại ngày"),
                ),
                Column(lambda e: e.name, tooltip=lambda e: e.name, title=self.tr("Tên")),
                Column(basis_of, tooltip=basis_of, title=self.tr("Căn cứ")),
            ),
            row_roles={EXCEPTION_ROLE: same},
        )

    def exceptions(self) -> list[CalendarException]:
        return list(self._rows)

    def set_exceptions(self, exceptions: list[CalendarException]) -> None:
        self.set_rows(sorted(exceptions, key=lambda e: e.day))

    def row_of(self, day: date) -> int:
        return next((i for i, e in enumerate(self._rows) if e.day == day), -1)

    def put(self, exc: CalendarException, replacing: date | None = None) -> int:
        """Add ``exc``, or replace the row of ``replacing`` (or of the same day); its row."""
        rows = [e for e in self._rows if e.day not in (exc.day, replacing)]
        self.set_exceptions([*rows, exc])
        return self.row_of(exc.day)

    def remove(self, day: date) -> bool:
        row = self.row_of(day)
        return row >= 0 and self.removeRows(row, 1)


class ExceptionEditorDialog(QDialog):
    """Add or edit one day of the table; ``exception_accepted`` carries the result."""

    exception_accepted = Signal(object, object)  # (CalendarException, replaced day or None)

    def __init__(
        self,
        year: int,
        taken: set[date],
        exception: CalendarException | None = None,
        parent: QWidget | None = None,
        *,
        day: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._year = year
        self._original = exception
        self._taken = taken - ({exception.day} if exception else set())
        self.setWindowTitle(
            self.tr("Sửa ngày đặc biệt") if exception else self.tr("Thêm ngày đặc biệt")
        )
        self.setMinimumWidth(460)

        self.date_edit = QDateEdit()
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.date_edit.setDateRange(QDate(year, 1, 1), QDate(year, 12, 31))
        self.weekday_label = QLabel()
        self.kind_combo = QComboBox()
        for kind in DayKind:
            self.kind_combo.addItem(label(kind), kind.value)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Ví dụ: Làm bù cho ngày 31/08/2026"))
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText(self.tr("Ví dụ: Thông báo 9441/TB-BNV"))

        inputs: dict[str, tuple[QWidget, QLabel]] = {}
        form = QFormLayout()

        def add(key: str, label: str, widget: QWidget) -> None:
            inputs[key] = form_field(form, label, widget)

        add("day", self.tr("Ngày"), self.date_edit)
        form.addRow("", self.weekday_label)
        add("kind", self.tr("Loại ngày"), self.kind_combo)
        add("name", self.tr("Tên"), self.name_edit)
        add("source", self.tr("Căn cứ"), self.source_edit)
        self.errors = FieldErrors(inputs)

        self.buttons, self.ok_button, self.cancel_button = dialog_buttons(
            self, self.tr("Đồng ý"), self.tr("Hủy")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        start = exception.day if exception else (day or date(year, 1, 1))
        self.date_edit.setDate(qdate(start))
        self._on_date_edit_date_changed(self.date_edit.date())
        if exception:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(exception.kind.value))
            self.name_edit.setText(exception.name)
            self.source_edit.setText(basis_of(exception))
        elif start.isoweekday() >= 6:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(DayKind.MAKEUP_WORKDAY.value))

    def exception(self) -> CalendarException:
        return CalendarException(
            to_date(self.date_edit.date()),
            DayKind(self.kind_combo.currentData()),
            collapse_spaces(self.name_edit.text()),
            collapse_spaces(self.source_edit.text()),
        )

    def check(self, exc: CalendarException) -> None:
        problems = ProblemCollector()
        if exc.day.year != self._year:
            problems.add(self.tr("Ngày phải thuộc năm {0}.").format(self._year), field="day")
        elif exc.day in self._taken:
            problems.add(
                self.tr("Ngày {0:%d/%m/%Y} đã có trong bảng: hãy sửa dòng đó.").format(exc.day),
                field="day",
            )
        if exc.kind is DayKind.MAKEUP_WORKDAY and exc.day.isoweekday() <= 5:
            problems.add(
                self.tr(
                    "Ngày {0:%d/%m/%Y} vốn là ngày làm việc, không cần đánh dấu làm bù."
                ).format(exc.day),
                field="kind",
            )
        if not exc.name:
            problems.add(
                self.tr("Chưa nhập tên ngày (ví dụ “Tết Nguyên đán”, “Làm bù”)."), field="name"
            )
        problems.raise_if_any(self.tr("Ngày đặc biệt chưa hợp lệ."))

    def accept(self) -> None:
        exc = self.exception()
        try:
            self.check(exc)
        except ValidationError as error:
            bad = self.errors.show(error)
            if bad is not None:
                bad.setFocus()
            return
        self.errors.clear()
        self.exception_accepted.emit(exc, self._original.day if self._original else None)
        super().accept()

    def _on_date_edit_date_changed(self, value: QDate) -> None:
        self.weekday_label.setText(weekday_name(to_date(value)))
