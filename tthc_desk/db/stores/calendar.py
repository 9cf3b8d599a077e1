"""The working calendar's exceptions (holidays, days off, make-up days) and the seeded years."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, select

from tthc_desk.db.models import CalendarExceptionRecord, CalendarYearRecord
from tthc_desk.db.stores.base import Store
from tthc_desk.domain.calendar import CalendarException, DayKind


class CalendarStore(Store):
    def exceptions(self, year: int | None = None) -> list[CalendarException]:
        """The exceptions of ``year`` (all of them when None), by day."""
        q = select(
            CalendarExceptionRecord.day,
            CalendarExceptionRecord.kind,
            CalendarExceptionRecord.name,
            CalendarExceptionRecord.source,
        ).order_by(CalendarExceptionRecord.day)
        if year is not None:
            q = q.where(
                CalendarExceptionRecord.day >= date(year, 1, 1),
                CalendarExceptionRecord.day <= date(year, 12, 31),
            )
        return [
            CalendarException(day, DayKind(kind), name, source)
            for day, kind, name, source in self._s.execute(q)
        ]

    def days(self) -> set[date]:
        """Every day that has an exception."""
        return set(self._s.scalars(select(CalendarExceptionRecord.day)))

    def seeded_years(self) -> set[int]:
        return set(self._s.scalars(select(CalendarYearRecord.year)))

    def add(self, exceptions: Iterable[CalendarException]) -> None:
        """Add exceptions for days that have none (the caller made sure of it)."""
        for exc in exceptions:
            self._s.add(
                CalendarExceptionRecord(
                    day=exc.day, kind=exc.kind.value, name=exc.name, source=exc.source
                )
            )

    def put(self, exc: CalendarException) -> None:
        """Set the exception of ``exc.day``, replacing the one it had."""
        rec = self._s.scalar(
            select(CalendarExceptionRecord).where(CalendarExceptionRecord.day == exc.day)
        )
        if rec is None:
            self.add([exc])
        else:
            rec.kind, rec.name, rec.source = exc.kind.value, exc.name, exc.source

    def remove(self, day: date) -> None:
        self._s.execute(delete(CalendarExceptionRecord).where(CalendarExceptionRecord.day == day))

    def remove_year(self, year: int) -> None:
        self._s.execute(
            delete(CalendarExceptionRecord).where(
                CalendarExceptionRecord.day >= date(year, 1, 1),
                CalendarExceptionRecord.day <= date(year, 12, 31),
            )
        )

    def mark_seeded(self, year: int, at: datetime) -> None:
        """Remember that ``year`` has its exceptions, so seeding never brings back a removed day."""
        if self._s.get(CalendarYearRecord, year) is None:
            self._s.add(CalendarYearRecord(year=year, seeded_at=at))
