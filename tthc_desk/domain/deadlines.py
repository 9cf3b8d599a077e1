"""Due dates (thời hạn giải quyết): the receipt moment plus a procedure's legal duration.

Implements rules.md "Due date". The clock starts at the moment the complete dossier is received,
moved to the next working moment when that is outside office hours
(:meth:`WorkCalendar.start_moment`). Every rule then lands on a working day, inside a session or
at the end of one, so the appointment printed on the receipt is a time the office is open, and a
later receipt or a longer duration never gives an earlier due moment.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.procedure import Duration, DurationUnit


def compute_due(
    received: datetime,
    duration: Duration,
    calendar: WorkCalendar,
    cutoff: time | None = None,
) -> datetime:
    """The due moment of a dossier received at ``received``.

    - WORKING_DAYS: the same clock time on the N-th working day after the start day (day 0);
      the end of that day's last session when the clock time is outside its sessions.
      N = 0 means the end of the start day: "0 working days" is read as "by the end of today".
    - WORKING_HOURS: N hours of working time, skipping breaks and non-working days.
    - CALENDAR_DAYS, MONTHS: added to the start day (months clamp the day of the month,
      31/01 + 1 month = 28/02). The period ends at the end of that day, or, when it is not a
      working day, at the end of the next working day (Bộ luật Dân sự Điều 148 khoản 1, 5, 6).
      Keeping the clock time instead would make a dossier received on Friday due before one
      received on Thursday whenever Thursday's period ends on a Sunday (→ Monday 17:00) and
      Friday's on that Monday (→ Monday at Friday's clock time).
    - SAME_DAY: started at or before ``cutoff`` (default ``calendar.hours.same_day_cutoff``) →
      end of that working day; after it (from the minute after, 15:01) → end of the next working
      day: the law's "sau 15 giờ" is after 15:00, so 15:00 itself is the same day. The value is
      ignored.
    """
    if duration.value < 0:
        raise ValidationError.for_field(
            "duration", f"Thời hạn giải quyết không được là số âm ({duration.value})."
        )
    start = calendar.start_moment(received)
    n = duration.value
    unit = duration.unit
    if unit is DurationUnit.WORKING_DAYS:
        if n == 0:
            return calendar.end_of_day(start.date())
        day = calendar.nth_working_day_after(start.date(), n)
        due = datetime.combine(day, start.time())
        return due if calendar.in_session(due) else calendar.end_of_day(day)
    if unit is DurationUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, n)
    if unit is DurationUnit.CALENDAR_DAYS:
        return _end_of_period(start.date() + timedelta(days=n), calendar)
    if unit is DurationUnit.MONTHS:
        return _end_of_period(add_months(start.date(), n), calendar)
    if unit is DurationUnit.SAME_DAY:
        day = start.date()
        if _past_cutoff(start, calendar, cutoff):
            day = calendar.next_working_day(day)
        return calendar.end_of_day(day)
    raise ValueError(f"unknown duration unit {unit!r}")


def _past_cutoff(start: datetime, calendar: WorkCalendar, cutoff: time | None) -> bool:
    limit = cutoff if cutoff is not None else calendar.hours.same_day_cutoff
    return start.time().replace(second=0, microsecond=0) > limit


def moved_by_cutoff(
    received: datetime,
    duration: Duration,
    calendar: WorkCalendar,
    cutoff: time | None = None,
) -> bool:
    """Whether the same-day cut-off moved ``received``'s appointment to the next working day:
    a same-day (``trong ngày``) procedure started after the cut-off (15:01 on). A receipt
    outside office hours starts the next working morning, before the cut-off: not this."""
    if duration.unit is not DurationUnit.SAME_DAY:
        return False
    return _past_cutoff(calendar.start_moment(received), calendar, cutoff)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, the day of the month clamped (31/01 + 1 month → 28/02)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return day.replace(
        year=year, month=month0 + 1, day=min(day.day, monthrange(year, month0 + 1)[1])
    )


def _end_of_period(last_day: date, calendar: WorkCalendar) -> datetime:
    """End of the period's last day; a period ending on a day off runs to the next working day."""
    if not calendar.is_working_day(last_day):
        last_day = calendar.next_working_day(last_day)
    return calendar.end_of_day(last_day)


# -- what needs attention ---------------------------------------------------------------------
class DeadlineView(StrEnum):
    """The running dossiers that need attention: due today, due soon, overdue."""

    TODAY = "today"
    SOON = "soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DueWindow:
    """Running dossiers due in ``[low, high)``; None leaves that side open."""

    low: datetime | None
    high: datetime | None


def overdue_window(now: datetime) -> DueWindow:
    """Due before now: overdue."""
    return DueWindow(None, now)


def today_window(now: datetime) -> DueWindow:
    """Due from now until midnight: due today."""
    return DueWindow(now, _start_of_next_day(now.date()))


def soon_window(now: datetime, calendar: WorkCalendar, working_days: int) -> DueWindow:
    """Due from tomorrow to the end of the warning window of ``working_days`` working days."""
    last = calendar.nth_working_day_after(now.date(), working_days)
    return DueWindow(_start_of_next_day(now.date()), _start_of_next_day(last))


def _start_of_next_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min)
