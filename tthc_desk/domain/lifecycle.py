"""A dossier's life after intake: the moves between statuses and the timeliness of its result.

rules.md "Lifecycle", "Classification": the domain says which move is possible from which status
and how a settled or open dossier is classified; services record the moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tthc_desk.domain.dossier import Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.naming import name


class Move(StrEnum):
    """What can happen to a dossier; the value is the CLI's ``--to`` word."""

    HAND_OVER = "handed-over"  # to a specialist unit, or from one unit to another
    SUPPLEMENT = "supplement"  # supplement requested (Mẫu 02); the clock stops
    SUPPLEMENTED = "supplemented"  # the completed dossier is back; the clock restarts from zero
    RESULT_READY = "result-ready"  # the result reaches the one-stop office: settled
    RETURNED = "returned"  # the result is handed to the applicant (or sent by post)
    REFUSED = "refused"  # refusal (Mẫu 03): settled
    STOPPED = "stopped"  # stopped at the applicant's request (Mẫu 05): settled
    WITHDRAWN = "withdrawn"  # the applicant took the dossier back
    CLOSED = "closed"  # supplement not provided in time


_OPEN_EXITS = {
    Move.REFUSED: Status.REFUSED,
    Move.STOPPED: Status.STOPPED,
    Move.WITHDRAWN: Status.WITHDRAWN,
}

TRANSITIONS: dict[Status, dict[Move, Status]] = {
    Status.RECEIVED: {
        Move.HAND_OVER: Status.IN_PROGRESS,
        Move.SUPPLEMENT: Status.SUPPLEMENT,
        # Same-day procedures (chứng thực) are often settled at the counter itself.
        Move.RESULT_READY: Status.RESULT_READY,
        **_OPEN_EXITS,
    },
    Status.IN_PROGRESS: {
        Move.HAND_OVER: Status.IN_PROGRESS,
        Move.SUPPLEMENT: Status.SUPPLEMENT,
        Move.RESULT_READY: Status.RESULT_READY,
        **_OPEN_EXITS,
    },
    Status.SUPPLEMENT: {
        Move.SUPPLEMENTED: Status.RECEIVED,
        Move.CLOSED: Status.CLOSED,
        Move.STOPPED: Status.STOPPED,
        Move.WITHDRAWN: Status.WITHDRAWN,
    },
    Status.RESULT_READY: {Move.RETURNED: Status.RETURNED},
    Status.RETURNED: {},
    Status.REFUSED: {},
    Status.STOPPED: {},
    Status.WITHDRAWN: {},
    Status.CLOSED: {},
}

#: Statuses whose result (or refusal / stop) has been issued.
SETTLED = frozenset({Status.RESULT_READY, Status.RETURNED, Status.REFUSED, Status.STOPPED})
#: Statuses that are finished and left the office's workload without a result.
ENDED_WITHOUT_RESULT = frozenset({Status.WITHDRAWN, Status.CLOSED})
#: Statuses still being worked on.
OPEN = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT})
#: Open statuses whose clock runs: waiting for a supplement stops it (never due nor overdue).
RUNNING = (Status.RECEIVED, Status.IN_PROGRESS)


def allowed_moves(status: Status) -> list[Move]:
    return list(TRANSITIONS[status])


def next_status(status: Status, move: Move) -> Status:
    """The status after ``move``, or a ValidationError saying why the move is impossible."""
    target = TRANSITIONS[status].get(move)
    if target is None:
        possible = ", ".join(name(m).lower() for m in TRANSITIONS[status]) or "không còn bước nào"
        raise ValidationError.for_field(
            "move",
            f"Không thể “{name(move).lower()}” hồ sơ đang ở trạng thái “{name(status)}”"
            f" (có thể: {possible}).",
        )
    return target


class Timeliness(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


class OpenTimeliness(StrEnum):
    WITHIN = "within"
    OVERDUE = "overdue"


class Granularity(StrEnum):
    DAY = "day"
    MINUTE = "minute"


def classify(
    settled_at: datetime, due_at: datetime, granularity: Granularity = Granularity.DAY
) -> Timeliness:
    """Trước hạn / Đúng hạn / Quá hạn by comparing the settled moment with the due moment.

    By day (the default reading of Biểu 06): any time on the due day is on time. By minute:
    before the due moment is early, at it on time, after it late.
    """
    if granularity is Granularity.DAY:
        return _compare(settled_at.date(), due_at.date())
    return _compare(
        settled_at.replace(second=0, microsecond=0), due_at.replace(second=0, microsecond=0)
    )


def _compare(settled: date, due: date) -> Timeliness:
    """Before, at or after the due day (or minute: a datetime is a date)."""
    if settled < due:
        return Timeliness.EARLY
    if settled == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def classify_open(status: Status, due_at: datetime, at: datetime) -> OpenTimeliness:
    """An open dossier at moment ``at``: within time until its due moment; waiting for a
    supplement always counts as within time (the clock is stopped)."""
    if status is Status.SUPPLEMENT or at <= due_at:
        return OpenTimeliness.WITHIN
    return OpenTimeliness.OVERDUE


def extension_counts(recorded_at: datetime, original_due: datetime) -> bool:
    """An extension counts when the letter was signed no later than the calendar day before the
    original due day, at any time of that day (rules.md "Classification"; Nghị định 118/2025
    Điều 19: "chậm nhất 01 ngày trước ngày hết hạn"). For a dossier due on Monday a letter
    signed on the Saturday or Sunday before still counts; one signed on the due day does not.
    """
    return recorded_at.date() < original_due.date()


class EventKind(StrEnum):
    """The steps of a dossier's history besides the moves (whose kind is the Move's value)."""

    RECEIVED = "received"
    CORRECTED = "corrected"
    APOLOGY = "apology"
    APOLOGY_DELIVERED = "apology_delivered"
    # Public postal service (services/postal_service.py). The handover itself is a "returned".
    RETURN_CHANGED = "return_changed"
    POSTAL_WAYBILL = "postal_waybill"
    POSTAL_DELIVERED = "postal_delivered"
    POSTAL_FAILED = "postal_failed"
    POSTAL_RETURNED = "postal_returned"


@dataclass(frozen=True)
class DossierEvent:
    """One step of a dossier's history, as shown on the timeline and the control slip."""

    at: datetime
    kind: str  # an EventKind or a Move value
    actor: str = ""
    from_unit: str = ""
    to_unit: str = ""
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


APOLOGY_REASONS: tuple[str, ...] = (
    "Hồ sơ cần xác minh, lấy ý kiến của cơ quan, đơn vị liên quan",
    "Cơ quan phối hợp chậm trả lời",
    "Hệ thống thông tin, cơ sở dữ liệu gặp sự cố",
    "Cán bộ xử lý vắng mặt (ốm đau, công tác)",
    "Số lượng hồ sơ tăng đột biến",
    "Lý do khác",
)


class Rating(StrEnum):
    """How satisfied the applicant said they were when the result was returned."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"


RATING_PROBLEM = "Mức hài lòng phải là “Rất hài lòng”, “Hài lòng” hoặc “Không hài lòng”."


def rating_of(code: str) -> Rating:
    """The rating a code names, or a ValidationError (presentation reads the labels typed)."""
    try:
        return Rating(code)
    except ValueError:
        raise ValidationError.for_field("rating", RATING_PROBLEM) from None


SUPPLEMENT_REQUEST_LIMIT_DAYS = 3  # working days after receipt (ND 118 Đ19.5)
SUPPLEMENT_CLOSE_AFTER = timedelta(days=15)  # calendar days after the request (setting)


class LetterStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"


@dataclass(frozen=True)
class ApologyLetter:
    """Mẫu 04: an apology with a new appointment, for one dossier."""

    id: int
    dossier_code: str
    applicant_name: str
    applicant_address: str
    procedure_name: str
    received_at: datetime
    original_due_at: datetime
    proposed_due_at: datetime
    reason: str
    reason_detail: str
    responsible_unit: str
    signer_name: str
    signer_title: str
    signer_prefix: str
    status: LetterStatus
    created_at: datetime
    auto: bool = True
    year: int | None = None
    number: int | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str = ""
    delivered_at: datetime | None = None
    delivery_method: str = ""
    override: bool = False
    override_by: str = ""
    override_reason: str = ""

    @property
    def number_text(self) -> str:
        """ "05/XL-2026" style register number, empty for a draft."""
        if self.number is None or self.year is None:
            return ""
        return f"{self.number:02d}/{self.year}/PXL"

    @property
    def full_reason(self) -> str:
        return ". ".join(p for p in (self.reason, self.reason_detail) if p)
