"""A same-day procedure received after the 15:00 cut-off: the intake form says why the
appointment is the next working day (rules.md "Due date", ``trong ngày``)."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtWidgets import QApplication

from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.deadlines import moved_by_cutoff
from tthc_desk.domain.office import OfficeHours
from tthc_desk.domain.procedure import Duration, DurationUnit
from tthc_desk.services.container import Services
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.tasks import TaskRunner

NOTE = "Nhận sau 15:00: hẹn sang ngày làm việc tiếp theo"
SAME_DAY = Duration(0, DurationUnit.SAME_DAY)


def test_moved_by_cutoff_only_for_same_day_after_the_cutoff() -> None:
    cal = WorkCalendar(OfficeHours())
    friday = datetime(2026, 3, 6)
    assert moved_by_cutoff(friday.replace(hour=15, minute=1), SAME_DAY, cal)
    assert not moved_by_cutoff(friday.replace(hour=15), SAME_DAY, cal)  # 15:00 is the same day
    # After office hours the clock starts next morning, before the cut-off.
    assert not moved_by_cutoff(friday.replace(hour=17, minute=30), SAME_DAY, cal)
    assert not moved_by_cutoff(
        friday.replace(hour=15, minute=30), Duration(3, DurationUnit.WORKING_DAYS), cal
    )
    assert not moved_by_cutoff(friday.replace(hour=15, minute=30), SAME_DAY, cal, time(16, 0))


def test_intake_after_15_00_says_why_the_appointment_is_monday(
    qtbot, services: Services, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 3, 6, 15, 30))  # a Friday afternoon
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.intake
    page.picker.select("1.001193")  # khai sinh: trong ngày
    assert page.appointment.text() == "Hẹn trả: 17:00 ngày 09/03/2026 (Thứ Hai)"
    assert NOTE in page.appointment_note.text()
    assert page.appointment_note.isVisible()
    QApplication.processEvents()
    window.grab().save("/tmp/tthc-intake-after-cutoff.png")
    # Back-dated to 15:00 sharp: still today, nothing to explain.
    page.details.set_received_at(datetime(2026, 3, 6, 15, 0))
    assert page.appointment.text() == "Hẹn trả: 17:00 ngày 06/03/2026 (Thứ Sáu)"
    assert "Nhận sau" not in page.appointment_note.text()
    # Another procedure (working days): the cut-off does not apply.
    page.details.set_received_at(datetime(2026, 3, 6, 15, 30))
    page.picker.select("1.004222")
    assert "Nhận sau" not in page.appointment_note.text()
