"""Office hours per weekday, as sessions typed "07:30–11:30, 13:30–17:00" (settings, tab
"Giờ làm việc"), and the same-day cut-off time.

The widget only reads the text; whether the sessions make sense (end after start, no overlap,
at least one working weekday) is decided by ``settings_service.validate_hours`` and shown back
through the error labels this widget exposes for :class:`FieldErrors`.
"""

from __future__ import annotations

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QFormLayout, QGridLayout, QLabel, QTimeEdit, QVBoxLayout, QWidget

from tthc_desk.domain.errors import Problem
from tthc_desk.domain.office import OfficeHours
from tthc_desk.ui.display import to_time
from tthc_desk.ui.widgets import SessionsEdit

WEEKDAYS = range(1, 8)


class HoursWidget(QWidget):
    """Seven rows of sessions (Thứ Hai … Chủ nhật) and the cut-off for same-day procedures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._error_fields: dict[str, tuple[QWidget, QLabel]] = {}
        intro = QLabel(
            self.tr(
                "Các buổi làm việc trong ngày, ví dụ “07:30–11:30, 13:30–17:00”. Để trống nếu nghỉ "
                "cả ngày. Thời hạn tính theo ngày, theo giờ làm việc dựa trên các buổi này."
            )
        )
        intro.setWordWrap(True)

        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        names = self.weekday_names()
        self.session_edits: dict[int, SessionsEdit] = {}
        for day in WEEKDAYS:
            edit = SessionsEdit()
            edit.setObjectName(f"hours_{day}")
            error = QLabel()
            self.session_edits[day] = edit
            self._error_fields[f"hours.{day}"] = (edit, error)
            name = QLabel(names[day])
            name.setBuddy(edit)
            row = 2 * (day - 1)
            grid.addWidget(name, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(error, row + 1, 1)
        grid.setColumnStretch(1, 1)

        # A problem of the week as a whole ("no session Monday–Friday") is shown under the grid.
        general = QLabel()
        self._error_fields["hours"] = (self.session_edits[1], general)

        self.cutoff_edit = QTimeEdit()
        self.cutoff_edit.setDisplayFormat("HH:mm")
        self.cutoff_edit.setMaximumWidth(110)
        cutoff_error = QLabel()
        self._error_fields["same_day_cutoff"] = (self.cutoff_edit, cutoff_error)
        hint = QLabel(
            self.tr(
                "Hồ sơ giải quyết “trong ngày” nhận từ giờ này trở đi được hẹn trả vào cuối "
                "ngày làm việc tiếp theo."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5f6368;")
        cutoff_box = QWidget()
        box = QVBoxLayout(cutoff_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.cutoff_edit)
        box.addWidget(cutoff_error)
        box.addWidget(hint)
        form = QFormLayout()
        form.addRow(self.tr("Giờ chốt nhận hồ sơ trong ngày"), cutoff_box)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(general)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)

    def weekday_names(self) -> dict[int, str]:
        return {
            1: self.tr("Thứ Hai"),
            2: self.tr("Thứ Ba"),
            3: self.tr("Thứ Tư"),
            4: self.tr("Thứ Năm"),
            5: self.tr("Thứ Sáu"),
            6: self.tr("Thứ Bảy"),
            7: self.tr("Chủ nhật"),
        }

    def error_fields(self) -> dict[str, tuple[QWidget, QLabel]]:
        """Field key → (input, error label), keyed as ``validate_hours`` names its problems."""
        return dict(self._error_fields)

    def set_hours(self, hours: OfficeHours) -> None:
        for day, edit in self.session_edits.items():
            edit.set_sessions(hours.by_weekday.get(day, ()))
        cutoff = hours.same_day_cutoff
        self.cutoff_edit.setTime(QTime(cutoff.hour, cutoff.minute))

    def hours(self) -> tuple[OfficeHours, list[Problem]]:
        """The hours as typed, and a problem for each day whose text is not a time range."""
        problems: list[Problem] = []
        by_weekday = {}
        for day, edit in self.session_edits.items():
            try:
                sessions = edit.sessions()
            except ValueError as exc:
                problems.append(Problem(str(exc), field=f"hours.{day}"))
                continue
            if sessions:
                by_weekday[day] = sessions
        cutoff = to_time(self.cutoff_edit.time())
        return OfficeHours(by_weekday=by_weekday, same_day_cutoff=cutoff), problems
