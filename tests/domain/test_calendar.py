"""The working-day calendar: the official 2026 schedule, sessions and when the clock starts."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta

import pytest

from tthc_desk.domain.calendar import (
    CalendarException,
    DayKind,
    WorkCalendar,
    normalise_exception,
    seed_exceptions,
    unclaimed,
    validate_exception,
    validate_year_table,
)
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import DEFAULT_SESSIONS, OfficeHours, Session


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(OfficeHours(), [e for y in (2025, 2026, 2027) for e in seed_exceptions(y)])


def dt(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


def d(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


# Thông báo 9441/TB-BNV (reference.md §6.2) plus 24/11 (Ngày Văn hóa Việt Nam).
OFFICIAL_2026_DAYS_OFF = {
    d(s)
    for s in (
        "01/01/2026",
        "16/02/2026",
        "17/02/2026",
        "18/02/2026",
        "19/02/2026",
        "20/02/2026",
        "27/04/2026",
        "30/04/2026",
        "01/05/2026",
        "31/08/2026",
        "01/09/2026",
        "02/09/2026",
        "24/11/2026",
    )
}
OFFICIAL_2026_MAKEUP = {d("22/08/2026")}


def test_every_day_of_2026_follows_the_official_schedule(cal: WorkCalendar) -> None:
    day = date(2026, 1, 1)
    wrong = []
    while day.year == 2026:
        expected = (day.weekday() < 5 and day not in OFFICIAL_2026_DAYS_OFF) or (
            day in OFFICIAL_2026_MAKEUP
        )
        if cal.is_working_day(day) != expected:
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []


def test_2026_has_the_expected_number_of_working_days(cal: WorkCalendar) -> None:
    # 261 weekdays in 2026 − 13 weekdays off + 1 make-up Saturday.
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 249


def test_seed_2026_kinds_and_names() -> None:
    seeded = {e.day: e for e in seed_exceptions(2026)}
    assert seeded[d("22/08/2026")] == CalendarException(
        d("22/08/2026"),
        DayKind.MAKEUP_WORKDAY,
        "Làm bù cho ngày 31/08/2026",
        "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ",
    )
    assert seeded[d("31/08/2026")].kind is DayKind.DAY_OFF
    assert seeded[d("27/04/2026")].kind is DayKind.DAY_OFF
    assert seeded[d("27/04/2026")].name == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert seeded[d("26/04/2026")].kind is DayKind.HOLIDAY  # a Sunday, kept as the holiday
    assert seeded[d("01/01/2026")].name == "Tết Dương lịch"
    assert seeded[d("17/02/2026")].name.startswith("Tết Nguyên đán")
    assert seeded[d("30/04/2026")].name == "Ngày Giải phóng miền Nam, thống nhất đất nước"
    assert seeded[d("01/05/2026")].name == "Ngày Quốc tế Lao động"
    assert seeded[d("02/09/2026")].name == "Quốc khánh"
    assert seeded[d("24/11/2026")].name == "Ngày Văn hóa Việt Nam"
    # A Vietnamese legal basis, never the name of a software package.
    assert seeded[d("01/01/2026")].source == "Bộ luật Lao động 2019, Điều 112"
    assert seeded[d("17/02/2026")].source == "Bộ luật Lao động 2019, Điều 112"
    assert seeded[d("27/04/2026")].source == "Bộ luật Lao động 2019, Điều 111 khoản 3"
    assert seeded[d("31/08/2026")].source.startswith("Thông báo 9441/TB-BNV")
    for exc in seeded.values():
        assert exc.source and "holidays" not in exc.source.lower()
        assert unicodedata.is_normalized("NFC", exc.name)
    assert list(seeded) == sorted(seeded)


def test_seed_2025_has_the_saturday_worked_for_2_may() -> None:
    seeded = {e.day: e for e in seed_exceptions(2025)}
    assert seeded[d("02/05/2025")].kind is DayKind.DAY_OFF
    assert seeded[d("26/04/2025")].kind is DayKind.MAKEUP_WORKDAY


# -- start_moment ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("02/03/2026 06:50", "02/03/2026 07:30"),  # before opening
        ("02/03/2026 07:29", "02/03/2026 07:30"),  # the minute before opening
        ("02/03/2026 07:30", "02/03/2026 07:30"),  # opening minute counts
        ("02/03/2026 11:29", "02/03/2026 11:29"),
        ("02/03/2026 11:30", "02/03/2026 11:30"),  # last minute of the morning: in it (rules.md)
        ("02/03/2026 11:31", "02/03/2026 13:30"),  # the minute after: lunch break
        ("02/03/2026 12:00", "02/03/2026 13:30"),  # lunch break
        ("02/03/2026 13:29", "02/03/2026 13:30"),
        ("02/03/2026 13:30", "02/03/2026 13:30"),
        ("02/03/2026 16:59", "02/03/2026 16:59"),
        ("02/03/2026 17:00", "02/03/2026 17:00"),  # closing minute: received that day
        ("02/03/2026 17:01", "03/03/2026 07:30"),  # the minute after → next working morning
        ("06/03/2026 18:00", "09/03/2026 07:30"),  # Friday evening → Monday
        ("07/03/2026 10:00", "09/03/2026 07:30"),  # Saturday
        ("13/02/2026 16:59", "13/02/2026 16:59"),  # eve of Tết, still open
        ("13/02/2026 17:00", "13/02/2026 17:00"),  # eve of Tết, closing minute: that day
        ("13/02/2026 17:01", "23/02/2026 07:30"),  # eve of Tết after closing → after the break
        ("18/02/2026 09:00", "23/02/2026 07:30"),  # during Tết
        ("29/04/2026 17:30", "04/05/2026 07:30"),  # eve of 30/4–1/5
        ("21/08/2026 17:15", "22/08/2026 07:30"),  # Friday evening → make-up Saturday
        ("22/08/2026 06:00", "22/08/2026 07:30"),
        ("22/08/2026 09:15", "22/08/2026 09:15"),  # make-up Saturday works Monday's hours
        ("22/08/2026 17:30", "24/08/2026 07:30"),
        ("28/08/2026 17:01", "03/09/2026 07:30"),  # across 31/8, 1/9, 2/9
        ("31/12/2026 17:30", "04/01/2027 07:30"),  # across the year end and 01/01/2027
    ],
)
def test_start_moment(cal: WorkCalendar, received: str, expected: str) -> None:
    assert cal.start_moment(dt(received)) == dt(expected)


def test_start_moment_keeps_seconds_inside_a_session(cal: WorkCalendar) -> None:
    moment = datetime(2026, 3, 2, 9, 15, 42, 123)
    assert cal.start_moment(moment) == moment


def test_the_last_minute_of_a_session_is_the_whole_minute(cal: WorkCalendar) -> None:
    closing = datetime(2026, 3, 2, 17, 0, 59)
    assert cal.in_session(closing) and cal.start_moment(closing) == closing
    assert not cal.in_session(datetime(2026, 3, 2, 17, 1))


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        ("02/03/2026 07:29", False),
        ("02/03/2026 07:30", True),
        ("02/03/2026 11:30", True),
        ("02/03/2026 11:31", False),
        ("02/03/2026 13:29", False),
        ("02/03/2026 13:30", True),
        ("02/03/2026 17:00", True),
        ("02/03/2026 17:01", False),
        ("07/03/2026 09:00", False),  # Saturday
    ],
)
def test_a_session_includes_its_first_and_last_minute(
    cal: WorkCalendar, moment: str, inside: bool
) -> None:
    assert cal.in_session(dt(moment)) is inside


# -- sessions and days --------------------------------------------------------------------------


def test_sessions_on(cal: WorkCalendar) -> None:
    assert cal.sessions_on(d("02/03/2026")) == DEFAULT_SESSIONS
    assert cal.sessions_on(d("07/03/2026")) == ()  # Saturday
    assert cal.sessions_on(d("17/02/2026")) == ()  # Tết
    assert cal.sessions_on(d("22/08/2026")) == DEFAULT_SESSIONS  # make-up Saturday
    assert cal.end_of_day(d("22/08/2026")) == dt("22/08/2026 17:00")


def test_makeup_saturday_uses_mondays_sessions() -> None:
    monday = (Session(time(7, 0), time(11, 30)), Session(time(13, 0), time(17, 0)))
    hours = OfficeHours(by_weekday={1: monday, 2: DEFAULT_SESSIONS, 5: DEFAULT_SESSIONS})
    cal = WorkCalendar(hours, [CalendarException(d("22/08/2026"), DayKind.MAKEUP_WORKDAY)])
    assert cal.sessions_on(d("22/08/2026")) == monday
    assert cal.sessions_on(d("26/08/2026")) == monday  # Wednesday not configured: Monday's
    assert cal.sessions_on(d("25/08/2026")) == DEFAULT_SESSIONS


def test_without_monday_sessions_the_defaults_apply() -> None:
    hours = OfficeHours(by_weekday={})
    cal = WorkCalendar(hours, [])
    assert cal.sessions_on(d("04/03/2026")) == DEFAULT_SESSIONS


def test_saturday_morning_opening_does_not_make_saturday_a_working_day() -> None:
    morning = (Session(time(7, 30), time(11, 30)),)
    hours = OfficeHours(by_weekday={**{i: DEFAULT_SESSIONS for i in range(1, 6)}, 6: morning})
    cal = WorkCalendar(hours, [])
    assert not cal.is_working_day(d("07/03/2026"))
    assert cal.start_moment(dt("07/03/2026 09:00")) == dt("09/03/2026 07:30")


def test_later_exception_for_the_same_day_wins() -> None:
    day = d("24/11/2026")
    cal = WorkCalendar(
        OfficeHours(),
        [
            CalendarException(day, DayKind.HOLIDAY, "Ngày Văn hóa Việt Nam"),
            CalendarException(day, DayKind.MAKEUP_WORKDAY, "Tỉnh không cho nghỉ"),
        ],
    )
    assert cal.is_working_day(day)
    assert len(cal.exceptions) == 1


def test_next_and_nth_working_day(cal: WorkCalendar) -> None:
    assert cal.next_working_day(d("13/02/2026")) == d("23/02/2026")
    assert cal.next_working_day(d("14/02/2026")) == d("23/02/2026")  # from a day off
    assert cal.nth_working_day_after(d("21/08/2026"), 1) == d("22/08/2026")
    assert cal.nth_working_day_after(d("21/08/2026"), 2) == d("24/08/2026")
    with pytest.raises(ValueError):
        cal.nth_working_day_after(d("21/08/2026"), 0)


def test_index_grows_to_far_years(cal: WorkCalendar) -> None:
    # No exceptions are known for 2035: only weekends are off.
    assert cal.next_working_day(d("07/12/2035")) == d("10/12/2035")  # Friday → Monday
    assert cal.nth_working_day_after(d("01/01/2026"), 2000) > d("01/01/2033")
    assert cal.is_working_day(d("03/06/2024"))  # and backwards (a Monday)


def test_add_working_hours(cal: WorkCalendar) -> None:
    assert cal.add_working_hours(dt("02/03/2026 10:00"), 1) == dt("02/03/2026 11:00")
    assert cal.add_working_hours(dt("02/03/2026 11:00"), 1) == dt("02/03/2026 14:00")
    assert cal.add_working_hours(dt("02/03/2026 15:00"), 2) == dt("02/03/2026 17:00")
    assert cal.add_working_hours(dt("02/03/2026 15:00"), 2.5) == dt("03/03/2026 08:00")
    assert cal.add_working_hours(dt("02/03/2026 12:00"), 0) == dt("02/03/2026 13:30")
    assert cal.add_working_hours(dt("13/02/2026 16:00"), 8) == dt("23/02/2026 16:30")
    with pytest.raises(ValueError):
        cal.add_working_hours(dt("02/03/2026 10:00"), -1)


def test_working_time_between(cal: WorkCalendar) -> None:
    assert cal.working_time_between(dt("02/03/2026 10:00"), dt("03/03/2026 10:30")) == timedelta(
        hours=8
    )
    assert cal.working_time_between(dt("13/02/2026 16:00"), dt("23/02/2026 08:30")) == timedelta(
        hours=2
    )


def test_invalid_sessions_are_refused() -> None:
    bad = (Session(time(13, 30), time(11, 30)),)
    with pytest.raises(ValidationError):
        WorkCalendar(OfficeHours(by_weekday={1: bad}), [])
    overlapping = (Session(time(7, 30), time(12, 0)), Session(time(11, 0), time(17, 0)))
    with pytest.raises(ValidationError):
        WorkCalendar(OfficeHours(by_weekday={1: overlapping}), [])


# -- rules of the administrator's table ----------------------------------------------------------


def test_a_makeup_day_must_not_be_a_weekday() -> None:
    validate_exception(CalendarException(d("22/08/2026"), DayKind.MAKEUP_WORKDAY))  # Saturday
    validate_exception(CalendarException(d("27/11/2026"), DayKind.DAY_OFF))  # Friday off: fine
    with pytest.raises(ValidationError) as err:
        validate_exception(CalendarException(d("27/11/2026"), DayKind.MAKEUP_WORKDAY))
    assert err.value.field_messages() == {
        "day": "Ngày 27/11/2026 vốn là ngày làm việc, không cần đánh dấu làm bù."
    }


def test_a_year_table_holds_only_its_year() -> None:
    validate_year_table(2026, [CalendarException(d("01/01/2026"), DayKind.HOLIDAY)])
    with pytest.raises(ValidationError, match="01/01/2027 không thuộc năm 2026"):
        validate_year_table(2026, [CalendarException(d("01/01/2027"), DayKind.HOLIDAY)])


def test_normalise_exception_tidies_name_and_source() -> None:
    exc = CalendarException(d("01/01/2026"), DayKind.HOLIDAY, " Tết  Dương lịch ", "TB\t1 ")
    assert normalise_exception(exc) == CalendarException(
        d("01/01/2026"), DayKind.HOLIDAY, "Tết Dương lịch", "TB 1"
    )


def test_unclaimed_keeps_the_first_of_each_free_day() -> None:
    a = CalendarException(d("01/01/2026"), DayKind.HOLIDAY, "a")
    b = CalendarException(d("02/01/2026"), DayKind.DAY_OFF, "b")
    b2 = CalendarException(d("02/01/2026"), DayKind.HOLIDAY, "b2")
    c = CalendarException(d("03/01/2026"), DayKind.DAY_OFF, "c")
    taken = {d("01/01/2026")}
    assert unclaimed([a, b, b2, c], taken) == [b, c]
    assert taken == {d("01/01/2026")}  # the caller's set is not changed


def test_rows_seeded_before_show_their_legal_basis() -> None:
    from tthc_desk.domain.calendar import LEGACY_SEED_SOURCE, basis_of

    def old(day: str, kind: DayKind, name: str) -> CalendarException:
        return CalendarException(d(day), kind, name, LEGACY_SEED_SOURCE)

    assert basis_of(old("02/09/2026", DayKind.HOLIDAY, "Quốc khánh")) == (
        "Bộ luật Lao động 2019, Điều 112"
    )
    assert basis_of(old("27/04/2026", DayKind.DAY_OFF, "Nghỉ bù Giỗ Tổ Hùng Vương")) == (
        "Bộ luật Lao động 2019, Điều 111 khoản 3"
    )
    assert basis_of(old("02/05/2025", DayKind.DAY_OFF, "Nghỉ hoán đổi")) == (
        "Thông báo nghỉ lễ, tết năm 2025 của Bộ Nội vụ"
    )
    typed = CalendarException(d("02/01/2026"), DayKind.DAY_OFF, "Nghỉ", "Quyết định 12/QĐ-UBND")
    assert basis_of(typed) == "Quyết định 12/QĐ-UBND"  # what the administrator typed stays
