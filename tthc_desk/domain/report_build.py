"""From a period's recorded rows to its Biểu 06a report, pure over the rows the report store reads.

Figures are as of the period's end and come from the time-stamped history, so rebuilding a past
period after later events (a result, a supplement restarting the clock, a re-appointment) gives
the same numbers: a dossier's settlement moment never changes, and for a dossier still pending
at the end its status and appointment at that moment are replayed from its events
(:func:`~tthc_desk.domain.report.state_at`).

The steps, in the order a use case calls them between its reads:
:func:`counted` (the rows the period counts), :func:`pending_ids` (whose histories to read),
:func:`replay` (what the report says of each dossier), :func:`late_ids` (whose first letters to
read), then :func:`build_report`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from tthc_desk.domain.apology import FirstLetter
from tthc_desk.domain.dossier import Channel, Status
from tthc_desk.domain.lifecycle import SETTLED, DossierEvent, Granularity
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.periods import Period
from tthc_desk.domain.postal import PostalItem, PostalShares, postal_state_at
from tthc_desk.domain.report import (
    TOTAL_LABEL,
    ExtraFigures,
    Outcome,
    Report,
    ReportDossier,
    Row06a,
    Targets,
    evaluate,
    figures_checksum,
    pending_outcome,
    settled_outcome,
    state_at,
    summarise,
)

OTHER_FIELD = "Khác"  # the row of dossiers recorded without a field


class ReportSource(NamedTuple):
    """One dossier a period may count: received before its end and not settled before its start."""

    id: int
    code: str
    field: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    channel: Channel
    postal_return: bool  # the result goes (or went) back by post
    intake_at: datetime  # the first receipt
    due_at: datetime  # the appointment that counts now
    status: Status  # now
    settled_at: datetime | None
    ended_at: datetime | None  # withdrawn or closed: the moment it ended
    returned_at: datetime | None
    rating: str
    late_reason: str
    responsible_unit: str
    waiting_supplement: bool = False  # withdrawn or stopped while waiting for a supplement
    handling_unit: str = ""  # the specialist unit that handles it (the dashboard's breakdown)
    clerk_name: str = ""  # who received it at the counter

    @property
    def done_at(self) -> datetime | None:
        """When it left the workload: settled, or ended without a result."""
        return self.settled_at if self.status in SETTLED else self.ended_at


@dataclass(frozen=True)
class SettledCount:
    """How many dossiers settled in a period share a field, carried over or not, online or not,
    a class (``Outcome`` value: early / on_time / late) and the rating given at a return in the
    period ("": none). The report store counts them where they are kept."""

    field: str
    carried_over: bool
    online: bool
    outcome: str
    rating: str
    count: int


def counted(rows: Iterable[ReportSource], start: datetime) -> list[ReportSource]:
    """The rows the period counts: a dossier withdrawn or closed before it started is not."""
    return [r for r in rows if r.ended_at is None or r.ended_at >= start]


def pending_ids(rows: Iterable[ReportSource], as_of: datetime) -> list[int]:
    """The dossiers still pending at ``as_of``: their status then is replayed from history."""
    out = []
    for r in rows:
        done = r.done_at
        if done is None or done >= as_of:
            out.append(r.id)
    return out


def report_dossier(
    row: ReportSource,
    history: Sequence[DossierEvent],
    start: datetime,
    as_of: datetime,
    granularity: Granularity,
    one: Callable[[str], str] = str,
) -> ReportDossier:
    """What the report says of one dossier at ``as_of`` (``one`` shares repeated strings)."""
    done_at = row.done_at
    due_at = row.due_at
    if done_at is not None and done_at < as_of:
        outcome = settled_outcome(row.status, done_at, due_at, granularity, row.waiting_supplement)
        status_at_end = row.status
        if (
            row.status is Status.RETURNED
            and row.returned_at is not None
            and row.returned_at >= as_of
        ):
            status_at_end = Status.RESULT_READY  # returned only after the period's end
    else:
        done_at = None
        status_at_end, due_at = state_at(history, as_of, row.status, due_at)
        outcome = pending_outcome(status_at_end, due_at, as_of)
    returned = row.returned_at
    returned_in = returned if returned is not None and start <= returned < as_of else None
    return ReportDossier(
        code=row.code,
        field=one(row.field or OTHER_FIELD),
        procedure_code=one(row.procedure_code),
        procedure_name=one(row.procedure_name),
        applicant_name=row.applicant_name,
        channel=row.channel,
        intake_at=row.intake_at,
        due_at=due_at,
        settled_at=done_at,
        outcome=outcome,
        carried_over=row.intake_at < start,
        status=status_at_end,
        late_reason=one(row.late_reason or ""),
        responsible_unit=one(row.responsible_unit or ""),
        postal_return=row.postal_return,
        returned_at=returned_in,
        rating=(row.rating or "") if returned_in else "",
        handling_unit=one(row.handling_unit or ""),
        clerk_name=one(row.clerk_name or ""),
    )


def replay(
    rows: Iterable[ReportSource],
    histories: Mapping[int, Sequence[DossierEvent]],
    start: datetime,
    as_of: datetime,
    granularity: Granularity,
) -> dict[int, ReportDossier]:
    """Every counted dossier by id (in row order) with what the report says of it."""
    # A year holds ~200,000 dossiers of a few hundred procedures: share their strings.
    shared: dict[str, str] = {}

    def one(text: str) -> str:
        return shared.setdefault(text, text)

    return {
        r.id: report_dossier(r, histories.get(r.id, ()), start, as_of, granularity, one)
        for r in rows
    }


def late_ids(dossiers: Mapping[int, ReportDossier]) -> list[int]:
    """Settled late or overdue at the end: their first letters are cited."""
    return [i for i, d in dossiers.items() if d.outcome.late]


def with_letters(
    dossiers: Mapping[int, ReportDossier], letters: Mapping[int, FirstLetter]
) -> list[ReportDossier]:
    """The dossiers in order, each late one with its first letter signed by the period's end."""
    return [with_letter(d, letters.get(i)) for i, d in dossiers.items()]


def with_letter(dossier: ReportDossier, letter: FirstLetter | None) -> ReportDossier:
    """The dossier citing its first letter, if it has one."""
    if letter is None:
        return dossier
    return replace(dossier, letter_number=letter.text, letter_date=letter.signed_at)


def extra_figures(
    dossiers: Sequence[ReportDossier],
    shares: PostalShares,
    procedures_postal: int,
    procedures_total: int,
) -> ExtraFigures:
    late = [x for x in dossiers if x.outcome.late]
    ratings = [x.rating for x in dossiers if x.returned_at is not None and x.rating]
    return ExtraFigures(
        late_total=len(late),
        late_with_letter=sum(bool(x.letter_number) for x in late),
        received_total=shares.received_total,
        received_postal=shares.received_by_post,
        returned_postal=shares.returned_by_post,
        returned_total=shares.returned_total,
        rated=len(ratings),
        very_satisfied=ratings.count("very_satisfied"),
        satisfied=ratings.count("satisfied"),
        dissatisfied=ratings.count("dissatisfied"),
        procedures_postal=procedures_postal,
        procedures_total=procedures_total,
    )


def share_days(period: Period, as_of: datetime) -> tuple[date, date]:
    """The days whose postal shares a report counts: from the period's first day to the last day
    before ``as_of`` (a period still running counts up to today)."""
    last_day = (as_of - timedelta(minutes=1)).date()
    return period.start, max(period.start, last_day)


@dataclass(frozen=True)
class ReportFrame:
    """What a report says besides its dossiers: the period, who reports, and the settings and
    counts read for it."""

    period: Period
    as_of: datetime
    office: OfficeProfile
    receiving_unit: str
    generated_at: datetime
    app_version: str
    targets: Targets
    shares: PostalShares
    procedures_postal: int  # active procedures that allow postal return
    procedures_total: int


def build_report(
    frame: ReportFrame,
    dossiers: Mapping[int, ReportDossier],
    letters: Mapping[int, FirstLetter],
    postal_items: Iterable[PostalItem],
) -> Report:
    """The report: the 06a table, the extra figures and targets, and the postal items handed
    over in the period with their state at its end."""
    listed = with_letters(dossiers, letters)
    rows, total = summarise(listed)
    extra = extra_figures(listed, frame.shares, frame.procedures_postal, frame.procedures_total)
    return Report(
        period=frame.period,
        as_of=frame.as_of,
        office=frame.office,
        receiving_unit=frame.receiving_unit,
        generated_at=frame.generated_at,
        app_version=frame.app_version,
        dossiers=tuple(listed),
        rows=tuple(rows),
        total=total,
        extra=extra,
        targets=tuple(evaluate(total, extra, frame.targets)),
        postal_items=postal_at(postal_items, frame.as_of),
        checksum=figures_checksum(rows, total),
    )


def _add_settled(row: Row06a, c: SettledCount, outcome: Outcome) -> None:
    """``c.count`` dossiers settled in the period, as ``Row06a.add_dossier`` adds each."""
    row.received_total += c.count
    if c.carried_over:
        row.carried_over += c.count
    elif c.online:
        row.received_online += c.count
    else:
        row.received_direct_postal += c.count
    row.settled_total += c.count
    row.early += c.count if outcome is Outcome.EARLY else 0
    row.on_time += c.count if outcome is Outcome.ON_TIME else 0
    row.late += c.count if outcome is Outcome.LATE else 0


def counted_figures(
    counts: Iterable[SettledCount], pending: Iterable[ReportDossier]
) -> tuple[list[Row06a], Row06a, Counter[str]]:
    """The 06a rows and total from the settled counts and the dossiers pending at the end (what
    :func:`~tthc_desk.domain.report.summarise` makes of every dossier one by one), and the
    tallies the extra figures need ("late", and each rating given at a return in the period)."""
    by_field: dict[str, Row06a] = {}
    total = Row06a(TOTAL_LABEL)
    tallies: Counter[str] = Counter()
    for c in counts:
        fld = c.field or OTHER_FIELD
        row = by_field.get(fld) or by_field.setdefault(fld, Row06a(fld))
        outcome = Outcome(c.outcome)
        _add_settled(row, c, outcome)
        _add_settled(total, c, outcome)
        tallies["late"] += c.count if outcome.late else 0
        if c.rating:
            tallies[f"rating:{c.rating}"] += c.count
    for d in pending:
        row = by_field.get(d.field) or by_field.setdefault(d.field, Row06a(d.field))
        row.add_dossier(d)
        total.add_dossier(d)
        tallies["late"] += d.outcome.late
        if d.returned_at is not None and d.rating:
            tallies[f"rating:{d.rating}"] += 1
    return [by_field[k] for k in sorted(by_field)], total, tallies


def build_figures(
    frame: ReportFrame,
    counts: Iterable[SettledCount],
    pending: Mapping[int, ReportDossier],
    late_with_letter: int,
) -> Report:
    """The report without its lists (``Report.dossiers`` and ``postal_items`` empty): the same
    table, extra figures, targets and checksum as :func:`build_report` over every dossier, from
    the counts of those settled in the period and the few still pending at its end."""
    rows, total, tallies = counted_figures(counts, pending.values())
    ratings = {k.removeprefix("rating:"): n for k, n in tallies.items() if k.startswith("rating:")}
    shares = frame.shares
    extra = ExtraFigures(
        late_total=tallies["late"],
        late_with_letter=late_with_letter,
        received_total=shares.received_total,
        received_postal=shares.received_by_post,
        returned_postal=shares.returned_by_post,
        returned_total=shares.returned_total,
        rated=sum(ratings.values()),
        very_satisfied=ratings.get("very_satisfied", 0),
        satisfied=ratings.get("satisfied", 0),
        dissatisfied=ratings.get("dissatisfied", 0),
        procedures_postal=frame.procedures_postal,
        procedures_total=frame.procedures_total,
    )
    return Report(
        period=frame.period,
        as_of=frame.as_of,
        office=frame.office,
        receiving_unit=frame.receiving_unit,
        generated_at=frame.generated_at,
        app_version=frame.app_version,
        dossiers=(),
        rows=tuple(rows),
        total=total,
        extra=extra,
        targets=tuple(evaluate(total, extra, frame.targets)),
        checksum=figures_checksum(rows, total),
    )


def postal_at(items: Iterable[PostalItem], as_of: datetime) -> tuple[PostalItem, ...]:
    """The postal items with their state at ``as_of``."""
    return tuple(replace(x, state=postal_state_at(x, as_of)) for x in items)
