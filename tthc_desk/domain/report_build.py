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
    ExtraFigures,
    Report,
    ReportDossier,
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
    return [
        replace(d, letter_number=letters[i].text, letter_date=letters[i].signed_at)
        if i in letters
        else d
        for i, d in dossiers.items()
    ]


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
        postal_items=tuple(replace(x, state=postal_state_at(x, frame.as_of)) for x in postal_items),
        checksum=figures_checksum(rows, total),
    )
