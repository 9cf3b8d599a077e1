"""Drafting demo dossiers: when they came, what for, who brought them, how they stand now.

Received moments fall in office hours on working days, busier in the mornings, early in the week
and around Tết; procedures are weighted as a commune counter sees them; appointments are computed
by the real calendar rules; statuses are spread by age. Everything is drawn from one
``random.Random`` in a fixed order, so the same seed gives the same drafts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.deadlines import compute_due
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.procedure import Duration, DurationUnit, Procedure
from tthc_desk.services.demo_data import (
    BACKDATE_REASON,
    DEFAULT_PROCEDURE_WEIGHT,
    NOTES,
    PROCEDURE_WEIGHTS,
)
from tthc_desk.services.demo_people import DemoPerson, People

RESTART_SHARE = 0.02  # papers missing at the counter, brought back the same day
RECENT_PEOPLE = 50_000  # people who may come back with another dossier


@dataclass(slots=True)
class Draft:
    """A dossier before its number is drawn (numbers are drawn inside the write transaction)."""

    procedure: Procedure
    person: DemoPerson
    authorised: DemoPerson | None
    channel: Channel
    return_method: ReturnMethod
    received_at: datetime  # the running clock: after a supplement, the completed dossier's return
    due_at: datetime
    status: Status
    clerk: str
    created_at: datetime
    backdate_reason: str
    note: str
    postal_reference: str
    sets_count: int
    intake_at: datetime  # the first receipt: code, ledger number, "received" event
    intake_due_at: datetime
    restart: tuple[datetime, datetime] | None = None  # (supplement asked, supplemented) same day


class DueCache:
    """Appointments by the real rules, with the calendar lookups cached per (duration, day).

    Valid only for moments inside a session (the clock starts at once), which is how the demo
    draws them; any other unit or case goes to :func:`compute_due`.
    """

    def __init__(self, calendar: WorkCalendar, cutoff: time) -> None:
        self._cal = calendar
        self._cutoff = cutoff
        self._same_day: dict[tuple[date, bool], datetime] = {}
        self._working: dict[
            tuple[int, date], tuple[date, tuple[tuple[time, time], ...], datetime]
        ] = {}

    def due(self, duration: Duration, received: datetime) -> datetime:
        unit = duration.unit
        if unit is DurationUnit.SAME_DAY:
            # rules.md: the cut-off minute itself is still the same day ("sau 15 giờ").
            key = (received.date(), received.time().replace(second=0, microsecond=0) > self._cutoff)
            hit = self._same_day.get(key)
            if hit is None:
                hit = self._same_day[key] = compute_due(received, duration, self._cal, self._cutoff)
            return hit
        if unit is DurationUnit.WORKING_DAYS and duration.value > 0:
            return self._working_days(duration.value, received)
        return compute_due(received, duration, self._cal, self._cutoff)

    def _working_days(self, n: int, received: datetime) -> datetime:
        entry = self._working.get((n, received.date()))
        if entry is None:
            day = self._cal.nth_working_day_after(received.date(), n)
            sessions = tuple((s.start, s.end) for s in self._cal.sessions_on(day))
            entry = self._working[(n, received.date())] = (day, sessions, self._cal.end_of_day(day))
        day, sessions, end = entry
        t = received.time()
        for start, stop in sessions:
            if start <= t <= stop:  # a session includes its last minute (rules.md)
                return datetime.combine(day, t)
        return end


def span_years(dossiers: int) -> int:
    """Several years of work: two for a small demo, up to six for a million dossiers."""
    return max(2, min(6, math.ceil(dossiers / 100_000) + 1))


def _day_minutes(cal: WorkCalendar, day: date, now: datetime) -> tuple[list[int], list[float]]:
    """Minutes (since midnight) the counter is open on ``day`` before ``now``, mornings busier."""
    minutes: list[int] = []
    weights: list[float] = []
    limit = now.hour * 60 + now.minute if day == now.date() else 24 * 60
    for s in cal.sessions_on(day):
        a, b = s.start.hour * 60 + s.start.minute, s.end.hour * 60 + s.end.minute
        w = 1.4 if s.start < time(12, 0) else 1.0
        for m in range(a, min(b, limit)):
            minutes.append(m)
            weights.append(w)
    return minutes, weights


def _day_weight(day: date, index: int, total: int) -> float:
    weekday = (1.25, 1.1, 1.0, 1.0, 0.95, 0.6, 0.6)[day.weekday()]
    growth = 0.8 + 0.4 * index / max(1, total - 1)  # offices get busier year after year
    season = 1.2 if day.month in (1, 12) else 1.1 if day.month in (7, 8) else 1.0
    return weekday * growth * season


def _open_days(cal: WorkCalendar, start: date, now: datetime) -> list[date]:
    days: list[date] = []
    d = start
    while d <= now.date():
        if cal.is_working_day(d) and (d != now.date() or _day_minutes(cal, d, now)[0]):
            days.append(d)
        d += timedelta(days=1)
    if not days:
        raise ValueError("no working day before the clock's now")
    return days


def _cumulative_day_weights(cal: WorkCalendar, days: Sequence[date], now: datetime) -> list[float]:
    cum: list[float] = []
    total = 0.0
    full_day = len(_day_minutes(cal, days[0], datetime.combine(days[0], time(23, 59)))[0]) or 1
    for i, day in enumerate(days):
        weight = _day_weight(day, i, len(days))
        if day == now.date():  # today only up to now
            weight *= len(_day_minutes(cal, day, now)[0]) / full_day
        total += weight
        cum.append(total)
    return cum


def moments(
    rng: random.Random, cal: WorkCalendar, start: date, now: datetime, n: int
) -> Iterator[datetime]:
    """``n`` received moments on working days from ``start`` to ``now``, in time order."""
    days = _open_days(cal, start, now)
    cum = _cumulative_day_weights(cal, days, now)
    per_day = Counter(rng.choices(range(len(days)), cum_weights=cum, k=n))
    for i, day in enumerate(days):
        k = per_day.get(i, 0)
        if not k:
            continue
        minutes, weights = _day_minutes(cal, day, now)
        midnight = datetime.combine(day, time(0, 0))
        for m in sorted(rng.choices(minutes, weights=weights, k=k)):
            yield midnight + timedelta(minutes=m)


# (share drawn below, status) in order; the first share above the draw decides.
_StatusTable = tuple[tuple[float, Status], ...]
_WITHIN_TIME: _StatusTable = (
    (0.15, Status.RECEIVED),
    (0.75, Status.IN_PROGRESS),
    (0.87, Status.SUPPLEMENT),
)
_DUE_THIS_MONTH: _StatusTable = (
    (0.70, Status.RETURNED),
    (0.85, Status.RESULT_READY),
    (0.91, Status.IN_PROGRESS),
    (0.94, Status.SUPPLEMENT),
    (0.97, Status.REFUSED),
    (0.99, Status.WITHDRAWN),
)
# A dossier forgotten for more than a month is rare (1 in 1,000).
_DUE_LONG_AGO: _StatusTable = (
    (0.934, Status.RETURNED),
    (0.959, Status.REFUSED),
    (0.974, Status.WITHDRAWN),
    (0.981, Status.STOPPED),
    (0.989, Status.CLOSED),
    (0.999, Status.RESULT_READY),
)


def draw_status(rng: random.Random, received: datetime, due: datetime, now: datetime) -> Status:
    """Where a dossier stands at ``now``, drawn by its age."""
    r = rng.random()
    if due > now:  # still within time
        if (now - received) < timedelta(hours=4):
            return Status.RECEIVED if r < 0.8 else Status.IN_PROGRESS
        table, fallback = _WITHIN_TIME, Status.RESULT_READY
    elif (now - due) <= timedelta(days=30):
        table, fallback = _DUE_THIS_MONTH, Status.STOPPED
    else:
        table, fallback = _DUE_LONG_AGO, Status.IN_PROGRESS
    for limit, status in table:
        if r < limit:
            return status
    return fallback


def draw_channel(p: Procedure, r: float) -> Channel:
    """How the dossier came in, for the draw ``r`` (online only where the procedure allows)."""
    if p.online:
        return Channel.DIRECT if r < 0.70 else Channel.ONLINE if r < 0.92 else Channel.POSTAL
    if p.postal_return:
        return Channel.DIRECT if r < 0.95 else Channel.POSTAL
    return Channel.DIRECT


class Drafter:
    """Drafts dossier after dossier, each from the moment it was received."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        people: People,
        procedures: Sequence[Procedure],
        clerks: Sequence[str],
        calendar: WorkCalendar,
        due_cache: DueCache,
    ) -> None:
        self.rng, self.now, self.people, self.cal = rng, now, people, calendar
        self.procedures = list(procedures)
        self.clerks = list(clerks) or [""]
        self.due_cache = due_cache
        self.proc_cum: list[float] = []
        total = 0.0
        for p in procedures:
            total += PROCEDURE_WEIGHTS.get(p.code, DEFAULT_PROCEDURE_WEIGHT)
            self.proc_cum.append(total)
        self.recent: list[DemoPerson] = []  # people who may come back

    def draft(self, received: datetime) -> Draft:
        rng = self.rng
        p = rng.choices(self.procedures, cum_weights=self.proc_cum)[0]
        person = self._applicant(received.date())
        authorised = self.people.make(received.date()) if rng.random() < 0.06 else None
        channel = draw_channel(p, rng.random())
        postal_share = 0.3 if channel is not Channel.DIRECT else 0.1
        ret = (
            ReturnMethod.POSTAL
            if p.postal_return and rng.random() < postal_share
            else ReturnMethod.COUNTER
        )
        intake_due = self.due_cache.due(p.duration, received)
        restart = self._restart(received)
        received_at = restart[1] if restart else received
        due = self.due_cache.due(p.duration, received_at) if restart else intake_due
        created, reason = self._entered(received)
        return Draft(
            procedure=p,
            person=person,
            authorised=authorised,
            channel=channel,
            return_method=ret,
            received_at=received_at,
            due_at=due,
            status=draw_status(rng, received_at, due, self.now),
            clerk=rng.choice(self.clerks),
            created_at=created,
            backdate_reason=reason,
            note=rng.choice(NOTES) if rng.random() < 0.03 else "",
            postal_reference=f"RR{rng.randrange(10**9):09d}VN" if channel is Channel.POSTAL else "",
            sets_count=2 if rng.random() < 0.04 else 1,
            intake_at=received,
            intake_due_at=intake_due,
            restart=restart,
        )

    def _applicant(self, on: date) -> DemoPerson:
        """Someone who came before (three times in ten) or a new person."""
        rng = self.rng
        if self.recent and rng.random() < 0.3:
            return self.recent[rng.randrange(len(self.recent))]
        person = self.people.make(on)
        if len(self.recent) < RECENT_PEOPLE:
            self.recent.append(person)
        else:
            self.recent[rng.randrange(len(self.recent))] = person
        return person

    def _restart(self, received: datetime) -> tuple[datetime, datetime] | None:
        """Papers missing at the counter, brought back the same day: the clock restarts."""
        rng = self.rng
        if rng.random() >= RESTART_SHARE:
            return None
        asked = received + timedelta(minutes=rng.randint(10, 60))
        back = asked + timedelta(minutes=rng.randint(30, 180))
        if back <= self.now and back.date() == received.date() and self.cal.in_session(back):
            return asked, back
        return None

    def _entered(self, intake: datetime) -> tuple[datetime, str]:
        """When the dossier was typed in, and why when that was long after it came."""
        rng = self.rng
        if rng.random() >= 0.01:
            return intake, ""
        created = min(self.now, intake + timedelta(minutes=rng.randint(30, 48 * 60)))
        if created - intake > timedelta(minutes=15):
            return created, BACKDATE_REASON
        return intake, ""
