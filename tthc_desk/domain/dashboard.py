"""The head of office's dashboard: what a period's figures say, pure over the report's dossiers.

The figures come from a period's Biểu 06a report (:class:`~tthc_desk.domain.report.Report`, as of
the period's end); this module turns them into what the dashboard and the monthly briefing show:

- :func:`period_figures` — the counts the tiles and the 766 indicators need;
- :func:`trend_points` — the 12-month trend, summed from the report facts' day counts (early,
  on time, late settled per day), each reporting month as its 06a report counts it;
- :func:`tiles` — one tile per plan target (rules.md "Plan targets") and per channel share, with
  the change from the previous period of the same kind;
- :func:`breakdown` — counts by outcome per field, handling unit or receiving clerk, each row
  naming its dossier codes for the click-through;
- :func:`late_groups` — late dossiers by responsible unit or by reason;
- :func:`at_risk_groups` — what will be late: running dossiers due soon, by the unit holding them;
- :func:`indicators` — the office's Bộ chỉ số 766 as the province will see it (reference.md §8),
  with the points of each indicator under the published rule (:func:`points`).

Every share is a fraction 0–1, or None when there is nothing to divide by. Names and reasons are
codes; :mod:`tthc_desk.presentation` words them. An empty unit, reason or clerk name stays ``""``
(the dossier did not say): the UI and printing word it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tthc_desk.domain import periods
from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.dossier import Channel, Status
from tthc_desk.domain.lifecycle import Rating
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.periods import Period, PeriodKind
from tthc_desk.domain.procedure import DurationUnit
from tthc_desk.domain.report import Outcome, Report, ReportDossier, Targets, share
from tthc_desk.domain.scans import DigitisationCounts


# -- the figures of a period ------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodFigures:
    """The counts of one period that the tiles, the trend and the 766 indicators need.

    ``received`` … ``pending_overdue`` are Biểu 06a's total row, columns 3 and 6–13;
    ``new_*`` split the dossiers first received in the period by channel (columns 4 and 5, the
    latter split into direct and postal); the rest are the report's extra figures.
    """

    received: int = 0  # (3): received in the period or carried over
    carried_over: int = 0  # (6)
    new_direct: int = 0
    new_postal: int = 0
    new_online: int = 0  # (4)
    settled: int = 0  # (7)
    early: int = 0  # (8)
    on_time: int = 0  # (9)
    late: int = 0  # (10)
    pending: int = 0  # (11)
    pending_within: int = 0  # (12)
    pending_overdue: int = 0  # (13)
    late_total: int = 0  # settled late or overdue at the end
    late_with_letter: int = 0  # of them, with an apology letter signed by the end
    rated: int = 0  # ratings given at a return in the period
    very_satisfied: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    returned_total: int = 0  # results returned in the period, at the counter or by post
    returned_postal: int = 0  # of them, handed to the post office
    procedures_postal: int = 0  # active procedures that allow a postal return
    procedures_total: int = 0

    @property
    def new_total(self) -> int:
        return self.new_direct + self.new_postal + self.new_online

    @property
    def early_share(self) -> float | None:
        return share(self.early, self.settled)

    @property
    def on_time_share(self) -> float | None:
        """Settled early or on time, of those settled (the plan's >95 % target)."""
        return share(self.early + self.on_time, self.settled)

    @property
    def exactly_on_time_share(self) -> float | None:
        """Settled on the due day itself (the trend's middle band)."""
        return share(self.on_time, self.settled)

    @property
    def late_share(self) -> float | None:
        return share(self.late, self.settled)


def period_figures(report: Report) -> PeriodFigures:
    """The figures of ``report``'s period (as of its end), from its total row and extra figures
    alone: a report built without its dossier list (``compute(dossiers=False)``) gives the same.
    Those first received in the period by channel: online is column (4); column (5), direct or
    by post, less those received by post."""
    t, x = report.total, report.extra
    return PeriodFigures(
        received=t.received_total,
        carried_over=t.carried_over,
        new_direct=t.received_direct_postal - x.received_postal,
        new_postal=x.received_postal,
        new_online=t.received_online,
        settled=t.settled_total,
        early=t.early,
        on_time=t.on_time,
        late=t.late,
        pending=t.pending_total,
        pending_within=t.pending_within,
        pending_overdue=t.pending_overdue,
        late_total=x.late_total,
        late_with_letter=x.late_with_letter,
        rated=x.rated,
        very_satisfied=x.very_satisfied,
        satisfied=x.satisfied,
        dissatisfied=x.dissatisfied,
        returned_total=x.returned_total,
        returned_postal=x.returned_postal,
        procedures_postal=x.procedures_postal,
        procedures_total=x.procedures_total,
    )


def previous_period(period: Period, cutoff: bool = True, week_start: int = 0) -> Period:
    """The period of the same kind just before ``period`` (a custom range: the range of the same
    length ending the day before it starts)."""
    day_before = period.start - timedelta(days=1)
    if period.kind is PeriodKind.WEEK:
        return periods.week_of(day_before, week_start)
    if period.kind is PeriodKind.CUSTOM:
        return periods.custom(day_before - (period.end - period.start), day_before)
    return periods.containing(period.kind, day_before, cutoff)


def trend_months(last_day: date, cutoff: bool = True, count: int = 12) -> tuple[Period, ...]:
    """The ``count`` reporting months ending with the one that contains ``last_day``, oldest
    first (with the cut-off on the 15th unless ``cutoff`` is False)."""
    months = [periods.containing(PeriodKind.MONTH, last_day, cutoff)]
    while len(months) < count:
        months.append(
            periods.containing(PeriodKind.MONTH, months[-1].start - timedelta(days=1), cutoff)
        )
    return tuple(reversed(months))


# -- tiles ------------------------------------------------------------------------------------
class TileKind(StrEnum):
    """A tile of the dashboard: the four plan targets, then the channel shares."""

    ON_TIME = "on_time"  # settled early or on time, of those settled (target > 95 %)
    EARLY = "early"  # settled early (target ≥ 60 %)
    APOLOGISED = "apologised"  # late dossiers with an apology letter (target 100 %)
    SATISFIED = "satisfied"  # satisfied or very satisfied, of the ratings (target > 90 %)
    ONLINE = "online"  # received online, of the dossiers received in the period
    POSTAL_RECEIVED = "postal_received"  # received by post, of those received in the period
    POSTAL_RETURNED = "postal_returned"  # results returned by post, of the results returned


@dataclass(frozen=True)
class Tile:
    kind: TileKind
    value: float | None  # None: nothing to measure in the period
    numerator: int
    denominator: int
    target: float | None  # None: no plan target (a share shown for information)
    strict: bool  # the target is "more than" (True) or "at least" (False)
    previous: float | None  # the same figure in the previous period of the same kind

    @property
    def met(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value > self.target if self.strict else self.value >= self.target

    @property
    def delta(self) -> float | None:
        """The change from the previous period, in share points (0.02 = +2 points)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def _tile_parts(
    f: PeriodFigures, targets: Targets
) -> list[tuple[TileKind, int, int, float | None, bool]]:
    return [
        (TileKind.ON_TIME, f.early + f.on_time, f.settled, targets.on_time, True),
        (TileKind.EARLY, f.early, f.settled, targets.early, False),
        (TileKind.APOLOGISED, f.late_with_letter, f.late_total, targets.apologised, False),
        (TileKind.SATISFIED, f.very_satisfied + f.satisfied, f.rated, targets.satisfied, True),
        (TileKind.ONLINE, f.new_online, f.new_total, None, False),
        (TileKind.POSTAL_RECEIVED, f.new_postal, f.new_total, None, False),
        (TileKind.POSTAL_RETURNED, f.returned_postal, f.returned_total, None, False),
    ]


def tiles(
    current: PeriodFigures, previous: PeriodFigures | None, targets: Targets
) -> tuple[Tile, ...]:
    """The tiles of a period, each with its value in the previous period (None without one)."""
    before = (
        {kind: share(n, d) for kind, n, d, _, _ in _tile_parts(previous, targets)}
        if previous is not None
        else {}
    )
    return tuple(
        Tile(kind, share(n, d), n, d, target, strict, before.get(kind))
        for kind, n, d, target, strict in _tile_parts(current, targets)
    )


# -- the 12-month trend -----------------------------------------------------------------------
#: The day counts (``domain.facts.DAY_COUNTS``) the trend sums: Biểu 06a columns 8, 9 and 10.
TREND_COUNTS = ("settled_early", "settled_on_time", "settled_late")


@dataclass(frozen=True)
class TrendFigures:
    """A month's dossiers settled (or ended) early, on time and late: Biểu 06a columns 8–10."""

    early: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def settled(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def early_share(self) -> float | None:
        return share(self.early, self.settled)

    @property
    def exactly_on_time_share(self) -> float | None:
        """Settled on the due day itself (the trend's middle band)."""
        return share(self.on_time, self.settled)

    @property
    def late_share(self) -> float | None:
        return share(self.late, self.settled)


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend: its period and figures (as of its end, or now when running)."""

    period: Period
    figures: TrendFigures
    closed: bool  # the month has ended: its figures are final

    @property
    def early_share(self) -> float | None:
        return self.figures.early_share

    @property
    def on_time_share(self) -> float | None:
        """Settled on the due day (not early), of those settled."""
        return self.figures.exactly_on_time_share

    @property
    def late_share(self) -> float | None:
        return self.figures.late_share


def trend_points(
    months: Sequence[Period],
    days: Iterable[tuple[date, Mapping[str, int]]],
    now: datetime,
) -> tuple[TrendPoint, ...]:
    """The trend of ``months`` (whole days, oldest first) from the day counts ``days`` (a day
    and its :data:`TREND_COUNTS`, per field or already summed): each month the sum of its days.
    A dossier counts on the day it was settled or ended, classed as Biểu 06a classes it, so a
    month's sums are its report's columns 8–10 as of its end (or of now while it runs)."""
    sums = [[0, 0, 0] for _ in months]
    index = {m.start + timedelta(days=i): n for n, m in enumerate(months) for i in range(_days(m))}
    for day, counts in days:
        n = index.get(day)
        if n is not None:
            for i, name in enumerate(TREND_COUNTS):
                sums[n][i] += counts.get(name, 0)
    return tuple(
        TrendPoint(m, TrendFigures(*s), m.as_of <= now) for m, s in zip(months, sums, strict=True)
    )


def _days(period: Period) -> int:
    return (period.end - period.start).days + 1


# -- breakdowns -------------------------------------------------------------------------------
class BreakdownKind(StrEnum):
    FIELD = "field"  # lĩnh vực
    HANDLING_UNIT = "handling_unit"  # the specialist unit that handles it
    CLERK = "clerk"  # who received it at the counter


@dataclass(frozen=True)
class BreakdownRow:
    """The period's dossiers of one field, unit or clerk, by outcome (as in Biểu 06a)."""

    name: str  # "" when the dossiers do not say
    early: int
    on_time: int
    late: int
    within: int  # pending at the end, within time
    overdue: int  # pending at the end, overdue
    codes: tuple[str, ...]  # every dossier of the row (click-through to the dossier list)
    late_codes: tuple[str, ...]  # of them, the late and overdue ones

    @property
    def total(self) -> int:
        return self.early + self.on_time + self.late + self.within + self.overdue

    @property
    def settled(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def pending(self) -> int:
        return self.within + self.overdue

    @property
    def on_time_share(self) -> float | None:
        """Early or on time, of those settled."""
        return share(self.early + self.on_time, self.settled)

    @property
    def early_share(self) -> float | None:
        return share(self.early, self.settled)

    @property
    def late_share(self) -> float | None:
        """Late or overdue, of all the row's dossiers."""
        return share(self.late + self.overdue, self.total)


def _key(d: ReportDossier, kind: BreakdownKind) -> str:
    if kind is BreakdownKind.FIELD:
        return d.field
    if kind is BreakdownKind.HANDLING_UNIT:
        return d.handling_unit
    return d.clerk_name


def breakdown(dossiers: Iterable[ReportDossier], kind: BreakdownKind) -> tuple[BreakdownRow, ...]:
    """Rows by ``kind``, the largest first (then by name)."""
    groups: dict[str, list[ReportDossier]] = defaultdict(list)
    for d in dossiers:
        groups[_key(d, kind)].append(d)
    rows = []
    for name, ds in groups.items():
        n = {o: 0 for o in Outcome}
        for d in ds:
            n[d.outcome] += 1
        rows.append(
            BreakdownRow(
                name=name,
                early=n[Outcome.EARLY],
                on_time=n[Outcome.ON_TIME],
                late=n[Outcome.LATE],
                within=n[Outcome.WITHIN],
                overdue=n[Outcome.OVERDUE],
                codes=tuple(d.code for d in ds),
                late_codes=tuple(d.code for d in ds if d.outcome.late),
            )
        )
    return tuple(sorted(rows, key=lambda r: (-r.total, r.name)))


class LateBy(StrEnum):
    RESPONSIBLE_UNIT = "responsible_unit"
    REASON = "reason"


@dataclass(frozen=True)
class LateGroup:
    """Late dossiers (settled late, or overdue at the end) of one responsible unit or reason."""

    name: str  # "" when not recorded yet
    settled_late: int
    overdue: int
    with_letter: int  # an apology letter signed by the period's end
    codes: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.settled_late + self.overdue


def late_groups(dossiers: Iterable[ReportDossier], by: LateBy) -> tuple[LateGroup, ...]:
    """The late dossiers grouped by ``by``, the largest group first (then by name)."""
    groups: dict[str, list[ReportDossier]] = defaultdict(list)
    for d in dossiers:
        if d.outcome.late:
            key = d.responsible_unit if by is LateBy.RESPONSIBLE_UNIT else d.late_reason
            groups[key.strip()].append(d)
    out = [
        LateGroup(
            name=name,
            settled_late=sum(d.outcome is Outcome.LATE for d in ds),
            overdue=sum(d.outcome is Outcome.OVERDUE for d in ds),
            with_letter=sum(bool(d.letter_number) for d in ds),
            codes=tuple(d.code for d in ds),
        )
        for name, ds in groups.items()
    ]
    return tuple(sorted(out, key=lambda g: (-g.total, g.name)))


# -- satisfaction, channels -------------------------------------------------------------------
@dataclass(frozen=True)
class Satisfaction:
    """Ratings given when results were returned in the period."""

    very_satisfied: int
    satisfied: int
    dissatisfied: int
    returned: int  # results returned in the period (rated or not)

    @property
    def rated(self) -> int:
        return self.very_satisfied + self.satisfied + self.dissatisfied

    @property
    def unrated(self) -> int:
        return max(0, self.returned - self.rated)

    def count(self, rating: Rating) -> int:
        return {
            Rating.VERY_SATISFIED: self.very_satisfied,
            Rating.SATISFIED: self.satisfied,
            Rating.DISSATISFIED: self.dissatisfied,
        }[rating]

    def share_of(self, rating: Rating) -> float | None:
        return share(self.count(rating), self.rated)

    @property
    def satisfied_share(self) -> float | None:
        return share(self.very_satisfied + self.satisfied, self.rated)


def satisfaction(f: PeriodFigures) -> Satisfaction:
    return Satisfaction(f.very_satisfied, f.satisfied, f.dissatisfied, f.returned_total)


@dataclass(frozen=True)
class ChannelMix:
    """How the period's new dossiers came in, and how results went back."""

    direct: int  # kênh 1
    postal: int  # kênh 3 (bưu chính công ích)
    online: int
    returned: int  # results returned in the period
    returned_postal: int  # of them, by post

    @property
    def total(self) -> int:
        return self.direct + self.postal + self.online

    def share_of(self, channel: Channel) -> float | None:
        n = {Channel.DIRECT: self.direct, Channel.POSTAL: self.postal, Channel.ONLINE: self.online}
        return share(n[channel], self.total)

    @property
    def postal_return_share(self) -> float | None:
        return share(self.returned_postal, self.returned)


def channel_mix(f: PeriodFigures) -> ChannelMix:
    return ChannelMix(f.new_direct, f.new_postal, f.new_online, f.returned_total, f.returned_postal)


# -- what will be late ------------------------------------------------------------------------
@dataclass(frozen=True)
class AtRiskRow:
    """A running dossier (no result yet, clock running) due soon, as the store reads it."""

    code: str
    applicant_name: str
    procedure_name: str
    field: str
    unit: str  # the unit holding it now; "" at the one-stop counter (not handed over yet)
    status: Status
    due_at: datetime


@dataclass(frozen=True)
class AtRiskDossier:
    row: AtRiskRow
    urgent: bool  # due within one working day: the most at risk


@dataclass(frozen=True)
class AtRiskGroup:
    """The dossiers held by one unit, the most at risk first."""

    unit: str
    dossiers: tuple[AtRiskDossier, ...]

    @property
    def urgent(self) -> int:
        return sum(d.urgent for d in self.dossiers)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.row.code for d in self.dossiers)


def at_risk_window(
    now: datetime, calendar: WorkCalendar, working_days: int = 5
) -> tuple[datetime, datetime]:
    """(urgent before, until) for what will be late at ``now``: dossiers due before the end of
    the ``working_days``-th working day after today (today is day 0, as in the due-date rule)
    are shown; those due within one working day (before the same clock time on the next working
    day) are the most at risk."""
    today = now.date()
    urgent = datetime.combine(calendar.nth_working_day_after(today, 1), now.time())
    until = calendar.end_of_day(calendar.nth_working_day_after(today, working_days))
    return urgent, until


def at_risk_groups(rows: Iterable[AtRiskRow], urgent_before: datetime) -> tuple[AtRiskGroup, ...]:
    """Group by the unit holding them. In a group: due before ``urgent_before`` (one working day
    from now) first, then by due moment, then by code. Groups: the most urgent dossiers first,
    then the soonest due, then by name."""
    groups: dict[str, list[AtRiskDossier]] = defaultdict(list)
    for r in rows:
        groups[r.unit].append(AtRiskDossier(r, r.due_at < urgent_before))
    out = [
        AtRiskGroup(
            unit,
            tuple(sorted(ds, key=lambda d: (not d.urgent, d.row.due_at, d.row.code))),
        )
        for unit, ds in groups.items()
    ]
    return tuple(
        sorted(out, key=lambda g: (-g.urgent, g.dossiers[0].row.due_at, -len(g.dossiers), g.unit))
    )


# -- Bộ chỉ số 766 ----------------------------------------------------------------------------
class IndicatorCode(StrEnum):
    """The indicators of reference.md §8 the dashboard shows (the value is the index's number;
    ``kenh_1`` and ``kenh_3`` are the channel split of 3.x, shown for information)."""

    ON_TIME = "2.1"
    AVERAGE_TIME = "2.2"
    ONLINE = "3.3"
    DIRECT = "kenh_1"
    POSTAL = "kenh_3"
    E_RESULT = "4.1"
    SCANNED = "4.2"
    REUSED = "4.3"
    PERSONAL_STORE = "4.4"
    SATISFACTION = "5.4"


class NotComputable(StrEnum):
    """Why an indicator has no value (or no points) from the office's own data."""

    NO_SCANS = "no_scans"  # dossiers carry no scanned components or e-results yet
    NOT_RECORDED = "not_recorded"  # recorded on the national portal, not in the office's data
    NO_DOSSIERS = "no_dossiers"  # nothing to divide by in the period
    NO_RULE = "no_rule"  # §8 publishes no scoring for it: a value without points
    INFORMATION = "information"  # a split shown for information, not scored on its own


@dataclass(frozen=True)
class Weight:
    """Points and target of an indicator (reference.md §8)."""

    max_points: float | None  # None: not scored on its own
    target: float | None  # None: no target published (full points only at 100 %)


#: reference.md §8. Where the table names a group's points but not each indicator's, the
#: group's points are split evenly (2.1 and 2.2 share 20; 3.1, 3.2 and 3.3 share 12) — an
#: assumption, marked so in the README; targets as published (3.3: 50 %, 4.2: 80 %,
#: 4.3: 80 %, 5.4: 90 %); without a published target full points need 100 %.
WEIGHTS: dict[IndicatorCode, Weight] = {
    IndicatorCode.ON_TIME: Weight(10, None),
    IndicatorCode.AVERAGE_TIME: Weight(10, None),
    IndicatorCode.ONLINE: Weight(4, 0.50),
    IndicatorCode.DIRECT: Weight(None, None),
    IndicatorCode.POSTAL: Weight(None, None),
    IndicatorCode.E_RESULT: Weight(6, None),
    IndicatorCode.SCANNED: Weight(4, 0.80),
    IndicatorCode.REUSED: Weight(2, 0.80),
    IndicatorCode.PERSONAL_STORE: Weight(4, None),
    IndicatorCode.SATISFACTION: Weight(6, 0.90),
}


def points(ratio: float, max_points: float, target: float | None = None) -> float:
    """The published rule (reference.md §8): ``max_points`` when ``ratio`` reaches ``target``,
    else ``ratio × max_points / target``. No target: the target is 100 %."""
    goal = 1.0 if target is None else target
    if ratio >= goal:
        return max_points
    return max(0.0, ratio) * max_points / goal


class TimeUnit(StrEnum):
    """The unit an average processing time is given in (the procedure's unit, §8 2.2)."""

    WORKING_DAYS = "working_days"  # procedures in working days and same-day ones
    WORKING_HOURS = "working_hours"
    DAYS = "days"  # procedures in calendar days or months


@dataclass(frozen=True)
class AverageTime:
    unit: TimeUnit
    dossiers: int
    total: float  # the summed time, in ``unit``

    @property
    def average(self) -> float | None:
        return self.total / self.dossiers if self.dossiers else None


_TIME_UNITS = {
    DurationUnit.WORKING_DAYS: TimeUnit.WORKING_DAYS,
    DurationUnit.SAME_DAY: TimeUnit.WORKING_DAYS,
    DurationUnit.WORKING_HOURS: TimeUnit.WORKING_HOURS,
    DurationUnit.CALENDAR_DAYS: TimeUnit.DAYS,
    DurationUnit.MONTHS: TimeUnit.DAYS,
}


def elapsed(
    unit: DurationUnit, received: datetime, settled: datetime, calendar: WorkCalendar
) -> tuple[TimeUnit, float]:
    """How long a dossier took, in its procedure's unit, from the moment its clock started
    (:meth:`WorkCalendar.start_moment`) to its settlement:

    - working days (and same-day procedures): the working days after the start day up to the
      settlement day, the start day being day 0 as in the due-date rule (settled the same day: 0);
    - working hours: the working time in sessions, in hours;
    - calendar days (and months): the days from the start day to the settlement day.
    """
    kind = _TIME_UNITS[unit]
    start = calendar.start_moment(received)
    if settled < start:  # settled before the clock started (outside office hours): no time
        return kind, 0.0
    if kind is TimeUnit.WORKING_DAYS:
        return kind, float(calendar.working_days_between(start.date(), settled.date()))
    if kind is TimeUnit.WORKING_HOURS:
        return kind, calendar.working_time_between(start, settled).total_seconds() / 3600
    return kind, float((settled.date() - start.date()).days)


def average_times(
    clocks: Iterable[tuple[DurationUnit, datetime, datetime]], calendar: WorkCalendar
) -> tuple[AverageTime, ...]:
    """The average processing time per unit (§8 2.2), in :class:`TimeUnit` order."""
    totals: dict[TimeUnit, list[float]] = {u: [0, 0.0] for u in TimeUnit}
    for unit, received, settled in clocks:
        kind, value = elapsed(unit, received, settled, calendar)
        totals[kind][0] += 1
        totals[kind][1] += value
    return tuple(AverageTime(u, int(n), total) for u, (n, total) in totals.items() if n)


@dataclass(frozen=True)
class Indicator:
    code: IndicatorCode
    value: float | None  # a share 0–1 (2.2: None, see ``times``)
    numerator: int
    denominator: int
    max_points: float | None
    target: float | None
    points: float | None
    missing: NotComputable | None = None  # why there is no value or no points
    times: tuple[AverageTime, ...] = ()  # 2.2: the average per unit of time

    @property
    def lost(self) -> float | None:
        """Points being lost: what the office would get at the target, less what it gets."""
        if self.max_points is None or self.points is None:
            return None
        return self.max_points - self.points


def _share_indicator(code: IndicatorCode, numerator: int, denominator: int) -> Indicator:
    w = WEIGHTS[code]
    ratio = share(numerator, denominator)
    if w.max_points is None:
        return Indicator(
            code, ratio, numerator, denominator, None, None, None, NotComputable.INFORMATION
        )
    if ratio is None:
        return Indicator(code, None, 0, 0, w.max_points, w.target, None, NotComputable.NO_DOSSIERS)
    return Indicator(
        code,
        ratio,
        numerator,
        denominator,
        w.max_points,
        w.target,
        points(ratio, w.max_points, w.target),
    )


def satisfaction_ratio(f: PeriodFigures) -> tuple[int, int]:
    """5.4 as (numerator, denominator): 100 % − overdue % − "not satisfied" % of the dossiers
    received and processed in the period, the published formula (a late dossier also rated
    "not satisfied" counts in both, as published); never below 0."""
    bad = f.late + f.pending_overdue + f.dissatisfied
    return max(0, f.received - bad), f.received


def _not_computable(code: IndicatorCode, why: NotComputable) -> Indicator:
    w = WEIGHTS[code]
    return Indicator(code, None, 0, 0, w.max_points, w.target, None, why)


def digitisation_indicators(digitised: DigitisationCounts | None) -> tuple[Indicator, ...]:
    """4.1–4.4 from the period's digitisation (``None``: the office has no scan at all, so
    its data cannot tell). 4.1: a scanned result, of the dossiers that have their result (§8
    divides by the dossiers whose procedure returns a paper result; the catalog does not say
    which do, so every dossier with its result counts); 4.2: every paper and the result scanned,
    of the same; 4.3: a digitised paper reused, of the dossiers received; 4.4 (linked to the
    citizen's personal data store) is recorded on the national portal, not here."""
    codes = (
        IndicatorCode.E_RESULT,
        IndicatorCode.SCANNED,
        IndicatorCode.REUSED,
        IndicatorCode.PERSONAL_STORE,
    )
    if digitised is None:
        return tuple(_not_computable(c, NotComputable.NO_SCANS) for c in codes)
    d = digitised
    return (
        _share_indicator(IndicatorCode.E_RESULT, d.with_e_result, d.with_result),
        _share_indicator(IndicatorCode.SCANNED, d.complete, d.with_result),
        _share_indicator(IndicatorCode.REUSED, d.reusing, d.dossiers),
        _not_computable(IndicatorCode.PERSONAL_STORE, NotComputable.NOT_RECORDED),
    )


def indicators(
    f: PeriodFigures,
    times: Sequence[AverageTime],
    digitised: DigitisationCounts | None = None,
) -> tuple[Indicator, ...]:
    """The office's Bộ chỉ số 766 for a period, in the index's order; ``digitised``: the
    digitisation of the dossiers received in the period (None: the office has no scan)."""
    on_time = f.early + f.on_time + f.pending_within  # processed or being processed on time
    w22 = WEIGHTS[IndicatorCode.AVERAGE_TIME]
    average_time = Indicator(
        IndicatorCode.AVERAGE_TIME,
        None,
        sum(t.dossiers for t in times),
        f.settled,
        w22.max_points,
        None,
        None,
        NotComputable.NO_RULE,
        tuple(times),
    )
    return (
        _share_indicator(IndicatorCode.ON_TIME, on_time, f.received),
        average_time,
        _share_indicator(IndicatorCode.ONLINE, f.new_online, f.new_total),
        _share_indicator(IndicatorCode.DIRECT, f.new_direct, f.new_total),
        _share_indicator(IndicatorCode.POSTAL, f.new_postal, f.new_total),
        *digitisation_indicators(digitised),
        _share_indicator(IndicatorCode.SATISFACTION, *satisfaction_ratio(f)),
    )


@dataclass(frozen=True)
class Score766:
    """The points of the indicators the office's data can score."""

    earned: float
    scored_max: float  # the points of the scored indicators
    unscored_max: float  # the points of the indicators shown without points

    @property
    def lost(self) -> float:
        return self.scored_max - self.earned


def score(items: Iterable[Indicator]) -> Score766:
    earned = scored = unscored = 0.0
    for i in items:
        if i.max_points is None:
            continue
        if i.points is None:
            unscored += i.max_points
        else:
            earned += i.points
            scored += i.max_points
    return Score766(earned, scored, unscored)


# -- the whole screen -------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard (and the monthly briefing) shows for one period."""

    period: Period
    previous: Period | None  # the period the tiles' changes compare with
    as_of: datetime  # the period's end, or now for a period still running
    generated_at: datetime
    office: OfficeProfile
    figures: PeriodFigures
    tiles: tuple[Tile, ...]
    trend: tuple[TrendPoint, ...]  # 12 reporting months, oldest first
    by_field: tuple[BreakdownRow, ...]
    by_unit: tuple[BreakdownRow, ...]
    by_clerk: tuple[BreakdownRow, ...]
    late_by_unit: tuple[LateGroup, ...]
    late_by_reason: tuple[LateGroup, ...]
    satisfaction: Satisfaction
    channels: ChannelMix
    at_risk: tuple[AtRiskGroup, ...]
    at_risk_until: datetime  # the end of the 5-working-day window
    indicators: tuple[Indicator, ...]

    @property
    def score(self) -> Score766:
        return score(self.indicators)

    def breakdown(self, kind: BreakdownKind) -> tuple[BreakdownRow, ...]:
        return {
            BreakdownKind.FIELD: self.by_field,
            BreakdownKind.HANDLING_UNIT: self.by_unit,
            BreakdownKind.CLERK: self.by_clerk,
        }[kind]

    def tile(self, kind: TileKind) -> Tile:
        return next(t for t in self.tiles if t.kind is kind)

    def indicator(self, code: IndicatorCode) -> Indicator:
        return next(i for i in self.indicators if i.code is code)
