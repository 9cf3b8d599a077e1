"""Due dates on the 2026 calendar, one rule of rules.md "Due date" at a time."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tthc_desk.domain.calendar import WorkCalendar, seed_exceptions
from tthc_desk.domain.deadlines import (
    DueWindow,
    add_months,
    compute_due,
    overdue_window,
    soon_window,
    today_window,
)
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import DEFAULT_SESSIONS, OfficeHours, Session
from tthc_desk.domain.procedure import Duration, DurationUnit

WD = DurationUnit.WORKING_DAYS
WH = DurationUnit.WORKING_HOURS
CD = DurationUnit.CALENDAR_DAYS
MO = DurationUnit.MONTHS
SD = DurationUnit.SAME_DAY


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(OfficeHours(), [e for y in (2025, 2026, 2027) for e in seed_exceptions(y)])


def dt(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


def due(cal: WorkCalendar, received: str, value: int, unit: DurationUnit) -> datetime:
    return compute_due(dt(received), Duration(value, unit), cal)


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        # Across Tết: 16–20/02 off, weekends 14–15 and 21–22.
        ("13/02/2026 10:00", 3, "25/02/2026 10:00"),
        ("13/02/2026 10:00", 1, "23/02/2026 10:00"),
        ("12/02/2026 16:45", 2, "23/02/2026 16:45"),
        # Across Giỗ Tổ (Mon 27/04 off) and 30/4–1/5.
        ("23/04/2026 09:00", 3, "29/04/2026 09:00"),
        ("23/04/2026 09:00", 5, "05/05/2026 09:00"),
        ("29/04/2026 14:00", 1, "04/05/2026 14:00"),
        # Across 31/8–2/9, the make-up Saturday 22/08 counts as a working day.
        ("20/08/2026 14:00", 2, "22/08/2026 14:00"),
        ("20/08/2026 14:00", 5, "26/08/2026 14:00"),
        ("27/08/2026 10:00", 2, "03/09/2026 10:00"),
        ("22/08/2026 08:00", 1, "24/08/2026 08:00"),  # received on the make-up Saturday
        # Received outside office hours: the clock starts at the next session.
        ("07/03/2026 10:00", 2, "11/03/2026 07:30"),  # Saturday
        ("02/03/2026 18:00", 1, "04/03/2026 07:30"),  # after closing
        ("02/03/2026 12:00", 1, "03/03/2026 13:30"),  # lunch break
        ("02/03/2026 06:00", 1, "03/03/2026 07:30"),  # before opening
        # A plain week and the year end (01/01/2027 is a Friday holiday).
        ("02/03/2026 08:15", 5, "09/03/2026 08:15"),
        ("30/12/2026 15:00", 2, "04/01/2027 15:00"),
    ],
)
def test_working_days(cal: WorkCalendar, received: str, days: int, expected: str) -> None:
    assert due(cal, received, days, WD) == dt(expected)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("02/03/2026 07:29", "04/03/2026 07:30"),  # before opening: clock from 07:30
        ("02/03/2026 07:30", "04/03/2026 07:30"),
        ("02/03/2026 11:29", "04/03/2026 11:29"),
        ("02/03/2026 11:30", "04/03/2026 11:30"),  # last minute of the morning: in it
        ("02/03/2026 11:31", "04/03/2026 13:30"),  # lunch break: clock from 13:30
        ("02/03/2026 13:29", "04/03/2026 13:30"),
        ("02/03/2026 13:30", "04/03/2026 13:30"),
        ("02/03/2026 17:00", "04/03/2026 17:00"),  # closing minute: day 0 is Monday
        ("02/03/2026 17:01", "05/03/2026 07:30"),  # after closing: day 0 is Tuesday
        ("06/03/2026 17:00", "10/03/2026 17:00"),  # Friday closing minute: day 0 is Friday
        ("06/03/2026 17:01", "11/03/2026 07:30"),  # the minute after: day 0 is Monday
    ],
)
def test_two_working_days_at_each_session_edge(
    cal: WorkCalendar, received: str, expected: str
) -> None:
    assert due(cal, received, 2, WD) == dt(expected)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("02/03/2026 11:30", "02/03/2026 17:00"),
        ("02/03/2026 11:31", "02/03/2026 17:00"),
        ("02/03/2026 17:00", "02/03/2026 17:00"),  # received that day: by the end of it
        ("02/03/2026 17:01", "03/03/2026 17:00"),
    ],
)
def test_zero_working_days_at_the_session_edges(
    cal: WorkCalendar, received: str, expected: str
) -> None:
    assert due(cal, received, 0, WD) == dt(expected)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("02/03/2026 11:30", "03/03/2026 14:00"),  # 3.5 h afternoon, 4 h + 0.5 h Tuesday
        ("02/03/2026 11:31", "03/03/2026 14:00"),
        ("02/03/2026 17:00", "04/03/2026 08:00"),  # nothing left of Monday: 7.5 h Tue, 0.5 Wed
        ("02/03/2026 17:01", "04/03/2026 08:00"),
    ],
)
def test_working_hours_at_the_session_edges(
    cal: WorkCalendar, received: str, expected: str
) -> None:
    assert due(cal, received, 8, WH) == dt(expected)


def test_zero_working_days_is_the_end_of_the_start_day(cal: WorkCalendar) -> None:
    assert due(cal, "02/03/2026 10:00", 0, WD) == dt("02/03/2026 17:00")
    assert due(cal, "02/03/2026 17:30", 0, WD) == dt("03/03/2026 17:00")


def test_working_days_clock_time_outside_the_due_days_sessions() -> None:
    # Fridays close at 16:00 in this office: 16:30 on a Monday lands after Friday's close.
    friday = (Session(time(7, 30), time(11, 30)), Session(time(13, 30), time(16, 0)))
    hours = OfficeHours(by_weekday={**{i: DEFAULT_SESSIONS for i in range(1, 5)}, 5: friday})
    cal = WorkCalendar(hours, [])
    assert due(cal, "02/03/2026 16:30", 4, WD) == dt("06/03/2026 16:00")
    assert due(cal, "02/03/2026 10:00", 4, WD) == dt("06/03/2026 10:00")


@pytest.mark.parametrize(
    ("received", "hours", "expected"),
    [
        ("02/03/2026 10:00", 8, "03/03/2026 10:30"),  # 1.5 h + 3.5 h today, 3 h tomorrow
        ("02/03/2026 11:00", 1, "02/03/2026 14:00"),  # across lunch
        ("02/03/2026 15:00", 2, "02/03/2026 17:00"),  # ends exactly at closing
        ("02/03/2026 07:30", 16, "04/03/2026 08:30"),  # two full days of 7.5 h, then 1 h
        ("02/03/2026 17:30", 8, "04/03/2026 08:00"),  # after closing: 7.5 h Tuesday, 0.5 h Wed
        ("13/02/2026 16:00", 8, "23/02/2026 16:30"),  # across Tết
        ("21/08/2026 16:00", 2, "22/08/2026 08:30"),  # into the make-up Saturday
        ("28/08/2026 16:00", 2, "03/09/2026 08:30"),  # across 31/8–2/9
    ],
)
def test_working_hours(cal: WorkCalendar, received: str, hours: int, expected: str) -> None:
    assert due(cal, received, hours, WH) == dt(expected)


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        ("04/03/2026 10:00", 7, "11/03/2026 17:00"),  # a working day: the end of it
        ("02/03/2026 10:00", 5, "09/03/2026 17:00"),  # Saturday → end of Monday
        ("24/04/2026 10:00", 6, "04/05/2026 17:00"),  # 30/04 → after 1/5 and the weekend
        ("14/08/2026 09:00", 8, "22/08/2026 17:00"),  # the make-up Saturday is a working day
        ("24/08/2026 09:00", 7, "03/09/2026 17:00"),  # 31/08 day off → after 1–2/9
        ("07/03/2026 10:00", 7, "16/03/2026 17:00"),  # received Saturday: counted from Monday
        ("06/03/2026 17:30", 1, "10/03/2026 17:00"),  # Friday evening: from Monday, + 1 day
        ("02/03/2026 10:00", 0, "02/03/2026 17:00"),
    ],
)
def test_calendar_days(cal: WorkCalendar, received: str, days: int, expected: str) -> None:
    assert due(cal, received, days, CD) == dt(expected)


@pytest.mark.parametrize(
    ("received", "months", "expected"),
    [
        ("10/03/2026 10:00", 1, "10/04/2026 17:00"),
        ("31/03/2026 10:00", 3, "30/06/2026 17:00"),  # day clamped to 30
        ("31/12/2025 10:00", 2, "02/03/2026 17:00"),  # 28/02/2026 is a Saturday
        ("31/03/2026 10:00", 1, "04/05/2026 17:00"),  # 30/04 holiday
        ("31/07/2026 10:00", 1, "03/09/2026 17:00"),  # 31/08 day off, then 1–2/9
        ("15/05/2026 10:00", 12, "17/05/2027 17:00"),  # 15/05/2027 is a Saturday
    ],
)
def test_months(cal: WorkCalendar, received: str, months: int, expected: str) -> None:
    assert due(cal, received, months, MO) == dt(expected)


def test_calendar_periods_never_put_a_later_receipt_first(cal: WorkCalendar) -> None:
    # Thursday + 1 month is Sunday 29/06 → Monday 30/06 17:00. Friday + 1 month is that Monday:
    # keeping Friday's clock time (07:30) would make it due before Thursday's dossier.
    thursday = due(cal, "29/05/2025 09:00", 1, MO)
    friday = due(cal, "30/05/2025 07:30", 1, MO)
    assert thursday == friday == dt("30/06/2025 17:00")
    assert due(cal, "16/09/2025 07:30", 88, CD) == due(cal, "16/09/2025 07:30", 90, CD)


def test_add_months_clamps_the_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 12, 31), 12) == date(2027, 12, 31)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("02/03/2026 14:59", "02/03/2026 17:00"),  # before the cut-off
        ("02/03/2026 15:00", "02/03/2026 17:00"),  # at the cut-off: "sau 15 giờ" is after it
        ("02/03/2026 15:01", "03/03/2026 17:00"),  # the minute after → next working day
        ("02/03/2026 16:00", "03/03/2026 17:00"),  # after
        ("02/03/2026 11:30", "02/03/2026 17:00"),  # last minute of the morning
        ("02/03/2026 17:00", "03/03/2026 17:00"),  # closing minute: received today, after 15:00
        ("02/03/2026 17:01", "03/03/2026 17:00"),
        ("02/03/2026 12:00", "02/03/2026 17:00"),  # lunch break, the clock starts at 13:30
        ("02/03/2026 18:00", "03/03/2026 17:00"),  # after closing: next working day
        ("06/03/2026 15:30", "09/03/2026 17:00"),  # Friday after 15:00 → Monday
        ("07/03/2026 10:00", "09/03/2026 17:00"),  # Saturday → Monday
        ("29/04/2026 10:00", "29/04/2026 17:00"),  # eve of 30/4, before the cut-off
        ("29/04/2026 15:30", "04/05/2026 17:00"),  # eve of 30/4, after the cut-off
        ("13/02/2026 15:00", "13/02/2026 17:00"),  # eve of Tết, at the cut-off
        ("13/02/2026 15:01", "23/02/2026 17:00"),  # eve of Tết, after it
        ("21/08/2026 15:10", "22/08/2026 17:00"),  # → the make-up Saturday
    ],
)
def test_same_day(cal: WorkCalendar, received: str, expected: str) -> None:
    assert due(cal, received, 0, SD) == dt(expected)


def test_the_cutoff_minute_is_the_whole_minute(cal: WorkCalendar) -> None:
    late_in_the_minute = datetime(2026, 3, 2, 15, 0, 59)
    assert compute_due(late_in_the_minute, Duration(0, SD), cal) == dt("02/03/2026 17:00")


def test_same_day_with_another_cutoff(cal: WorkCalendar) -> None:
    received = dt("02/03/2026 15:30")
    assert compute_due(received, Duration(0, SD), cal, cutoff=time(16, 0)) == dt("02/03/2026 17:00")
    hours = OfficeHours(same_day_cutoff=time(14, 0))
    strict = WorkCalendar(hours, cal.exceptions)
    assert compute_due(dt("02/03/2026 14:30"), Duration(0, SD), strict) == dt("03/03/2026 17:00")
    assert compute_due(dt("02/03/2026 14:00"), Duration(0, SD), strict) == dt("02/03/2026 17:00")


@pytest.mark.parametrize("unit", list(DurationUnit))
def test_negative_durations_are_refused(cal: WorkCalendar, unit: DurationUnit) -> None:
    with pytest.raises(ValidationError) as info:
        compute_due(dt("02/03/2026 10:00"), Duration(-1, unit), cal)
    assert "không được là số âm" in info.value.message
    assert info.value.field_messages() == {"duration": info.value.message}


# -- what needs attention ---------------------------------------------------------------------
def test_attention_windows_follow_each_other(cal: WorkCalendar) -> None:
    now = dt("27/02/2026 10:00")  # a Friday
    assert overdue_window(now) == DueWindow(None, now)
    assert today_window(now) == DueWindow(now, dt("28/02/2026 00:00"))
    # Two working days after Friday: Monday and Tuesday, so due soon runs to Wednesday 00:00.
    assert soon_window(now, cal, 2) == DueWindow(dt("28/02/2026 00:00"), dt("04/03/2026 00:00"))
    assert soon_window(now, cal, 1).high == dt("03/03/2026 00:00")
