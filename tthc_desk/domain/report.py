"""The figures of Biểu 06a/VPCP/KSTT for a period, and the plan targets they are held to.

For a period [start, end] and as of its end (midnight after the last day), every dossier that was
received in the period, or received before it and still not settled at its start (carried over,
"từ kỳ trước"), is either settled in the period — early, on time or late — or still pending at
its end — within time or overdue. Hence the identities of reference.md §3.2 on every row:
(3) = (4) + (5) + (6), (7) = (8) + (9) + (10), (11) = (12) + (13), (3) = (7) + (11).

Decisions (rules.md "Classification", reference.md §3.2):
- settled means the result, a refusal or a stop reached the office (its moment is ``settled_at``);
  it is classified against the appointment that counted at that moment;
- a withdrawal or a closing (supplement never brought) ends the dossier too: it is counted as
  settled on time (the production variant of Biểu 06a: "Đúng hạn (bao gồm cả hồ sơ … trả lại /
  xin rút)"); a withdrawal is late when the due moment had already passed while the clock ran
  (withdrawn after it, to the minute); a closing never is;
- a withdrawal or a stop while waiting for a supplement is never late (the clock was stopped);
- a dossier pending at the end is within time while its appointment has not passed, and always
  while it waits for a supplement (the clock is stopped).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from tthc_desk.domain.dossier import Channel, Status
from tthc_desk.domain.lifecycle import DossierEvent, Granularity, Timeliness, classify
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.periods import Period
from tthc_desk.domain.postal import PostalItem
from tthc_desk.domain.scans import DigitisationFigures

ENDED_WITHOUT_RESULT = frozenset({Status.WITHDRAWN, Status.CLOSED})
TOTAL_LABEL = "Tổng cộng"


class Outcome(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    WITHIN = "within"  # pending at the end, within time
    OVERDUE = "overdue"  # pending at the end, overdue

    @property
    def settled(self) -> bool:
        return self in (Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE)

    @property
    def late(self) -> bool:
        return self in (Outcome.LATE, Outcome.OVERDUE)


# A lookup, not ``Outcome(value)``: it runs for each of the ~200,000 dossiers of a year.
_SETTLED_OUTCOME = {t: Outcome(t.value) for t in Timeliness}


def settled_outcome(
    status: Status,
    ended_at: datetime,
    due_at: datetime,
    granularity: Granularity,
    waiting_supplement: bool = False,
) -> Outcome:
    """A dossier settled (or ended) at ``ended_at`` against the appointment ``due_at``
    (rules.md "Lifecycle", Biểu 06a):

    - a result, a refusal or a stop: by its moment like a result (early / on time / late, by
      ``granularity``);
    - a withdrawal: on time, or late when withdrawn after the due moment (to the minute, as an
      open dossier is overdue from the minute after its due moment);
    - closed because the supplement never came: on time.

    ``waiting_supplement``: it ended (withdrawn or stopped) while waiting for a supplement. The
    clock was stopped then (it restarts from zero when the supplement comes, ND 118 Đ19.5), so it
    cannot have become late while waiting: at worst on time, as it counted "Trong hạn" the
    minute before. rules.md is silent on this case.
    """
    if status is Status.CLOSED:
        return Outcome.ON_TIME
    if status is Status.WITHDRAWN:
        late = not waiting_supplement and _minute(ended_at) > _minute(due_at)
        return Outcome.LATE if late else Outcome.ON_TIME
    timeliness = classify(ended_at, due_at, granularity)
    if waiting_supplement and timeliness is Timeliness.LATE:
        return Outcome.ON_TIME
    return _SETTLED_OUTCOME[timeliness]


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def pending_outcome(status_at_end: Status, due_at_end: datetime, as_of: datetime) -> Outcome:
    if status_at_end is Status.SUPPLEMENT or as_of <= due_at_end:
        return Outcome.WITHIN
    return Outcome.OVERDUE


def state_at(
    events: Sequence[DossierEvent], moment: datetime, current_status: Status, current_due: datetime
) -> tuple[Status, datetime]:
    """The status and the appointment of a dossier at ``moment``, from its recorded history.

    ``events`` are all its events in time order; the current values are what the dossier says
    now. The status is the target of the last move before ``moment``; the appointment is the
    current one unless a later event moved it (a supplement restarting the clock, or a
    re-appointment recorded in time), whose data keep the appointment before it.
    """
    status = Status.RECEIVED
    for e in events:
        if e.at >= moment:
            break
        target = e.data.get("to_status")
        if target:
            status = Status(target)
    due = current_due
    for e in events:
        if e.at < moment:
            continue
        if e.kind == "supplemented" and e.data.get("old_due_at"):
            due = datetime.fromisoformat(e.data["old_due_at"])
            break
        if e.kind == "apology" and e.data.get("extension_counts") and e.data.get("old_due_at"):
            due = datetime.fromisoformat(e.data["old_due_at"])
            break
    if not any(e.at >= moment for e in events):
        status = current_status
    return status, due


@dataclass(frozen=True, slots=True)
class ReportDossier:
    """One dossier of the period with what the report says of it (the Chi tiết sheet)."""

    code: str
    field: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    channel: Channel
    intake_at: datetime
    due_at: datetime  # the appointment that counted (at settlement, or at the period's end)
    settled_at: datetime | None  # settled or ended in the period; None: pending at the end
    outcome: Outcome
    carried_over: bool
    status: Status  # the status at the period's end
    late_reason: str = ""
    responsible_unit: str = ""
    letter_number: str = ""  # a signed apology letter, by the period's end
    letter_date: datetime | None = None
    postal_return: bool = False  # the result goes (or went) back by post
    returned_at: datetime | None = None  # returned in the period
    rating: str = ""  # satisfaction given at a return in the period
    handling_unit: str = ""  # the specialist unit that handles it
    clerk_name: str = ""  # who received it at the counter


@dataclass
class Row06a:
    """One line of Biểu 06a: a field (lĩnh vực) or the total. Columns 3–13 in order."""

    field: str
    received_total: int = 0  # (3)
    received_online: int = 0  # (4)
    received_direct_postal: int = 0  # (5)
    carried_over: int = 0  # (6)
    settled_total: int = 0  # (7)
    early: int = 0  # (8)
    on_time: int = 0  # (9)
    late: int = 0  # (10)
    pending_total: int = 0  # (11)
    pending_within: int = 0  # (12)
    pending_overdue: int = 0  # (13)

    def values(self) -> tuple[int, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "field")

    def add_dossier(self, d: ReportDossier) -> None:
        self.received_total += 1
        if d.carried_over:
            self.carried_over += 1
        elif d.channel is Channel.ONLINE:
            self.received_online += 1
        else:
            self.received_direct_postal += 1
        if d.outcome.settled:
            self.settled_total += 1
            self.early += d.outcome is Outcome.EARLY
            self.on_time += d.outcome is Outcome.ON_TIME
            self.late += d.outcome is Outcome.LATE
        else:
            self.pending_total += 1
            self.pending_within += d.outcome is Outcome.WITHIN
            self.pending_overdue += d.outcome is Outcome.OVERDUE

    def add_row(self, other: Row06a) -> None:
        for f in fields(self):
            if f.name != "field":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def identities_hold(self) -> bool:
        return (
            self.received_total
            == self.received_online + self.received_direct_postal + self.carried_over
            and self.settled_total == self.early + self.on_time + self.late
            and self.pending_total == self.pending_within + self.pending_overdue
            and self.received_total == self.settled_total + self.pending_total
        )


def summarise(dossiers: Iterable[ReportDossier]) -> tuple[list[Row06a], Row06a]:
    """Rows per field (in field order) and the total row."""
    by_field: dict[str, Row06a] = {}
    total = Row06a(TOTAL_LABEL)
    for d in dossiers:
        row = by_field.get(d.field)
        if row is None:
            row = by_field[d.field] = Row06a(d.field)
        row.add_dossier(d)
        total.add_dossier(d)
    return [by_field[k] for k in sorted(by_field)], total


def figures_checksum(rows: Sequence[Row06a], total: Row06a) -> str:
    """SHA-256 of the table, written canonically: the province checks a workbook against it."""
    payload = [[r.field, *r.values()] for r in [*rows, total]]
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Targets:
    """Plan targets (rules.md "Plan targets"; editable per year)."""

    on_time: float = 0.95  # settled early or on time, more than
    early: float = 0.60  # settled early, at least
    apologised: float = 1.00  # late dossiers with a letter
    satisfied: float = 0.90  # satisfied or very satisfied, more than

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Targets:
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in data.items() if k in known})


class TargetKind(StrEnum):
    """The plan targets a report is held to (the fields of :class:`Targets`)."""

    ON_TIME = "on_time"  # settled early or on time
    EARLY = "early"  # settled early
    APOLOGISED = "apologised"  # late dossiers with an apology letter
    SATISFIED = "satisfied"  # applicants satisfied or very satisfied


@dataclass(frozen=True)
class TargetResult:
    kind: TargetKind
    target: float
    value: float | None  # None: nothing to measure in the period
    strict: bool  # "more than" (True) or "at least" (False)
    numerator: int = 0
    denominator: int = 0

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value > self.target if self.strict else self.value >= self.target


@dataclass(frozen=True)
class ExtraFigures:
    """What the period's report says besides the 06a table."""

    late_total: int = 0  # settled late in the period or overdue at its end
    late_with_letter: int = 0
    received_total: int = 0  # first received in the period
    received_postal: int = 0  # of them, through the postal service
    returned_postal: int = 0  # results handed to the post office in the period
    returned_total: int = 0  # results returned in the period, at the counter or by post
    rated: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    procedures_postal: int = 0  # active procedures that allow postal return
    procedures_total: int = 0
    flags: list[str] = field(default_factory=list)


def evaluate(total: Row06a, extra: ExtraFigures, targets: Targets) -> list[TargetResult]:
    settled = total.settled_total
    happy = extra.very_satisfied + extra.satisfied
    return [
        TargetResult(
            TargetKind.ON_TIME,
            targets.on_time,
            share(total.early + total.on_time, settled),
            True,
            total.early + total.on_time,
            settled,
        ),
        TargetResult(
            TargetKind.EARLY,
            targets.early,
            share(total.early, settled),
            False,
            total.early,
            settled,
        ),
        TargetResult(
            TargetKind.APOLOGISED,
            targets.apologised,
            share(extra.late_with_letter, extra.late_total),
            False,
            extra.late_with_letter,
            extra.late_total,
        ),
        TargetResult(
            TargetKind.SATISFIED,
            targets.satisfied,
            share(happy, extra.rated),
            True,
            happy,
            extra.rated,
        ),
    ]


@dataclass(frozen=True)
class Report:
    """Everything one report workbook says."""

    period: Period
    as_of: datetime  # the period's end, or the moment of building for a period still running
    office: OfficeProfile
    receiving_unit: str
    generated_at: datetime
    app_version: str
    dossiers: tuple[ReportDossier, ...]
    rows: tuple[Row06a, ...]
    total: Row06a
    extra: ExtraFigures
    targets: tuple[TargetResult, ...]
    checksum: str
    postal_items: tuple[PostalItem, ...] = ()  # handed to the post in the period, state at its end
    # A report built without its dossiers (a year's 06a alone): the content checksum of the
    # workbook, computed while they streamed past (exporting.report_xlsx.content_checksum).
    content_sum: str = ""
    # The weekly workbook's ``Số hóa`` sheet (issue 15); None: a report without it.
    digitisation: DigitisationFigures | None = None

    @property
    def late(self) -> list[ReportDossier]:
        return [d for d in self.dossiers if d.outcome.late]

    @property
    def received_by_post(self) -> list[ReportDossier]:
        return [d for d in self.dossiers if d.channel is Channel.POSTAL and not d.carried_over]
