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
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.procedure import Duration, DurationUnit, Procedure
from tthc_desk.domain.text import fold
from tthc_desk.services.demo_data import (
    BACKDATE_REASON,
    DEFAULT_PROCEDURE_WEIGHT,
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
    STREETS,
)
from tthc_desk.services.demo_history import History as _History

if TYPE_CHECKING:
    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)

DEMO_FLAG_KEY = "demo_seeded"
DEMO_DOSSIERS = 2_000
CHUNK_SIZE = 20_000
RESTART_SHARE = 0.02  # papers missing at the counter, brought back the same day

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
        self._working: dict[
            tuple[int, date], tuple[date, tuple[tuple[time, time], ...], datetime]
        ] = {}

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


def _moments(
    rng: random.Random, cal: WorkCalendar, start: date, now: datetime, n: int
) -> Iterator[datetime]:
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
        for limit, status in (
            (0.15, Status.RECEIVED),
            (0.75, Status.IN_PROGRESS),
            (0.87, Status.SUPPLEMENT),
        ):
            if r < limit:
                return status
        return Status.RESULT_READY
    if (now - due) <= timedelta(days=30):
        table = (
            (0.70, Status.RETURNED),
            (0.85, Status.RESULT_READY),
            (0.91, Status.IN_PROGRESS),
            (0.94, Status.SUPPLEMENT),
            (0.97, Status.REFUSED),
            (0.99, Status.WITHDRAWN),
        )
        fallback = Status.STOPPED
    else:
        # A dossier forgotten for more than a month is rare (1 in 1,000).
        table = (
            (0.934, Status.RETURNED),
            (0.959, Status.REFUSED),
            (0.974, Status.WITHDRAWN),
            (0.981, Status.STOPPED),
            (0.989, Status.CLOSED),
            (0.999, Status.RESULT_READY),
        )
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
    restart: tuple[datetime, datetime] | None = (
        None  # (supplement requested, supplemented) the same day
    )


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
        with services.db.session() as s:
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
        ret = (
            ReturnMethod.POSTAL
            if p.postal_return and rng.random() < postal_share
            else ReturnMethod.COUNTER
        )
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
            procedure=p,
            person=person,
            authorised=authorised,
            channel=channel,
            return_method=ret,
            received_at=received,
            due_at=due,
            status=_status(rng, received, due, self.now),
            clerk=rng.choice(self.clerks),
            created_at=created,
            backdate_reason=reason,
            note=rng.choice(NOTES) if rng.random() < 0.03 else "",
            postal_reference=f"RR{rng.randrange(10**9):09d}VN" if channel is Channel.POSTAL else "",
            sets_count=2 if rng.random() < 0.04 else 1,
            intake_at=intake,
            intake_due_at=intake_due,
            restart=restart,
        )


def _read_counters(s: Session, names: set[str]) -> dict[str, int]:
    rows = s.execute(
        select(CounterRecord.name, CounterRecord.value).where(CounterRecord.name.in_(names))
    )
    return {name: value for name, value in rows}


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
            applicants.append(
                {
                    "id": person.applicant_id,
                    "id_number": person.id_number,
                    "full_name": person.full_name,
                    "birth_date": person.birth_date,
                    "phone": person.phone,
                    "address": person.address,
                    "email": person.email,
                    "updated_at": d.created_at,
                }
            )
        code_key = f"code:{agency}:{at:%y%m%d}"
        ledger_key = f"ledger:{at.year}"
        counters[code_key] = counters.get(code_key, 0) + 1
        counters[ledger_key] = counters.get(ledger_key, 0) + 1
        code = format_dossier_code(agency, at.date(), counters[code_key])
        auth = d.authorised
        # The same parts, in the same order, as dossier_service.build_search_text (a test
        # checks they agree); built here from cached folds because folding is the slow part.
        search_text = " ".join(
            x
            for x in (
                person.folded_name,
                code,
                person.id_number,
                person.phone,
                p.code,
                gen.folded_proc[p.code],
                auth.folded_name if auth else "",
            )
            if x
        )
        dossier_id = next_dossier
        next_dossier += 1
        dossiers.append(
            {
                "id": dossier_id,
                "code": code,
                "agency_id": agency,
                "ledger_book": str(at.year),
                "ledger_number": counters[ledger_key],
                "procedure_id": p.id,
                "procedure_code": p.code,
                "procedure_name": p.name,
                "field": p.field,
                "deciding_agency": p.deciding_agency,
                "handling_unit": p.handling_unit,
                "duration_value": p.duration.value,
                "duration_unit": p.duration.unit.value,
                "applicant_id": person.applicant_id,
                "applicant_name": person.full_name,
                "applicant_id_number": person.id_number,
                "applicant_birth_date": person.birth_date,
                "applicant_phone": person.phone,
                "applicant_address": person.address,
                "applicant_email": person.email,
                "authorised_name": auth.full_name if auth else "",
                "authorised_id_number": auth.id_number if auth else "",
                "authorised_phone": auth.phone if auth else "",
                "channel": d.channel.value,
                "return_method": d.return_method.value,
                "return_address": person.address if d.return_method is ReturnMethod.POSTAL else "",
                "postal_reference": d.postal_reference,
                "sets_count": d.sets_count,
                "fee_amount": p.total_fee,
                "note": d.note,
                "received_at": d.received_at,
                "due_at": d.due_at,
                "computed_due_at": d.intake_due_at,
                "due_override_reason": "",
                "backdate_reason": d.backdate_reason,
                "status": d.status.value,
                "clerk_name": d.clerk,
                "created_at": d.created_at,
                "search_text": search_text,
            }
        )
        for i, paper in enumerate(p.papers, start=1):
            papers.append(
                {
                    "dossier_id": dossier_id,
                    "position": i,
                    "name": paper.name,
                    "kind": paper.kind.value,
                    "count": paper.count,
                    "provided": True,
                }
            )
        events.append(
            {
                "dossier_id": dossier_id,
                "at": at,
                "kind": "received",
                "actor": d.clerk,
                "from_unit": person.full_name,
                "to_unit": office.office_name,
                "note": f"Nhập lùi: {d.backdate_reason}" if d.backdate_reason else "",
                "data": "{}",
            }
        )
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
            update(table).where(table.c.name == bindparam("n")).values(value=bindparam("v")),
            changed,
        )
    if added:
        conn.execute(insert(CounterRecord.__table__), added)


# -- the search index --------------------------------------------------------------------------

_FTS_TRIGGER = "dossiers_fts_ai"


def _suspend_fts_insert_trigger(s: Session) -> str | None:
    """Drop the insert trigger for this transaction; returns its SQL to recreate it."""
    sql = s.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
        {"n": _FTS_TRIGGER},
    ).scalar()
    if sql:
        s.execute(text(f"DROP TRIGGER {_FTS_TRIGGER}"))
    return sql


def _index_range(s: Session, first_id: int, last_id: int) -> None:
    s.execute(
        text(
            "INSERT INTO dossier_fts(rowid, search_text) SELECT id, search_text FROM dossiers "
            "WHERE id BETWEEN :a AND :b"
        ),
        {"a": first_id, "b": last_id},
    )


# -- public API --------------------------------------------------------------------------------


def generate_demo(
    services: Services, dossiers: int, seed: int = 1, progress: Progress | None = None
) -> int:
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
        with db.session(write=True) as s:
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
    services.settings.set_value(
        DEMO_FLAG_KEY, {"dossiers": n, "at": services.clock.now().isoformat()}
    )
    return n
