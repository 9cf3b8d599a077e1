"""The office's working calendar: per-year exceptions seeded from `holidays`, then edited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select

from tthc_desk.db.engine import Database
from tthc_desk.db.models import CalendarExceptionRecord, CalendarYearRecord
from tthc_desk.domain.calendar import CalendarException, DayKind, WorkCalendar, seed_exceptions
from tthc_desk.domain.clock import Clock
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.services.settings_service import SettingsService


def _to_domain(r: CalendarExceptionRecord) -> CalendarException:
    return CalendarException(r.day, DayKind(r.kind), r.name, r.source)


class CalendarService:
    """Builds the WorkCalendar once and rebuilds it only when the calendar or hours change."""

    def __init__(self, db: Database, settings: SettingsService, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._calendar: WorkCalendar | None = None
        self._seeded_years: set[int] = set()

    def calendar(self) -> WorkCalendar:
        # Office hours are part of the calendar: rebuild when they were saved since.
        if self._calendar is not None and self._calendar.hours is not self._settings.hours():
            self._calendar = None
        if self._calendar is None:
            with self._db.session() as s:
                exceptions = [_to_domain(r) for r in s.scalars(select(CalendarExceptionRecord))]
            self._calendar = WorkCalendar(self._settings.hours(), exceptions)
        return self._calendar

    def invalidate(self) -> None:
        self._calendar = None

    # -- seeding ------------------------------------------------------------------------------
    def ensure_years(self, years: Iterable[int]) -> list[int]:
        """Seed each year not seeded before from the `holidays` package. Returns seeded years."""
        wanted = set(years) - self._seeded_years
        if not wanted:
            return []  # the usual case, on every due-date preview: no transaction at all
        seeded: list[int] = []
        with self._db.session(write=True) as s:
            done = set(s.scalars(select(CalendarYearRecord.year)))
            taken = set(s.scalars(select(CalendarExceptionRecord.day)))
            self._seeded_years |= done & wanted
            for year in sorted(wanted - done):
                for exc in seed_exceptions(year):
                    if exc.day not in taken:
                        s.add(
                            CalendarExceptionRecord(
                                day=exc.day, kind=exc.kind.value, name=exc.name, source=exc.source
                            )
                        )
                        taken.add(exc.day)
                s.add(CalendarYearRecord(year=year, seeded_at=self._clock.now()))
                seeded.append(year)
        self._seeded_years |= set(seeded)
        if seeded:
            self.invalidate()
        return seeded

    def ensure_around_today(self) -> None:
        """The years a dossier received today can reach (due dates run into next year)."""
        year = self._clock.now().year
        self.ensure_years(range(year - 1, year + 2))

    # -- reading and editing ------------------------------------------------------------------
    def exceptions(self, year: int | None = None) -> list[CalendarException]:
        with self._db.session() as s:
            q = select(CalendarExceptionRecord).order_by(CalendarExceptionRecord.day)
            if year is not None:
                q = q.where(
                    CalendarExceptionRecord.day >= date(year, 1, 1),
                    CalendarExceptionRecord.day <= date(year, 12, 31),
                )
            return [_to_domain(r) for r in s.scalars(q)]

    def set_exception(self, exc: CalendarException) -> None:
        exc = CalendarException(
            exc.day, exc.kind, collapse_spaces(exc.name), collapse_spaces(exc.source)
        )
        if exc.kind is DayKind.MAKEUP_WORKDAY and exc.day.isoweekday() <= 5:
            raise ValidationError.for_field(
                "day", f"Ngày {exc.day:%d/%m/%Y} vốn là ngày làm việc, không cần đánh dấu làm bù."
            )
        with self._db.session(write=True) as s:
            self._upsert(s, exc)
        self.invalidate()

    def remove_exception(self, day: date) -> None:
        with self._db.session(write=True) as s:
            s.execute(delete(CalendarExceptionRecord).where(CalendarExceptionRecord.day == day))
        self.invalidate()

    def replace_year(self, year: int, exceptions: list[CalendarException]) -> None:
        """Replace the whole table of one year in one transaction (the dialog's Save)."""
        outside = [e.day for e in exceptions if e.day.year != year]
        if outside:
            raise ValidationError.for_field(
                "day", f"Ngày {outside[0]:%d/%m/%Y} không thuộc năm {year}."
            )
        with self._db.session(write=True) as s:
            s.execute(
                delete(CalendarExceptionRecord).where(
                    CalendarExceptionRecord.day >= date(year, 1, 1),
                    CalendarExceptionRecord.day <= date(year, 12, 31),
                )
            )
            s.flush()
            for exc in exceptions:
                s.add(
                    CalendarExceptionRecord(
                        day=exc.day,
                        kind=exc.kind.value,
                        name=collapse_spaces(exc.name),
                        source=collapse_spaces(exc.source),
                    )
                )
            if s.get(CalendarYearRecord, year) is None:
                s.add(CalendarYearRecord(year=year, seeded_at=self._clock.now()))
        self.invalidate()

    def import_file(self, path: Path) -> int:
        """Import exceptions from CSV/XLSX: all rows or none. Existing days are overwritten."""
        from tthc_desk.exporting.calendar_io import read_exceptions

        exceptions = read_exceptions(path)
        with self._db.session(write=True) as s:
            for exc in exceptions:
                self._upsert(s, exc)
            for year in {e.day.year for e in exceptions}:
                if s.get(CalendarYearRecord, year) is None:
                    s.add(CalendarYearRecord(year=year, seeded_at=self._clock.now()))
        self.invalidate()
        return len(exceptions)

    def export_file(self, path: Path, year: int | None = None) -> int:
        from tthc_desk.exporting.calendar_io import write_exceptions_xlsx

        rows = self.exceptions(year)
        write_exceptions_xlsx(rows, path)
        return len(rows)

    @staticmethod
    def _upsert(s, exc: CalendarException) -> None:  # type: ignore[no-untyped-def]
        rec = s.scalar(
            select(CalendarExceptionRecord).where(CalendarExceptionRecord.day == exc.day)
        )
        if rec is None:
            s.add(
                CalendarExceptionRecord(
                    day=exc.day, kind=exc.kind.value, name=exc.name, source=exc.source
                )
            )
        else:
            rec.kind, rec.name, rec.source = exc.kind.value, exc.name, exc.source

    def year_days(self, year: int) -> list[tuple[date, bool]]:
        cal = self.calendar()
        d = date(year, 1, 1)
        out = []
        while d.year == year:
            out.append((d, cal.is_working_day(d)))
            d = date.fromordinal(d.toordinal() + 1)
        return out

    def now(self) -> datetime:
        return self._clock.now()
