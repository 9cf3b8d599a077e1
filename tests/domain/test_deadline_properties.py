"""Properties every due date must have, on random receipts in 2025–2027 and every unit."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tthc_desk.domain.calendar import WorkCalendar, seed_exceptions
from tthc_desk.domain.deadlines import compute_due
from tthc_desk.domain.office import OfficeHours
from tthc_desk.domain.procedure import Duration, DurationUnit

CAL = WorkCalendar(OfficeHours(), [e for y in (2025, 2026, 2027, 2028) for e in seed_exceptions(y)])

RANGES: dict[DurationUnit, tuple[int, int]] = {
    DurationUnit.WORKING_DAYS: (0, 60),
    DurationUnit.WORKING_HOURS: (1, 80),
    DurationUnit.CALENDAR_DAYS: (1, 90),
    DurationUnit.MONTHS: (1, 12),
    DurationUnit.SAME_DAY: (0, 0),
}

received_moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59)
).map(lambda m: m.replace(second=0, microsecond=0))
units = st.sampled_from(list(DurationUnit))


@st.composite
def durations(draw: st.DrawFn, unit: DurationUnit | None = None) -> Duration:
    unit = unit if unit is not None else draw(units)
    low, high = RANGES[unit]
    return Duration(draw(st.integers(low, high)), unit)


@settings(max_examples=300, deadline=None)
@given(received=received_moments, duration=durations())
def test_due_is_a_moment_the_office_can_keep(received: datetime, duration: Duration) -> None:
    due = compute_due(received, duration, CAL)
    start = CAL.start_moment(received)
    sessions = CAL.sessions_on(due.date())
    assert sessions, f"{due} is not on a working day"
    t = due.time()
    inside = any(s.start < t <= s.end for s in sessions)
    # The only due moment at the very start of a session is the start moment's own clock time
    # kept by WORKING_DAYS, e.g. received before opening → due at 07:30 on the N-th working day.
    kept_start = duration.unit is DurationUnit.WORKING_DAYS and any(
        s.start == t == start.time() for s in sessions
    )
    assert inside or kept_start, f"{due} is not inside a session"


@settings(max_examples=300, deadline=None)
@given(received=received_moments, duration=durations())
def test_due_is_never_before_the_receipt(received: datetime, duration: Duration) -> None:
    due = compute_due(received, duration, CAL)
    assert due >= CAL.start_moment(received) >= received
    if duration.value > 0 or duration.unit is DurationUnit.SAME_DAY:
        assert due > received


@settings(max_examples=300, deadline=None)
@given(
    first=received_moments,
    delay=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    duration=durations(),
)
def test_a_later_receipt_is_never_due_earlier(
    first: datetime, delay: timedelta, duration: Duration
) -> None:
    later = first + delay
    assert compute_due(later, duration, CAL) >= compute_due(first, duration, CAL)


@settings(max_examples=300, deadline=None)
@given(received=received_moments, unit=units, data=st.data())
def test_a_longer_duration_is_never_due_earlier(
    received: datetime, unit: DurationUnit, data: st.DataObject
) -> None:
    shorter = data.draw(durations(unit))
    longer = Duration(data.draw(st.integers(shorter.value, RANGES[unit][1])), unit)
    assert compute_due(received, longer, CAL) >= compute_due(received, shorter, CAL)


@settings(max_examples=300, deadline=None)
@given(received=received_moments, data=st.data())
def test_working_units_count_exactly(received: datetime, data: st.DataObject) -> None:
    start = CAL.start_moment(received)
    days = data.draw(durations(DurationUnit.WORKING_DAYS))
    due = compute_due(received, days, CAL)
    assert CAL.working_days_between(start.date(), due.date()) == days.value
    hours = data.draw(durations(DurationUnit.WORKING_HOURS))
    due = compute_due(received, hours, CAL)
    assert CAL.working_time_between(start, due) == timedelta(hours=hours.value)
