"""The office's working calendar: per-year exceptions seeded from `holidays`, then edited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from tthc_desk.db.engine import Database
from tthc_desk.domain.access import Right
from tthc_desk.domain.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarException,
    WorkCalendar,
    check_year,
    normalise_exception,
    seed_exceptions,
    unclaimed,
    validate_exception,
    validate_year_table,
)
from tthc_desk.domain.clock import Clock
from tthc_desk.services.account_service import AccountService
from tthc_desk.services.settings_service import SettingsService


class CalendarService:
    """Builds the WorkCalendar once and rebuilds it only when the calendar or hours change."""

    def __init__(
        self, db: Database, settings: SettingsService, accounts: AccountService, clock: Clock
    ) -> None:
        self._db = db
        self._settings = settings
        self._accounts = accounts
        self._clock = clock
        self._calendar: WorkCalendar | None = None
        self._seeded_years: set[int] = set()

    def calendar(self) -> WorkCalendar:
        # Office hours are part of the calendar: rebuild when they were saved since.
        if self._calendar is not None and self._calendar.hours is not self._settings.hours():
            self._calendar = None
        if self._calendar is None:
            with self._db.read() as uow:
                exceptions = uow.calendar.exceptions()
            self._calendar = WorkCalendar(self._settings.hours(), exceptions)
        return self._calendar

    def invalidate(self) -> None:
        self._calendar = None

    # -- seeding ------------------------------------------------------------------------------
    def ensure_years(self, years: Iterable[int]) -> list[int]:
        """Seed each year not seeded before from the `holidays` package. Returns seeded years."""
        wanted = {check_year(year) for year in years} - self._seeded_years
        if not wanted:
            return []  # the usual case, on every due-date preview: no transaction at all
        with self._db.write("thêm ngày lễ, Tết vào lịch làm việc") as uow:
            seeded = sorted(wanted - uow.calendar.seeded_years())
            fresh = [exc for year in seeded for exc in seed_exceptions(year)]
            uow.calendar.add(unclaimed(fresh, uow.calendar.days()))
            for year in seeded:
                uow.calendar.mark_seeded(year, self._clock.now())
        self._seeded_years |= wanted
        if seeded:
            self.invalidate()
        return seeded

    def ensure_around_today(self) -> None:
        """The years a dossier received today can reach (due dates run into next year)."""
        year = check_year(self._clock.now().year)
        self.ensure_years(range(max(year - 1, FIRST_YEAR), min(year + 2, LAST_YEAR + 1)))

    # -- reading and editing ------------------------------------------------------------------
    def exceptions(self, year: int | None = None) -> list[CalendarException]:
        if year is not None:
            check_year(year)
        with self._db.read() as uow:
            return uow.calendar.exceptions(year)

    def set_exception(self, exc: CalendarException) -> None:
        self._accounts.require(Right.CALENDAR, "sửa lịch làm việc")
        exc = normalise_exception(exc)
        validate_exception(exc)
        with self._db.write() as uow:
            uow.calendar.put(exc)
        self.invalidate()

    def remove_exception(self, day: date) -> None:
        self._accounts.require(Right.CALENDAR, "sửa lịch làm việc")
        with self._db.write() as uow:
            uow.calendar.remove(day)
        self.invalidate()

    def replace_year(self, year: int, exceptions: list[CalendarException]) -> None:
        """Replace the whole table of one year in one transaction (the dialog's Save)."""
        self._accounts.require(Right.CALENDAR, "sửa lịch làm việc")
        validate_year_table(year, [normalise_exception(e) for e in exceptions])
        with self._db.write() as uow:
            uow.calendar.remove_year(year)
            uow.calendar.add(normalise_exception(e) for e in exceptions)
            uow.calendar.mark_seeded(year, self._clock.now())
        self.invalidate()

    def import_file(self, path: Path) -> int:
        """Import exceptions from CSV/XLSX: all rows or none. Existing days are overwritten."""
        self._accounts.require(Right.CALENDAR, "nhập lịch làm việc")
        from tthc_desk.exporting.calendar_io import read_exceptions

        exceptions = read_exceptions(path)
        with self._db.write() as uow:
            for exc in exceptions:
                uow.calendar.put(exc)
            for year in {e.day.year for e in exceptions}:
                uow.calendar.mark_seeded(year, self._clock.now())
        self.invalidate()
        return len(exceptions)

    def export_file(self, path: Path, year: int | None = None) -> int:
        from tthc_desk.exporting.calendar_io import write_exceptions_xlsx

        rows = self.exceptions(year)
        write_exceptions_xlsx(rows, path)
        return len(rows)

    def year_days(self, year: int) -> list[tuple[date, bool]]:
        check_year(year)
        cal = self.calendar()
        d = date(year, 1, 1)
        out = []
        while d.year == year:
            out.append((d, cal.is_working_day(d)))
            d = date.fromordinal(d.toordinal() + 1)
        return out

    def now(self) -> datetime:
        return self._clock.now()
