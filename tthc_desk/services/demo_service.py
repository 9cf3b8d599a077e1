"""Realistic synthetic dossiers for demos, training and the benchmark.

The data looks like a commune counter's years of work: Vietnamese names with the usual family
names, valid 12-digit personal ID numbers, mobile numbers, addresses in the office's commune,
procedures weighted as a counter sees them (chứng thực and khai sinh first), received moments in
office hours on working days, appointments computed by the real calendar rules, and statuses
spread by age. Codes and ledger numbers continue the real counters, so a dossier received after
the demo never reuses a number.

It must write a million dossiers in a few minutes, so rows go in with Core ``executemany`` in
chunks, one write transaction per chunk. Inside that transaction the FTS insert trigger is set
aside, the chunk is indexed with one ``INSERT … SELECT`` and the trigger is put back, so the
schema is never seen changed and an interrupted run leaves a complete index. Measured on 200,000
dossiers: 24 s this way, 39 s with the per-row trigger, 23 s with one ``'rebuild'`` at the end
(which would leave rows unsearchable if the run stopped half-way).
The same seed on the same database at the same clock gives the same dossiers.
"""

from __future__ import annotations

import json
import logging
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from tthc_desk.db.models import (
    ApologyLetterRecord,
    ApplicantRecord,
    CounterRecord,
    DossierEventRecord,
    DossierPaperRecord,
    DossierRecord,
    PostalBatchRecord,
    PostalItemRecord,
)
from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.deadlines import compute_due
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status, format_dossier_code
from tthc_desk.domain.lifecycle import (
    APOLOGY_REASONS,
    SATISFACTION_LEVELS,
    SETTLED,
    LetterStatus,
    Move,
    Timeliness,
    classify,
)
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.procedure import Duration, DurationUnit, Procedure
from tthc_desk.domain.text import fold
from tthc_desk.services.demo_data import (
    BACKDATE_REASON,
    CLOSE_REASON,
    DEFAULT_PROCEDURE_WEIGHT,
    DELIVERY_METHODS,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    FEMALE_SECOND_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    NOTES,
    PHONE_PREFIXES,
    PROCEDURE_WEIGHTS,
    PROVINCE_CODES,
    RATING_COMMENTS,
    REFUSAL_REASONS,
    STOP_REASONS,
    STREETS,
    SUPPLEMENT_PAPERS,
    SUPPLEMENT_REASONS,
    WITHDRAW_REASONS,
)

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)

DEMO_FLAG_KEY = "demo_seeded"
DEMO_DOSSIERS = 2_000
CHUNK_SIZE = 20_000
RESTART_SHARE = 0.02  # papers missing at the counter, brought back the same day
# How settled dossiers came out: a commune a little short of the provincial targets.
EARLY_SHARE, ON_TIME_SHARE = 0.58, 0.36  # the rest is late
LETTER_SHARE = 0.85  # late dossiers that got their apology letter (the rest: before the app)

#: ``progress(done, total)``; returning ``False`` stops after the chunk being written.
Progress = Callable[[int, int], bool | None]


@dataclass(slots=True)
class _Person:
    full_name: str
    folded_name: str
    id_number: str
    birth_date: date
    phone: str
    address: str
    email: str
    applicant_id: int | None = None  # set when the applicants row is written
    updated_at: datetime | None = None


def _cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    names = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    return names, cum


class _People:
    """Makes people; ID numbers are unique by construction, never drawn twice."""

    def __init__(self, rng: random.Random, office: OfficeProfile, taken: set[str]) -> None:
        self._rng = rng
        self._taken = taken
        self._family = _cumulative(FAMILY_NAMES)
        self._male_middle = _cumulative(MALE_MIDDLE)
        self._female_middle = _cumulative(FEMALE_MIDDLE)
        self._provinces = _cumulative(PROVINCE_CODES)
        # The last six digits run through a permutation of 0..999999 per prefix, so two people
        # never share an ID number without a set of every number drawn so far.
        self._next_serial: dict[str, int] = {}
        self._serial_offset = rng.randrange(1_000_000)
        self._folded: dict[str, str] = {}
        unit, place, province = _commune(office)
        self._commune = f"{unit} {place}, {province}" if province else f"{unit} {place}"
        self._hamlet = "Khu phố" if unit == "phường" else "Thôn"

    def make(self, on: date) -> _Person:
        rng = self._rng
        female = rng.random() < 0.52
        family = rng.choices(self._family[0], cum_weights=self._family[1])[0]
        middle_names = self._female_middle if female else self._male_middle
        middle = rng.choices(middle_names[0], cum_weights=middle_names[1])[0]
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        if female and middle == "Thị" and rng.random() < 0.2:
            middle = f"Thị {rng.choice(FEMALE_SECOND_MIDDLE)}"
        full_name = f"{family} {middle} {given}"
        folded = self._folded.get(full_name)
        if folded is None:
            folded = self._folded[full_name] = fold(full_name)
        # Adults coming to the counter: most between 22 and 65.
        age = min(90, max(18, int(rng.gauss(40, 13))))
        birth = date(on.year - age, 1, 1) + timedelta(days=rng.randrange(365))
        return _Person(
            full_name=full_name,
            folded_name=folded,
            id_number=self._id_number(birth, female),
            birth_date=birth,
            phone=self._phone() if rng.random() < 0.88 else "",
            address=self._address(),
            email=self._email(folded) if rng.random() < 0.12 else "",
        )

    def _id_number(self, birth: date, female: bool) -> str:
        # CCCD: province (3) + century/sex (0/1: 1900s male/female, 2/3: 2000s) + year (2) + 6.
        province = self._rng.choices(self._provinces[0], cum_weights=self._provinces[1])[0]
        century = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        prefix = f"{province}{century}{birth.year % 100:02d}"
        while True:
            k = self._next_serial.get(prefix, 0)
            self._next_serial[prefix] = k + 1
            if k >= 1_000_000:
                raise RuntimeError(f"no ID numbers left for prefix {prefix}")
            # 618031 is prime to 10**6, so k -> serial is a permutation of 0..999999.
            serial = (self._serial_offset + k * 618_031) % 1_000_000
            number = f"{prefix}{serial:06d}"
            if number not in self._taken:
                return number

    def _phone(self) -> str:
        return f"{self._rng.choice(PHONE_PREFIXES)}{self._rng.randrange(10_000_000):07d}"

    def _address(self) -> str:
        rng = self._rng
        if rng.random() < 0.55:
            return f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, {self._commune}"
        return f"{self._hamlet} {rng.randint(1, 14)}, {self._commune}"

    def _email(self, folded_name: str) -> str:
        parts = folded_name.split()
        return f"{parts[-1]}.{parts[0]}{self._rng.randint(1, 999)}@gmail.com"


def _commune(office: OfficeProfile) -> tuple[str, str, str]:
    """("phường", "Đồng Nguyên", "tỉnh Bắc Ninh") from the office profile."""
    authority = office.parent_authority.upper()
    unit = "phường" if "PHƯỜNG" in authority else "thị trấn" if "THỊ TRẤN" in authority else "xã"
    province = office.province
    if province[:1].isupper():
        province = province[:1].lower() + province[1:]
    return unit, office.place_name, province


class _DueCache:
    """Appointments by the real rules, with the calendar lookups cached per (duration, day).

    Valid only for moments inside a session (the clock starts at once), which is how the demo
    draws them; any other unit or case goes to :func:`compute_due`.
    """

    def __init__(self, calendar: WorkCalendar, cutoff: time) -> None:
        self._cal = calendar
        self._cutoff = cutoff
        self._same_day: dict[tuple[date, bool], datetime] = {}
        self._working: dict[tuple[int, date], tuple[date, tuple[tuple[time, time], ...], datetime]] = {}

    def due(self, duration: Duration, received: datetime) -> datetime:
        unit = duration.unit
        if unit is DurationUnit.SAME_DAY:
            key = (received.date(), received.time() >= self._cutoff)
            hit = self._same_day.get(key)
            if hit is None:
                hit = self._same_day[key] = compute_due(received, duration, self._cal, self._cutoff)
            return hit
        if unit is DurationUnit.WORKING_DAYS and duration.value > 0:
            wkey = (duration.value, received.date())
            entry = self._working.get(wkey)
            if entry is None:
                day = self._cal.nth_working_day_after(received.date(), duration.value)
                sessions = tuple((s.start, s.end) for s in self._cal.sessions_on(day))
                entry = self._working[wkey] = (day, sessions, self._cal.end_of_day(day))
            day, sessions, end = entry
            t = received.time()
            for start, stop in sessions:
                if start <= t < stop:
                    return datetime.combine(day, t)
            return end
        return compute_due(received, duration, self._cal, self._cutoff)


def _span_years(dossiers: int) -> int:
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


def _moments(rng: random.Random, cal: WorkCalendar, start: date, now: datetime, n: int) -> Iterator[datetime]:
    """``n`` received moments on working days from ``start`` to ``now``, in time order."""
    days: list[date] = []
    d = start
    while d <= now.date():
        if cal.is_working_day(d) and (d != now.date() or _day_minutes(cal, d, now)[0]):
            days.append(d)
        d += timedelta(days=1)
    if not days:
        raise ValueError("no working day before the clock's now")
    cum: list[float] = []
    total = 0.0
    full_day = len(_day_minutes(cal, days[0], datetime.combine(days[0], time(23, 59)))[0]) or 1
    for i, day in enumerate(days):
        weight = _day_weight(day, i, len(days))
        if day == now.date():  # today only up to now
            weight *= len(_day_minutes(cal, day, now)[0]) / full_day
        total += weight
        cum.append(total)
    per_day = Counter(rng.choices(range(len(days)), cum_weights=cum, k=n))
    for i, day in enumerate(days):
        k = per_day.get(i, 0)
        if not k:
            continue
        minutes, weights = _day_minutes(cal, day, now)
        midnight = datetime.combine(day, time(0, 0))
        for m in sorted(rng.choices(minutes, weights=weights, k=k)):
            yield midnight + timedelta(minutes=m)


def _status(rng: random.Random, received: datetime, due: datetime, now: datetime) -> Status:
    r = rng.random()
    if due > now:  # still within time
        if (now - received) < timedelta(hours=4):
            return Status.RECEIVED if r < 0.8 else Status.IN_PROGRESS
        for limit, status in ((0.15, Status.RECEIVED), (0.75, Status.IN_PROGRESS), (0.87, Status.SUPPLEMENT)):
            if r < limit:
                return status
        return Status.RESULT_READY
    if (now - due) <= timedelta(days=30):
        table = ((0.70, Status.RETURNED), (0.85, Status.RESULT_READY), (0.91, Status.IN_PROGRESS),
                 (0.94, Status.SUPPLEMENT), (0.97, Status.REFUSED), (0.99, Status.WITHDRAWN))
        fallback = Status.STOPPED
    else:
        # A dossier forgotten for more than a month is rare (1 in 1,000).
        table = ((0.934, Status.RETURNED), (0.959, Status.REFUSED), (0.974, Status.WITHDRAWN),
                 (0.981, Status.STOPPED), (0.989, Status.CLOSED), (0.999, Status.RESULT_READY))
        fallback = Status.IN_PROGRESS
    for limit, status in table:
        if r < limit:
            return status
    return fallback


@dataclass
class _Draft:
    """A dossier before its number is drawn (numbers are drawn inside the write transaction)."""

    procedure: Procedure
    person: _Person
    authorised: _Person | None
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
    restart: tuple[datetime, datetime] | None = None  # (supplement requested, supplemented) the same day


class _Generator:
    def __init__(self, services: Services, seed: int) -> None:
        self.services = services
        self.rng = random.Random(seed)
        self.now = services.clock.now()
        self.office = services.settings.office()
        self.clerks = [m.name for m in services.settings.staff() if m.role == "clerk"] or [""]
        procedures = services.catalog.list(active_only=True)
        if not procedures:
            raise ValueError("the catalog has no active procedure")
        self.procedures = procedures
        self.proc_cum: list[float] = []
        total = 0.0
        for p in procedures:
            total += PROCEDURE_WEIGHTS.get(p.code, DEFAULT_PROCEDURE_WEIGHT)
            self.proc_cum.append(total)
        self.folded_proc = {p.code: fold(p.name) for p in procedures}
        with services.db.read() as s:
            taken = set(s.scalars(select(ApplicantRecord.id_number)))
        self.people = _People(self.rng, self.office, taken)
        self.recent: list[_Person] = []  # people who may come back
        self.due_cache: _DueCache | None = None
        self.cal: WorkCalendar | None = None
        self.granularity = services.lifecycle.granularity()

    def draft(self, received: datetime) -> _Draft:
        rng = self.rng
        p = rng.choices(self.procedures, cum_weights=self.proc_cum)[0]
        if self.recent and rng.random() < 0.3:
            person = self.recent[rng.randrange(len(self.recent))]
        else:
            person = self.people.make(received.date())
            if len(self.recent) < 50_000:
                self.recent.append(person)
            else:
                self.recent[rng.randrange(len(self.recent))] = person
        authorised = self.people.make(received.date()) if rng.random() < 0.06 else None
        r = rng.random()
        if p.online:
            channel = Channel.DIRECT if r < 0.70 else Channel.ONLINE if r < 0.92 else Channel.POSTAL
        elif p.postal_return:
            channel = Channel.DIRECT if r < 0.95 else Channel.POSTAL
        else:
            channel = Channel.DIRECT
        postal_share = 0.3 if channel is not Channel.DIRECT else 0.1
        ret = ReturnMethod.POSTAL if p.postal_return and rng.random() < postal_share else ReturnMethod.COUNTER
        assert self.due_cache is not None
        intake_due = due = self.due_cache.due(p.duration, received)
        intake, restart = received, None
        if rng.random() < RESTART_SHARE:
            # Papers missing at the counter, brought back the same day: the clock restarts.
            asked = received + timedelta(minutes=rng.randint(10, 60))
            back = asked + timedelta(minutes=rng.randint(30, 180))
            assert self.cal is not None
            if back <= self.now and back.date() == received.date() and self.cal.in_session(back):
                restart, received = (asked, back), back
                due = self.due_cache.due(p.duration, back)
        created, reason = intake, ""
        if rng.random() < 0.01:
            created = min(self.now, intake + timedelta(minutes=rng.randint(30, 48 * 60)))
            if created - intake > timedelta(minutes=15):
                reason = BACKDATE_REASON
            else:
                created = intake
        return _Draft(
            procedure=p, person=person, authorised=authorised, channel=channel, return_method=ret,
            received_at=received, due_at=due, status=_status(rng, received, due, self.now),
            clerk=rng.choice(self.clerks), created_at=created, backdate_reason=reason,
            note=rng.choice(NOTES) if rng.random() < 0.03 else "",
            postal_reference=f"RR{rng.randrange(10**9):09d}VN" if channel is Channel.POSTAL else "",
            sets_count=2 if rng.random() < 0.04 else 1,
            intake_at=intake, intake_due_at=intake_due, restart=restart,
        )


def _read_counters(s: Session, names: set[str]) -> dict[str, int]:
    rows = s.execute(select(CounterRecord.name, CounterRecord.value).where(CounterRecord.name.in_(names)))
    return {name: value for name, value in rows}


class _History:
    """What happened to a demo dossier after intake, written as LifecycleService records it.

    Events go into the chunk's event rows and apology letters into ``letters``; :meth:`write`
    returns the dossier columns those events set. Moments fall inside office sessions, in
    order, never after the clock's now; settled dossiers come out early, on time or late in the
    shares above, and most late ones carry a letter signed on their due day (too late to move
    the appointment, as in real life), so the registers and reports have real content.
    """

    def __init__(self, gen: _Generator, s: Session) -> None:
        assert gen.cal is not None
        self.rng, self.cal, self.now = gen.rng, gen.cal, gen.now
        self.office = gen.office
        self.granularity = gen.granularity
        self.letters: list[dict[str, Any]] = []
        self._letter_events: list[dict[str, Any]] = []
        self._next_letter = (s.scalar(select(func.max(ApologyLetterRecord.id))) or 0) + 1
        self.batches: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self._batches: dict[date, dict[str, Any]] = {}
        self._item_events: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
        self._next_batch = (s.scalar(select(func.max(PostalBatchRecord.id))) or 0) + 1
        self._next_item = (s.scalar(select(func.max(PostalItemRecord.id))) or 0) + 1

    # -- moments ------------------------------------------------------------------------------
    def _at_on(self, day: date, after: datetime, before: datetime) -> datetime | None:
        """A minute in a session of ``day``, after ``after`` and before ``before``."""
        segments: list[tuple[datetime, int]] = []
        total = 0
        for session in self.cal.sessions_on(day):
            a = max(datetime.combine(day, session.start), after + timedelta(minutes=1))
            b = min(datetime.combine(day, session.end), before)
            minutes = int((b - a).total_seconds() // 60)
            if minutes > 0:
                segments.append((a, minutes))
                total += minutes
        if not total:
            return None
        k = self.rng.randrange(total)
        for a, minutes in segments:
            if k < minutes:
                return a + timedelta(minutes=k)
            k -= minutes
        raise AssertionError("unreachable")

    def _step(self, after: datetime, days: int, before: datetime) -> datetime:
        """A moment in office hours ``days`` working days after ``after`` (0: the same day),
        no later than ``before``; nearer when that is too far."""
        cal = self.cal
        days = max(0, min(days, cal.working_days_between(after.date(), before.date())))
        day = after.date()
        if days or not cal.is_working_day(day):
            day = cal.nth_working_day_after(day, max(days, 1))
        for _ in range(3):
            if day > before.date():
                break
            found = self._at_on(day, after, before)
            if found is not None:
                return found
            day = cal.next_working_day(day)
        return after if before <= after else min(after + timedelta(minutes=1), before)

    def _settle_moment(self, after: datetime, due: datetime) -> datetime:
        """When the result reached the office: early, on time or late in the demo's shares."""
        cal, now, rng = self.cal, self.now, self.rng
        if due > now:  # still within time: some moment up to now
            return self._step(after, rng.randint(0, 3), now)
        r = rng.random()
        if r < EARLY_SHARE:
            last_early = cal.previous_working_day(due.date())
            span = cal.working_days_between(after.date(), last_early)
            if span >= 0:
                end = min(cal.end_of_day(last_early), now)
                found = self._step(after, rng.randint(0, span), end)
                if found.date() < due.date():
                    return found
        if r < EARLY_SHARE + ON_TIME_SHARE:
            end = due if self.granularity == "minute" else cal.end_of_day(due.date())
            found = self._at_on(due.date(), max(after, datetime.combine(due.date(), time.min)), min(end, now))
            if found is not None:
                return found
        return self._step(max(after, due), rng.choice((1, 1, 1, 2, 2, 3, 5, 8)), now)

    # -- rows ---------------------------------------------------------------------------------
    @staticmethod
    def _event(events: list[dict[str, Any]], dossier_id: int, at: datetime, kind: str, actor: str,
               from_unit: str, to_unit: str, note: str, data: dict[str, Any]) -> dict[str, Any]:
        row = {"dossier_id": dossier_id, "at": at, "kind": kind, "actor": actor, "from_unit": from_unit,
               "to_unit": to_unit, "note": note, "data": json.dumps(data, ensure_ascii=False)}
        events.append(row)
        return row

    def write(self, d: _Draft, dossier_id: int, events: list[dict[str, Any]]) -> dict[str, Any]:
        """Append the dossier's events after intake; return the columns they set."""
        rng, now, office = self.rng, self.now, self.office.office_name
        cols: dict[str, Any] = {
            "intake_at": d.intake_at, "current_unit": office, "supplement_requested_at": None,
            "settled_at": None, "returned_at": None, "returned_to": "", "rating": "", "rating_comment": "",
            "original_due_at": d.due_at, "extended_due_at": None, "extension_recorded_at": None,
            "late_reason": "", "responsible_unit": "",
        }
        status, at, who = Status.RECEIVED, d.intake_at, d.person.full_name

        def record(move: Move, when: datetime, to: Status, from_unit: str, to_unit: str, note: str = "",
                   **data: Any) -> None:
            nonlocal status, at
            self._event(events, dossier_id, when, move.value, d.clerk, from_unit, to_unit, note,
                        {"from_status": status.value, "to_status": to.value, **data})
            status, at = to, when

        if d.restart:
            asked, back = d.restart
            reason = rng.choice(SUPPLEMENT_REASONS)
            papers = [{"name": rng.choice(SUPPLEMENT_PAPERS), "kind": "original", "count": 1}]
            record(Move.SUPPLEMENT, asked, Status.SUPPLEMENT, office, office, reason, papers=papers, reason=reason)
            record(Move.SUPPLEMENTED, back, Status.RECEIVED, who, office,
                   old_received_at=_iso(d.intake_at), old_due_at=_iso(d.intake_due_at),
                   old_original_due_at=_iso(d.intake_due_at), old_extended_due_at=None,
                   new_received_at=_iso(back), new_due_at=_iso(d.due_at), supplement_requested_at=_iso(asked))
        target = d.status
        if target is Status.RECEIVED:
            return cols
        unit = d.procedure.handling_unit or office
        same_day = d.procedure.duration.unit is DurationUnit.SAME_DAY
        early_exit = target in (Status.SUPPLEMENT, Status.CLOSED, Status.WITHDRAWN) and rng.random() < 0.5
        at_counter = same_day and rng.random() < 0.7  # chứng thực: settled at the counter itself
        if target is Status.IN_PROGRESS or (not early_exit and not at_counter and unit != office):
            record(Move.HAND_OVER, self._step(at, rng.choice((0, 0, 1)), now), Status.IN_PROGRESS, office, unit)
            cols["current_unit"] = unit
        where = cols["current_unit"]

        if target in (Status.SUPPLEMENT, Status.CLOSED):
            reason = rng.choice(SUPPLEMENT_REASONS)
            papers = [{"name": rng.choice(SUPPLEMENT_PAPERS), "kind": "original", "count": 1}]
            asked = self._step(at, rng.randint(0, 2), now)
            record(Move.SUPPLEMENT, asked, Status.SUPPLEMENT, where, office, reason, papers=papers, reason=reason)
            cols.update(current_unit=office, supplement_requested_at=asked)
            if target is Status.CLOSED and asked + timedelta(days=15) <= now:
                record(Move.CLOSED, self._step(asked + timedelta(days=15), rng.randint(0, 3), now), Status.CLOSED,
                       office, "", CLOSE_REASON, reason=CLOSE_REASON)
                cols["current_unit"] = ""
            return cols
        if target is Status.WITHDRAWN:
            reason = rng.choice(WITHDRAW_REASONS)
            record(Move.WITHDRAWN, self._step(at, rng.randint(0, 3), min(now, max(at, d.due_at))), Status.WITHDRAWN,
                   where, who, reason, reason=reason)
            cols["current_unit"] = ""
            return cols
        if target not in SETTLED:  # still being worked on, maybe past its due date
            if d.due_at < now and rng.random() < 0.5:
                self._letter(d, dossier_id, events, cols, at, None)
            return cols

        settled = self._settle_moment(at, d.due_at)
        timeliness = classify(settled, d.due_at, self.granularity)
        if timeliness is Timeliness.LATE and rng.random() < LETTER_SHARE:
            self._letter(d, dossier_id, events, cols, at, settled)
        if target in (Status.REFUSED, Status.STOPPED):
            reason = rng.choice(REFUSAL_REASONS if target is Status.REFUSED else STOP_REASONS)
            move = Move.REFUSED if target is Status.REFUSED else Move.STOPPED
            record(move, settled, target, where, office, reason, reason=reason, timeliness=timeliness.value)
            cols.update(current_unit=office, settled_at=settled)
            return cols
        record(Move.RESULT_READY, settled, Status.RESULT_READY, where if where != office else unit, office,
               timeliness=timeliness.value)
        cols.update(current_unit=office, settled_at=settled)
        if target is Status.RETURNED and d.return_method is ReturnMethod.POSTAL:
            self._post(d, dossier_id, events, cols, settled)
        elif target is Status.RETURNED:
            returned = self._step(settled, rng.choice((0, 0, 0, 1, 1, 2, 3, 5)), now)
            taken_by = d.authorised.full_name if d.authorised else who
            r = rng.random()
            rating = "" if r < 0.08 else "very_satisfied" if r < 0.62 else "satisfied" if r < 0.95 else "dissatisfied"
            comment = rng.choice(RATING_COMMENTS) if rating and rng.random() < 0.15 else ""
            record(Move.RETURNED, returned, Status.RETURNED, office, taken_by, taken_by=taken_by, rating=rating,
                   rating_label=SATISFACTION_LEVELS.get(rating, ""), rating_comment=comment)
            cols.update(returned_at=returned, returned_to=taken_by, rating=rating, rating_comment=comment)
        return cols

    def _post(self, d: _Draft, dossier_id: int, events: list[dict[str, Any]], cols: dict[str, Any],
              settled: datetime) -> None:
        """The result handed to the post office on the day's handover list, then delivered
        (most) or not (a few), as PostalService records it."""
        rng, now = self.rng, self.now
        handed = self._step(settled, rng.choice((0, 0, 1)), now)
        day = handed.date()
        batch = self._batches.get(day)
        if batch is None:
            batch = self._batches[day] = {
                "id": self._next_batch, "year": day.year, "number": None, "created_at": handed, "created_by": d.clerk,
                "postal_employee": "Nhân viên Bưu điện văn hóa xã",
            }
            self._next_batch += 1
            self.batches.append(batch)
        batch["created_at"] = max(batch["created_at"], handed)
        item_id = self._next_item
        self._next_item += 1
        waybill = f"EB{item_id:09d}VN"
        recipient = d.authorised.full_name if d.authorised else d.person.full_name
        item: dict[str, Any] = {
            "id": item_id, "dossier_id": dossier_id, "batch_id": batch["id"], "position": 0, "waybill": waybill,
            "recipient_name": recipient, "recipient_address": d.person.address, "recipient_phone": d.person.phone,
            "state": "handed_over", "handed_over_at": handed, "delivered_at": None, "failed_at": None,
            "returned_at": None, "note": "",
        }
        self.items.append(item)
        event = self._event(events, dossier_id, handed, Move.RETURNED.value, d.clerk, self.office.office_name,
                            "Nhân viên Bưu điện văn hóa xã", "", {})
        self._item_events.append((batch, item, event))
        cols.update(returned_at=handed, returned_to=recipient)
        if now - handed > timedelta(days=3):
            outcome = self._step(handed, rng.choice((1, 1, 2, 3)), now)
            delivered = rng.random() < 0.95
            item["state"] = "delivered" if delivered else "failed"
            item["delivered_at" if delivered else "failed_at"] = outcome
            self._item_events.append((batch, item, self._event(
                events, dossier_id, outcome, "postal_delivered" if delivered else "postal_failed", d.clerk,
                "Bưu chính công ích", recipient, "", {},
            )))

    def _letter(self, d: _Draft, dossier_id: int, events: list[dict[str, Any]], cols: dict[str, Any],
                after: datetime, settled: datetime | None) -> None:
        """An apology letter signed on the due day (or the first day after ``after``) and handed
        over minutes later; numbered per year by :meth:`number_letters`."""
        rng, cal, office = self.rng, self.cal, self.office
        limit = settled or self.now
        signed = self._step(max(after, datetime.combine(d.due_at.date(), time.min)), 0, limit)
        delivered = min(signed + timedelta(minutes=rng.randint(5, 40)), limit)
        if settled is not None:
            proposed = cal.end_of_day(settled.date()) if cal.is_working_day(settled.date()) else settled
        else:
            proposed = cal.end_of_day(cal.nth_working_day_after(max(d.due_at, signed).date(), 2))
        reason = rng.choice(APOLOGY_REASONS[:-1])
        unit = cols["current_unit"] if cols["current_unit"] != office.office_name else d.procedure.handling_unit
        letter_id = self._next_letter
        self._next_letter += 1
        self.letters.append({
            "id": letter_id, "dossier_id": dossier_id, "year": signed.year, "number": None,
            "status": LetterStatus.DELIVERED.value, "auto": True, "created_at": signed, "reason": reason,
            "reason_detail": "", "responsible_unit": unit, "original_due_at": d.due_at, "proposed_due_at": proposed,
            "signer_name": office.head_name, "signer_title": office.head_title,
            "signer_prefix": office.head_sign_prefix, "confirmed_at": signed, "confirmed_by": office.head_name,
            "delivered_at": delivered, "delivery_method": rng.choice(DELIVERY_METHODS), "override": False,
            "override_by": "", "override_reason": "",
        })
        self._letter_events.append(self._event(
            events, dossier_id, signed, "apology", office.head_name, office.office_name, d.person.full_name, reason, {},
        ))
        self._event(events, dossier_id, delivered, "apology_delivered", d.clerk, "", "",
                    self.letters[-1]["delivery_method"], {"letter_id": letter_id})
        # Signed on the due day: too late to move the appointment (domain.lifecycle.extension_counts).
        cols.update(extended_due_at=proposed, extension_recorded_at=signed, late_reason=reason, responsible_unit=unit)

    def counter_names(self) -> set[str]:
        return {f"apology:{x['year']}" for x in self.letters} | {f"postal_batch:{b['year']}" for b in self.batches}

    def number_batches(self, counters: dict[str, int]) -> None:
        """Number the chunk's handover lists by day, continuing each year's series, and write
        the list number into each item's position and events."""
        for batch in sorted(self.batches, key=lambda b: b["created_at"]):
            key = f"postal_batch:{batch['year']}"
            counters[key] = batch["number"] = counters.get(key, 0) + 1
        positions: dict[int, int] = {}
        for batch, item, event in self._item_events:
            text = f"{batch['number']:02d}/{batch['year']}/BGBC"
            if event["kind"] == Move.RETURNED.value:
                positions[batch["id"]] = item["position"] = positions.get(batch["id"], 0) + 1
                event["note"] = f"Giao bưu điện theo danh sách bàn giao số {text}"
                data = {"from_status": Status.RESULT_READY.value, "to_status": Status.RETURNED.value,
                        "taken_by": item["recipient_name"], "via": "postal", "postal_batch": text,
                        "waybill": item["waybill"], "recipient": item["recipient_name"],
                        "address": item["recipient_address"], "phone": item["recipient_phone"],
                        "postal_employee": batch["postal_employee"]}
            else:
                to_state = "delivered" if event["kind"] == "postal_delivered" else "failed"
                event["note"] = f"{'Đã phát thành công' if to_state == 'delivered' else 'Phát không thành công'} (bưu gửi {item['waybill']})"
                data = {"waybill": item["waybill"], "postal_batch": text, "from_state": "handed_over", "to_state": to_state}
            event["data"] = json.dumps(data, ensure_ascii=False)

    def number_letters(self, counters: dict[str, int]) -> None:
        """Number the chunk's letters in signing order, continuing each year's register."""
        pairs = sorted(zip(self.letters, self._letter_events, strict=True), key=lambda p: (p[0]["confirmed_at"], p[0]["id"]))
        for letter, event in pairs:
            key = f"apology:{letter['year']}"
            counters[key] = letter["number"] = counters.get(key, 0) + 1
            event["data"] = json.dumps({
                "letter_id": letter["id"], "number": letter["number"], "year": letter["year"],
                "proposed_due_at": _iso(letter["proposed_due_at"]), "extension_counts": False, "override": False,
            })


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


def _write_chunk(gen: _Generator, s: Session, drafts: list[_Draft]) -> None:
    """Draw numbers and write one chunk; runs inside one write transaction."""
    office = gen.office
    agency = office.agency_id
    code_names = {f"code:{agency}:{d.intake_at:%y%m%d}" for d in drafts}
    ledger_names = {f"ledger:{d.intake_at.year}" for d in drafts}
    before = _read_counters(s, code_names | ledger_names)
    counters = dict(before)
    next_dossier = (s.scalar(select(func.max(DossierRecord.id))) or 0) + 1
    next_applicant = (s.scalar(select(func.max(ApplicantRecord.id))) or 0) + 1
    applicants: list[dict[str, Any]] = []
    dossiers: list[dict[str, Any]] = []
    papers: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    history = _History(gen, s)
    for d in drafts:
        person, p, at = d.person, d.procedure, d.intake_at
        if person.applicant_id is None:
            person.applicant_id = next_applicant
            next_applicant += 1
            applicants.append({
                "id": person.applicant_id, "id_number": person.id_number, "full_name": person.full_name,
                "birth_date": person.birth_date, "phone": person.phone, "address": person.address,
                "email": person.email, "updated_at": d.created_at,
            })
        code_key = f"code:{agency}:{at:%y%m%d}"
        ledger_key = f"ledger:{at.year}"
        counters[code_key] = counters.get(code_key, 0) + 1
        counters[ledger_key] = counters.get(ledger_key, 0) + 1
        code = format_dossier_code(agency, at.date(), counters[code_key])
        auth = d.authorised
        # The same parts, in the same order, as dossier_service.build_search_text (a test
        # checks they agree); built here from cached folds because folding is the slow part.
        search_text = " ".join(x for x in (
            person.folded_name, code, person.id_number, person.phone, p.code,
            gen.folded_proc[p.code], auth.folded_name if auth else "",
        ) if x)
        dossier_id = next_dossier
        next_dossier += 1
        dossiers.append({
            "id": dossier_id, "code": code, "agency_id": agency, "ledger_book": str(at.year),
            "ledger_number": counters[ledger_key], "procedure_id": p.id, "procedure_code": p.code,
            "procedure_name": p.name, "field": p.field, "deciding_agency": p.deciding_agency,
            "handling_unit": p.handling_unit, "duration_value": p.duration.value,
            "duration_unit": p.duration.unit.value, "applicant_id": person.applicant_id,
            "applicant_name": person.full_name, "applicant_id_number": person.id_number,
            "applicant_birth_date": person.birth_date, "applicant_phone": person.phone,
            "applicant_address": person.address, "applicant_email": person.email,
            "authorised_name": auth.full_name if auth else "",
            "authorised_id_number": auth.id_number if auth else "",
            "authorised_phone": auth.phone if auth else "",
            "channel": d.channel.value, "return_method": d.return_method.value,
            "return_address": person.address if d.return_method is ReturnMethod.POSTAL else "",
            "postal_reference": d.postal_reference, "sets_count": d.sets_count,
            "fee_amount": p.total_fee, "note": d.note, "received_at": d.received_at, "due_at": d.due_at,
            "computed_due_at": d.intake_due_at, "due_override_reason": "",
            "backdate_reason": d.backdate_reason, "status": d.status.value, "clerk_name": d.clerk,
            "created_at": d.created_at, "search_text": search_text,
        })
        for i, paper in enumerate(p.papers, start=1):
            papers.append({"dossier_id": dossier_id, "position": i, "name": paper.name,
                           "kind": paper.kind.value, "count": paper.count, "provided": True})
        events.append({
            "dossier_id": dossier_id, "at": at, "kind": "received", "actor": d.clerk,
            "from_unit": person.full_name, "to_unit": office.office_name,
            "note": f"Nhập lùi: {d.backdate_reason}" if d.backdate_reason else "", "data": "{}",
        })
        dossiers[-1].update(history.write(d, dossier_id, events))
    extra = _read_counters(s, history.counter_names() - before.keys())
    before.update(extra)
    counters.update(extra)
    history.number_letters(counters)
    history.number_batches(counters)
    conn = s.connection()
    if applicants:
        conn.execute(insert(ApplicantRecord.__table__), applicants)
    conn.execute(insert(DossierRecord.__table__), dossiers)
    if papers:
        conn.execute(insert(DossierPaperRecord.__table__), papers)
    conn.execute(insert(DossierEventRecord.__table__), events)
    if history.letters:
        conn.execute(insert(ApologyLetterRecord.__table__), history.letters)
    if history.batches:
        conn.execute(insert(PostalBatchRecord.__table__), history.batches)
        conn.execute(insert(PostalItemRecord.__table__), history.items)
    changed = [{"n": k, "v": v} for k, v in counters.items() if k in before and before[k] != v]
    added = [{"name": k, "value": v} for k, v in counters.items() if k not in before]
    if changed:
        table = CounterRecord.__table__
        conn.execute(
            update(table).where(table.c.name == bindparam("n")).values(value=bindparam("v")), changed
        )
    if added:
        conn.execute(insert(CounterRecord.__table__), added)


# -- the search index --------------------------------------------------------------------------

_FTS_TRIGGER = "dossiers_fts_ai"


def _suspend_fts_insert_trigger(s: Session) -> str | None:
    """Drop the insert trigger for this transaction; returns its SQL to recreate it."""
    sql = s.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"), {"n": _FTS_TRIGGER}
    ).scalar()
    if sql:
        s.execute(text(f"DROP TRIGGER {_FTS_TRIGGER}"))
    return sql


def _index_range(s: Session, first_id: int, last_id: int) -> None:
    s.execute(
        text("INSERT INTO dossier_fts(rowid, search_text) SELECT id, search_text FROM dossiers "
             "WHERE id BETWEEN :a AND :b"),
        {"a": first_id, "b": last_id},
    )


# -- public API --------------------------------------------------------------------------------


def generate_demo(services: Services, dossiers: int, seed: int = 1, progress: Progress | None = None) -> int:
    """Write ``dossiers`` synthetic dossiers received over the last years; returns how many."""
    if dossiers < 0:
        raise ValueError("dossiers must not be negative")
    if dossiers == 0:
        return 0
    gen = _Generator(services, seed)
    now = gen.now
    start = now.date() - timedelta(days=365 * _span_years(dossiers))
    services.calendar.ensure_years(range(start.year - 1, now.year + 2))
    cal = services.calendar.calendar()
    gen.cal = cal
    gen.due_cache = _DueCache(cal, services.settings.hours().same_day_cutoff)
    db = services.db
    written = 0
    chunk: list[_Draft] = []

    def flush() -> bool:
        nonlocal written
        with db.write() as s:
            trigger_sql = _suspend_fts_insert_trigger(s) if db.is_sqlite else None
            first = (s.scalar(select(func.max(DossierRecord.id))) or 0) + 1
            _write_chunk(gen, s, chunk)
            if trigger_sql:
                # Index the chunk in one statement, then put the trigger back, all inside the
                # transaction: a concurrent writer never sees the trigger missing.
                _index_range(s, first, first + len(chunk) - 1)
                s.execute(text(trigger_sql))
        written += len(chunk)
        chunk.clear()
        log.info("Demo: %d/%d dossiers written", written, dossiers)
        return not (progress is not None and progress(written, dossiers) is False)

    for received in _moments(gen.rng, cal, start, now, dossiers):
        chunk.append(gen.draft(received))
        if len(chunk) >= CHUNK_SIZE and not flush():
            return written
    if chunk:
        flush()
    return written


def ensure_demo(services: Services, dossiers: int = DEMO_DOSSIERS) -> int:
    """Seed the demo database once; later calls write nothing. Returns dossiers written."""
    if services.settings.get_value(DEMO_FLAG_KEY):
        return 0
    n = generate_demo(services, dossiers, seed=1)
    services.settings.set_value(DEMO_FLAG_KEY, {"dossiers": n, "at": services.clock.now().isoformat()})
    return n
