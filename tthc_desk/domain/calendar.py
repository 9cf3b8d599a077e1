"""Working days and office sessions: the calendar every due date is counted on.

rules.md "Calendar and office hours": working days are Monday–Friday, minus public holidays and
days off in exchange, plus make-up working days (Saturdays worked in exchange). The exceptions are
seeded each year from the ``holidays`` package (:func:`seed_exceptions`) and then edited by the
administrator, because the package does not know make-up Saturdays and the yearly notice of the
Ministry of Home Affairs can differ from it.

Due dates are recomputed for every dossier of a report, so :class:`WorkCalendar` builds, for a
span of years, one index of working days and cumulative working time. Afterwards every question
("the 5th working day after …", "8 working hours from …") is a list lookup or a bisection, never
a walk over the days of a year. The index grows by whole years when a date outside it is asked.

All moments are naive datetimes in the office's local time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import DEFAULT_SESSIONS, OfficeHours, Session
from tthc_desk.domain.text import SHORT_TEXT_MAX, collapse_spaces, text_problem


class DayKind(StrEnum):
    """Why a day differs from the Monday–Friday rule. The value is the stored code; the label and
    the words an administrator may write for it are in :mod:`tthc_desk.presentation`."""

    HOLIDAY = "holiday"  # ngày lễ, tết
    DAY_OFF = "day_off"  # ngày nghỉ bù / nghỉ hoán đổi
    MAKEUP_WORKDAY = "makeup_workday"  # ngày làm việc bù (e.g. Saturday 22/08/2026)

    @property
    def is_working(self) -> bool:
        return self is DayKind.MAKEUP_WORKDAY


@dataclass(frozen=True)
class CalendarException:
    """One day that is not what its weekday says, with the notice that decided it."""

    day: date
    kind: DayKind
    name: str = ""
    source: str = ""


#: The years the office calendar holds. Dossiers kept in the software start no earlier than 2000
#: (:data:`tthc_desk.domain.intake.EARLIEST_RECEIVED`); 2100 is far beyond any due date.
FIRST_YEAR = 2000
LAST_YEAR = 2100
# Due dates of dossiers received up to LAST_YEAR may run a little past it; the index never grows
# further, so no question about calendar time can walk the days for ever.
_INDEX_LAST_YEAR = LAST_YEAR + 3


def year_problem(year: int) -> str | None:
    """A Vietnamese message when ``year`` is outside the calendar's years, else None."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"Năm {year} nằm ngoài lịch làm việc (chỉ từ {FIRST_YEAR} đến {LAST_YEAR})."
    return None


def check_year(year: int) -> int:
    """``year`` when the calendar holds it; else a ValidationError naming the allowed years."""
    if msg := year_problem(year):
        raise ValidationError.for_field("year", msg)
    return year


def normalise_exception(exc: CalendarException) -> CalendarException:
    """The exception with its name and source tidied (spaces collapsed, NFC)."""
    return CalendarException(
        exc.day, exc.kind, collapse_spaces(exc.name), collapse_spaces(exc.source)
    )


def validate_exception(exc: CalendarException) -> None:
    """A day of the calendar's years with short, visible texts; a make-up working day must be a
    day that is not a working weekday already."""
    check_year(exc.day.year)
    for key, what, value in (("name", "Tên ngày", exc.name), ("source", "Căn cứ", exc.source)):
        if msg := text_problem(value, what, SHORT_TEXT_MAX):
            raise ValidationError.for_field(key, msg)
    if exc.kind is DayKind.MAKEUP_WORKDAY and exc.day.isoweekday() <= 5:
        raise ValidationError.for_field(
            "day", f"Ngày {exc.day:%d/%m/%Y} vốn là ngày làm việc, không cần đánh dấu làm bù."
        )


def validate_year_table(year: int, exceptions: Iterable[CalendarException]) -> None:
    """The table of one year holds only days of that year, with short, visible texts."""
    check_year(year)
    exceptions = list(exceptions)
    for exc in exceptions:
        for key, what, value in (("name", "Tên ngày", exc.name), ("source", "Căn cứ", exc.source)):
            if msg := text_problem(value, what, SHORT_TEXT_MAX):
                raise ValidationError.for_field(key, msg)
    outside = [e.day for e in exceptions if e.day.year != year]
    if outside:
        raise ValidationError.for_field(
            "day", f"Ngày {outside[0]:%d/%m/%Y} không thuộc năm {year}."
        )


def unclaimed(
    exceptions: Iterable[CalendarException], taken: Iterable[date]
) -> list[CalendarException]:
    """The exceptions whose day is not ``taken``, the first one per day, in order.

    Seeding a year never overwrites a day the administrator already set.
    """
    seen = set(taken)
    out: list[CalendarException] = []
    for exc in exceptions:
        if exc.day not in seen:
            out.append(exc)
            seen.add(exc.day)
    return out


class _Index(NamedTuple):
    """Working days of the years ``first_year``..``last_year``, built once, never mutated."""

    first_year: int
    last_year: int
    first: int  # ordinal of 1 January of first_year
    stop: int  # ordinal of 1 January of the year after last_year
    working: bytes  # working[o - first] == 1 when day o is a working day
    rank: list[int]  # rank[o - first] = number of working days in the span up to day o
    days: list[int]  # ordinals of the working days, ascending
    worktime: list[timedelta]  # worktime[k] = working time of days[0] .. days[k - 1]


class WorkCalendar:
    """Working days and sessions of one office.

    ``exceptions`` may contain several entries for one day: the later one wins, so the
    administrator's table can simply be appended after the seeded one.
    """

    def __init__(
        self,
        hours: OfficeHours | None = None,
        exceptions: Iterable[CalendarException] = (),
    ) -> None:
        self._hours = hours if hours is not None else OfficeHours()
        self._by_day: dict[date, CalendarException] = {}
        for exc in exceptions:
            self._by_day[exc.day] = exc
        # Sessions of a working day depend only on its weekday; a weekday without sessions
        # (a make-up Saturday) works Monday's hours.
        configured = self._hours.by_weekday
        fallback = configured.get(1) or DEFAULT_SESSIONS
        self._sessions: dict[int, tuple[Session, ...]] = {
            iso: _checked_sessions(configured.get(iso) or fallback) for iso in range(1, 8)
        }
        self._day_length: dict[int, timedelta] = {
            iso: sum((_length(s) for s in sessions), timedelta(0))
            for iso, sessions in self._sessions.items()
        }
        self._index: _Index | None = None

    # -- configuration ---------------------------------------------------------------------

    @property
    def hours(self) -> OfficeHours:
        return self._hours

    @property
    def exceptions(self) -> tuple[CalendarException, ...]:
        """The effective exceptions (one per day), sorted by day."""
        return tuple(self._by_day[d] for d in sorted(self._by_day))

    def exception_on(self, day: date) -> CalendarException | None:
        return self._by_day.get(day)

    # -- days ------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        o = day.toordinal()
        idx = self._covering(o)
        return idx.working[o - idx.first] == 1

    def sessions_on(self, day: date) -> tuple[Session, ...]:
        """The sessions of ``day``; empty when it is not a working day."""
        return self._sessions[day.isoweekday()] if self.is_working_day(day) else ()

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.nth_working_day_after(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        d = day - timedelta(days=1)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day strictly after ``day`` (``n`` >= 1); ``day`` itself may be
        off."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        o = day.toordinal()
        while True:
            idx = self._covering(o)
            k = idx.rank[o - idx.first] + n - 1
            if k < len(idx.days):
                return date.fromordinal(idx.days[k])
            self._index = self._build(idx.first_year, idx.last_year + 1 + n // 200)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end`` (negative when ``end`` is before
        ``start``)."""
        idx = self._covering(start.toordinal(), end.toordinal())
        return idx.rank[end.toordinal() - idx.first] - idx.rank[start.toordinal() - idx.first]

    def end_of_day(self, day: date) -> datetime:
        """End of the last session of a working day."""
        sessions = self.sessions_on(day)
        if not sessions:
            raise ValueError(f"{day:%d/%m/%Y} is not a working day")
        return datetime.combine(day, sessions[-1].end)

    # -- moments ---------------------------------------------------------------------------

    def in_session(self, moment: datetime) -> bool:
        """True when ``moment`` lies in a session of a working day, both its first and its last
        minute included (rules.md: 07:30 … 11:30 and 13:30 … 17:00 are in, 11:31 and 17:01 out).
        """
        t = _minute(moment)
        return any(s.start <= t <= s.end for s in self.sessions_on(moment.date()))

    def start_moment(self, moment: datetime) -> datetime:
        """When the clock of a dossier received at ``moment`` starts.

        ``moment`` itself when it lies in a session (:meth:`in_session`: a dossier received at
        exactly 11:30 or 17:00 starts then, on that day), else the start of the next session on
        a working day: received at 11:31 it starts at 13:30, at 17:01 the next working morning.
        """
        day, t = moment.date(), _minute(moment)
        for s in self.sessions_on(day):
            if t < s.start:
                return datetime.combine(day, s.start)
            if t <= s.end:
                return moment
        nxt = self.next_working_day(day)
        return datetime.combine(nxt, self._sessions[nxt.isoweekday()][0].start)

    def add_working_hours(self, start: datetime, hours: float | timedelta) -> datetime:
        """``hours`` of working time from ``start``, skipping breaks and non-working days.

        The clock starts at :meth:`start_moment`. Time that runs out exactly at the end of a
        session gives that end (17:00), not the start of the next one.
        """
        remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if remaining < timedelta(0):
            raise ValueError("hours must not be negative")
        moment = self.start_moment(start)
        if remaining == timedelta(0):
            return moment
        day = moment.date()
        for s in self._sessions[day.isoweekday()]:
            begin = max(moment, datetime.combine(day, s.start))
            available = datetime.combine(day, s.end) - begin
            if available <= timedelta(0):
                continue
            if remaining <= available:
                return begin + remaining
            remaining -= available
        # Whole working days after the start day: find by bisection the day the time runs out.
        o = day.toordinal()
        while True:
            idx = self._covering(o)
            done = idx.worktime[idx.rank[o - idx.first]]
            target = done + remaining
            if target <= idx.worktime[-1]:
                break
            self._index = self._build(idx.first_year, idx.last_year + 1)
        k = bisect_left(idx.worktime, target) - 1
        due_day = date.fromordinal(idx.days[k])
        left = target - idx.worktime[k]
        for s in self._sessions[due_day.isoweekday()]:
            if left <= _length(s):
                return datetime.combine(due_day, s.start) + left
            left -= _length(s)
        raise AssertionError("working time index out of step with the sessions")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in sessions between two moments (negative when ``end`` is earlier)."""
        a, b = start.toordinal(), end.toordinal()
        idx = self._covering(a, b)
        return self._worktime_until(idx, end) - self._worktime_until(idx, start)

    # -- internals -------------------------------------------------------------------------

    def _worktime_until(self, idx: _Index, moment: datetime) -> timedelta:
        """Working time in the index span up to ``moment``."""
        day = moment.date()
        pos = day.toordinal() - idx.first
        is_working = idx.working[pos] == 1
        before = idx.worktime[idx.rank[pos] - (1 if is_working else 0)]
        if not is_working:
            return before
        t = moment.time()
        for s in self._sessions[day.isoweekday()]:
            if t >= s.end:
                before += _length(s)
            elif t > s.start:
                before += datetime.combine(day, t) - datetime.combine(day, s.start)
        return before

    def _covering(self, lo: int, hi: int | None = None) -> _Index:
        """The index, rebuilt over a wider span of years if ordinal ``lo`` or ``hi`` is outside."""
        idx = self._index
        if hi is None:
            hi = lo
        elif hi < lo:
            lo, hi = hi, lo
        if idx is not None and idx.first <= lo and hi < idx.stop:
            return idx
        lo_year, hi_year = date.fromordinal(lo).year, date.fromordinal(hi).year
        if idx is None:
            lo_year, hi_year = lo_year - 1, hi_year + 1
        else:
            lo_year, hi_year = min(lo_year, idx.first_year), max(hi_year, idx.last_year)
        # One assignment publishes the new index, so a reader on another thread sees either
        # the old complete index or the new one.
        self._index = self._build(lo_year, hi_year)
        return self._index

    def _is_working_uncached(self, day: date) -> bool:
        exc = self._by_day.get(day)
        if exc is not None:
            return exc.kind.is_working
        return day.weekday() < 5

    def _build(self, first_year: int, last_year: int) -> _Index:
        if last_year > _INDEX_LAST_YEAR:
            raise ValidationError(
                f"Thời hạn tính ra vượt quá năm {_INDEX_LAST_YEAR}, ngoài lịch làm việc: "
                "hãy kiểm tra thời hạn giải quyết của thủ tục và ngày tiếp nhận."
            )
        first = date(max(first_year, 1), 1, 1).toordinal()
        last = date(min(last_year, 9999), 12, 31).toordinal()
        working = bytearray(last - first + 1)
        rank: list[int] = []
        days: list[int] = []
        worktime = [timedelta(0)]
        for o in range(first, last + 1):
            day = date.fromordinal(o)
            if self._is_working_uncached(day):
                working[o - first] = 1
                days.append(o)
                worktime.append(worktime[-1] + self._day_length[day.isoweekday()])
            rank.append(len(days))
        return _Index(first_year, last_year, first, last + 1, bytes(working), rank, days, worktime)


def _minute(moment: datetime) -> time:
    """The clock time of ``moment`` to the minute: rules are stated for whole minutes, so
    17:00:59 is still the minute 17:00."""
    return moment.time().replace(second=0, microsecond=0)


def _length(session: Session) -> timedelta:
    return datetime.combine(date.min, session.end) - datetime.combine(date.min, session.start)


def _checked_sessions(sessions: Iterable[Session]) -> tuple[Session, ...]:
    ordered = tuple(sorted(sessions, key=lambda s: s.start))
    previous_end: time | None = None
    for s in ordered:
        if s.start >= s.end or (previous_end is not None and s.start < previous_end):
            raise ValidationError(
                f"Giờ làm việc không hợp lệ: buổi {s.start:%H:%M}–{s.end:%H:%M} "
                "phải kết thúc sau khi bắt đầu và không chồng lên buổi khác."
            )
        previous_end = s.end
    return ordered


# -- seeding from the holidays package ---------------------------------------------------------

#: What seeded rows said as their basis before issue 13 (the name of a Python package, which
#: means nothing to a clerk): shown and exported as the legal basis instead (:func:`basis_of`).
LEGACY_SEED_SOURCE = "Thư viện holidays"
#: The paid public holidays (reference.md §6.1).
HOLIDAY_BASIS = "Bộ luật Lao động 2019, Điều 112"
#: A holiday on the weekly rest day: the next working day off instead (reference.md §6.1).
OBSERVED_BASIS = "Bộ luật Lao động 2019, Điều 111 khoản 3"
#: A holiday the labour code's list does not name (checked against the yearly notice).
OTHER_HOLIDAY_BASIS = "Thông báo nghỉ lễ, tết hằng năm của Nhà nước"
#: The yearly notices of the Ministry of Home Affairs that swap working days, where known.
SWAP_NOTICES = {2026: "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ"}
#: The holidays Bộ luật Lao động 2019 Điều 112 khoản 1 lists (by their Vietnamese names).
_CODE_HOLIDAYS = ("Tết Dương lịch", "Tết Nguyên đán", "Giỗ Tổ Hùng Vương", "Ngày Giải phóng",
                  "Ngày Quốc tế Lao động", "Quốc khánh")  # fmt: skip


def swap_basis(year: int) -> str:
    """The basis of a day off swapped with a Saturday worked in exchange, in ``year``."""
    return SWAP_NOTICES.get(year, f"Thông báo nghỉ lễ, tết năm {year} của Bộ Nội vụ")


def _holiday_basis(name: str) -> str:
    return HOLIDAY_BASIS if name.startswith(_CODE_HOLIDAYS) else OTHER_HOLIDAY_BASIS


def basis_of(exception: CalendarException) -> str:
    """The legal basis shown for a day: what the table holds, except the old seeded rows'
    package name, which becomes the law or notice that makes the day what it is."""
    if exception.source != LEGACY_SEED_SOURCE:
        return exception.source
    if exception.kind is DayKind.HOLIDAY:
        return _holiday_basis(exception.name)
    if exception.name.startswith("Nghỉ bù"):
        return OBSERVED_BASIS
    return swap_basis(exception.day.year)


_VIETNAMESE_NAMES: dict[str, str] = {
    "New Year's Day": "Tết Dương lịch",
    "29 of Lunar New Year": "Tết Nguyên đán (29 tháng Chạp)",
    "Lunar New Year's Eve": "Tết Nguyên đán (ngày giao thừa)",
    "Lunar New Year": "Tết Nguyên đán (mùng 1)",
    "Second Day of Lunar New Year": "Tết Nguyên đán (mùng 2)",
    "Third Day of Lunar New Year": "Tết Nguyên đán (mùng 3)",
    "Fourth Day of Lunar New Year": "Tết Nguyên đán (mùng 4)",
    "Fifth Day of Lunar New Year": "Tết Nguyên đán (mùng 5)",
    "Hung Kings' Commemoration Day": "Giỗ Tổ Hùng Vương",
    "Liberation Day/Reunification Day": "Ngày Giải phóng miền Nam, thống nhất đất nước",
    "International Labor Day": "Ngày Quốc tế Lao động",
    "National Day": "Quốc khánh",
    "Vietnam Cultural Day": "Ngày Văn hóa Việt Nam",
}
_SUBSTITUTED = re.compile(r"Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)")
_OBSERVED = re.compile(r"^(?P<name>.+) \(observed\)$")


def _vietnamese_name(english: str) -> str:
    if english in _VIETNAMESE_NAMES:
        return _VIETNAMESE_NAMES[english]
    if "Lunar New Year" in english:  # a spelling a later package version might use
        return "Tết Nguyên đán"
    return english


def seed_exceptions(year: int) -> list[CalendarException]:
    """The exceptions of ``year`` as the ``holidays`` package knows them, sorted by day.

    Holidays (also those on a weekend) become HOLIDAY; "<holiday> (observed)" and
    "Day off (substituted from MM/DD/YYYY)" become DAY_OFF, and the substituted-from day, the
    Saturday worked in exchange, becomes a MAKEUP_WORKDAY.
    """
    import holidays  # imported here: only seeding needs it, and it is slow to import

    table = holidays.country_holidays("VN", years=year, language="en_US")
    out: dict[date, CalendarException] = {}
    makeups: list[CalendarException] = []
    for day, names in sorted(table.items()):
        kinds: list[DayKind] = []
        vietnamese: list[str] = []
        bases: list[str] = []
        for english in str(names).split("; "):
            if swap := _SUBSTITUTED.search(english):
                month, dom, swap_year = (int(g) for g in swap.groups())
                kinds.append(DayKind.DAY_OFF)
                vietnamese.append(f"Nghỉ hoán đổi, làm bù ngày {dom:02d}/{month:02d}/{swap_year}")
                bases.append(swap_basis(year))
                makeups.append(
                    CalendarException(
                        date(swap_year, month, dom),
                        DayKind.MAKEUP_WORKDAY,
                        f"Làm bù cho ngày {day:%d/%m/%Y}",
                        swap_basis(year),
                    )
                )
            elif observed := _OBSERVED.match(english):
                kinds.append(DayKind.DAY_OFF)
                vietnamese.append("Nghỉ bù " + _vietnamese_name(observed["name"]))
                bases.append(OBSERVED_BASIS)
            else:
                kinds.append(DayKind.HOLIDAY)
                vietnamese.append(_vietnamese_name(english))
                bases.append(_holiday_basis(vietnamese[-1]))
        kind = DayKind.HOLIDAY if DayKind.HOLIDAY in kinds else DayKind.DAY_OFF
        basis = "; ".join(dict.fromkeys(bases))  # each law or notice once
        out[day] = CalendarException(day, kind, "; ".join(vietnamese), basis)
    for makeup in makeups:
        out.setdefault(makeup.day, makeup)  # a listed holiday is never turned into a workday
    return [out[d] for d in sorted(out)]
