"""CalendarStore against a real SQLite file: exceptions by year, upsert by day, seeded years."""

from __future__ import annotations

from datetime import date, datetime

from tthc_desk.domain.calendar import CalendarException, DayKind
from tthc_desk.services.container import Services

AT = datetime(2026, 3, 2, 8, 0)


def test_exceptions_of_a_year_are_in_day_order(services: Services) -> None:
    with services.db.read() as uow:
        year = uow.calendar.exceptions(2026)
        everything = uow.calendar.exceptions()
        days = uow.calendar.days()
    assert year and all(e.day.year == 2026 for e in year)
    assert [e.day for e in year] == sorted(e.day for e in year)
    assert set(year) < set(everything)
    assert days == {e.day for e in everything}
    assert all(isinstance(e.kind, DayKind) for e in everything)


def test_put_adds_or_replaces_the_day(services: Services) -> None:
    day = date(2026, 11, 24)
    with services.db.write() as uow:
        uow.calendar.put(CalendarException(day, DayKind.DAY_OFF, "Nghỉ", "TB 1"))
        uow.calendar.put(CalendarException(date(2026, 6, 3), DayKind.HOLIDAY, "Thêm"))
    with services.db.read() as uow:
        by_day = {e.day: e for e in uow.calendar.exceptions(2026)}
    assert by_day[day] == CalendarException(day, DayKind.DAY_OFF, "Nghỉ", "TB 1")
    assert by_day[date(2026, 6, 3)].name == "Thêm"


def test_remove_a_day_and_a_whole_year(services: Services) -> None:
    with services.db.write() as uow:
        uow.calendar.remove(date(2026, 1, 1))
    with services.db.read() as uow:
        assert date(2026, 1, 1) not in uow.calendar.days()
        assert uow.calendar.exceptions(2027)
    with services.db.write() as uow:
        uow.calendar.remove_year(2026)
        uow.calendar.add([CalendarException(date(2026, 1, 1), DayKind.HOLIDAY, "Tết")])
    with services.db.read() as uow:
        assert uow.calendar.exceptions(2026) == [
            CalendarException(date(2026, 1, 1), DayKind.HOLIDAY, "Tết")
        ]
        assert uow.calendar.exceptions(2027)  # other years untouched


def test_mark_seeded_once_per_year(services: Services) -> None:
    with services.db.read() as uow:
        before = uow.calendar.seeded_years()
    assert {2025, 2026, 2027} <= before  # seeded around today when the services opened
    with services.db.write() as uow:
        uow.calendar.mark_seeded(2026, AT)  # already there: nothing added, no clash
        uow.calendar.mark_seeded(2031, AT)
    with services.db.read() as uow:
        assert uow.calendar.seeded_years() == before | {2031}
