"""The facts the reports read, kept as the history is written (``db/stores/facts.py``).

Per dossier, a row with what Biểu 06a needs (a :class:`~tthc_desk.domain.report_build.
ReportSource`); per day and field, the counts a trend needs. Both are derived from the dossiers
and their events: rebuilt by ``tthc-desk facts rebuild``, and at start-up when the software's
:data:`FACTS_FORMAT` or the office's granularity differs from what they were made with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from tthc_desk.domain.dossier import Channel
from tthc_desk.domain.lifecycle import Granularity
from tthc_desk.domain.report import Outcome, settled_outcome
from tthc_desk.domain.report_build import OTHER_FIELD, ReportSource

#: Raise when what the facts hold or how they are made changes: every database rebuilds them.
FACTS_FORMAT = 1

#: The office's setting that classifies early / on time / late (services.lifecycle_service).
GRANULARITY_KEY = "classification_granularity"

#: The counts of a day and field (columns of ``daily_facts``), in order.
DAY_COUNTS = (
    "received_direct",
    "received_postal",
    "received_online",
    "settled_early",
    "settled_on_time",
    "settled_late",
    "returned_total",
    "returned_postal",
    "very_satisfied",
    "satisfied",
    "dissatisfied",
)

_RECEIVED = {
    Channel.DIRECT: "received_direct",
    Channel.POSTAL: "received_postal",
    Channel.ONLINE: "received_online",
}
_SETTLED = {
    Outcome.EARLY: "settled_early",
    Outcome.ON_TIME: "settled_on_time",
    Outcome.LATE: "settled_late",
}
_RATINGS = frozenset({"very_satisfied", "satisfied", "dissatisfied"})

DayKey = tuple[date, str, str]  # day, field, count


def day_counts(row: ReportSource, granularity: Granularity) -> list[DayKey]:
    """What one dossier adds to the day counts: its receipt on its intake day (by channel), its
    settlement or ending on that day (classed as Biểu 06a classes it), its return on that day
    (by post or not) and the rating given then."""
    fld = row.field or OTHER_FIELD
    out: list[DayKey] = [(row.intake_at.date(), fld, _RECEIVED[row.channel])]
    done = row.done_at
    if done is not None:
        outcome = settled_outcome(row.status, done, row.due_at, granularity, row.waiting_supplement)
        out.append((done.date(), fld, _SETTLED[outcome]))
    if row.returned_at is not None:
        day = row.returned_at.date()
        out.append((day, fld, "returned_total"))
        if row.postal_return:
            out.append((day, fld, "returned_postal"))
        if row.rating in _RATINGS:
            out.append((day, fld, row.rating))
    return out


def tally(rows: Iterable[ReportSource], granularity: Granularity, sign: int = 1) -> Counter[DayKey]:
    """The day counts of ``rows`` (``sign`` -1: what they no longer add)."""
    counts: Counter[DayKey] = Counter()
    for row in rows:
        for key in day_counts(row, granularity):
            counts[key] += sign
    return counts
