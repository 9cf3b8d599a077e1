"""Public postal service (bưu chính công ích): the delivery states of a result sent by post,
the changes allowed between them, and waybill numbers.

rules.md "Channels, postal service", reference.md §5 (QĐ 45/2016/QĐ-TTg): a result registered
for return by post waits at the office, is handed to the post office on a numbered list (the
handover counts as returning the result), then is delivered, fails to be delivered (the post
tries again), or comes back to the office (chuyển hoàn), which then returns it at the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from tthc_desk.domain.dossier import ReturnMethod, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.naming import name
from tthc_desk.domain.text import ID_TEXT_MAX, nfc, text_problem

#: Who carries the result once it leaves the counter (the other side of a handover).
POST_OFFICE = "Bưu chính công ích"


def minute(value: datetime) -> datetime:
    """``value`` without seconds: postal steps are recorded to the minute."""
    return value.replace(second=0, microsecond=0)


#: The counter PC's clock and the post office's may differ a little.
FUTURE_TOLERANCE = timedelta(minutes=1)


class PostalState(StrEnum):
    """Where a result to be returned by post is; the value is the CLI's ``--status`` word."""

    WAITING = "waiting"  # result ready, registered for postal return, not yet handed over
    HANDED_OVER = "handed_over"  # on a handover list, in the post office's hands
    DELIVERED = "delivered"  # delivered to the recipient
    FAILED = "failed"  # a delivery attempt failed; the post tries again or sends it back
    RETURNED = "returned"  # sent back to the one-stop office (chuyển hoàn)


#: The states a status update (by hand or from the post office's file) may lead to.
OUTCOMES = (PostalState.DELIVERED, PostalState.FAILED, PostalState.RETURNED)

#: Allowed changes of a handed-over item. A failed attempt may be followed by another attempt
#: (failed again, with a new date), a delivery, or the return to the office. Delivered and
#: returned are final: a returned result goes back to the counter queue, and sending it again
#: by post makes a new item on a new list.
TRANSITIONS: dict[PostalState, frozenset[PostalState]] = {
    PostalState.WAITING: frozenset({PostalState.HANDED_OVER}),
    PostalState.HANDED_OVER: frozenset(OUTCOMES),
    PostalState.FAILED: frozenset(OUTCOMES),
    PostalState.DELIVERED: frozenset(),
    PostalState.RETURNED: frozenset(),
}


def change_problem(current: PostalState, target: PostalState) -> str | None:
    """Vietnamese reason why ``current`` cannot become ``target``, or None when it can."""
    if target in TRANSITIONS[current]:
        return None
    if not TRANSITIONS[current]:
        return (
            f"Bưu gửi đã ở trạng thái cuối “{name(current)}”, không đổi sang “{name(target)}” được."
        )
    return f"Không chuyển được từ “{name(current)}” sang “{name(target)}”."


# -- waybill numbers ---------------------------------------------------------------------------

WAYBILL_MIN = 6
WAYBILL_MAX = 30
_WAYBILL_RE = re.compile(rf"^[A-Z0-9]{{{WAYBILL_MIN},{WAYBILL_MAX}}}$")
#: UPU S10 item numbers used by Vietnam Post: two letters, 8 digits, a check digit, "VN".
S10_RE = re.compile(r"^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def normalise_waybill(raw: str | None) -> str:
    """NFC, every space removed, upper case: "eb 1234 5678 9vn" → "EB123456789VN"."""
    return re.sub(r"\s+", "", nfc(raw)).upper()


def waybill_problem(value: str) -> str | None:
    """Vietnamese message when a normalised waybill number is not acceptable, else None."""
    if not value:
        return "Chưa nhập số hiệu bưu gửi."
    if not _WAYBILL_RE.match(value):
        return (
            f"Số hiệu bưu gửi “{value}” không hợp lệ: chỉ gồm chữ cái không dấu và chữ số, "
            f"dài {WAYBILL_MIN}–{WAYBILL_MAX} ký tự (ví dụ EB123456789VN)."
        )
    return None


def parse_waybill(raw: str | None, field: str = "waybill") -> str:
    """The normalised waybill number, or a ValidationError on ``field``."""
    if msg := text_problem(nfc(raw), "Số hiệu bưu gửi", ID_TEXT_MAX):
        raise ValidationError.for_field(field, msg)
    value = normalise_waybill(raw)
    if msg := waybill_problem(value):
        raise ValidationError.for_field(field, msg)
    return value


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_warning(value: str) -> str | None:
    """A hint (never a refusal: other operators use other formats) when a number shaped like a
    Vietnam Post item number has a wrong check digit, which usually means a typing mistake."""
    m = S10_RE.match(value)
    if m and s10_check_digit(m[1]) != int(m[2]):
        return (
            f"Số hiệu bưu gửi “{value}” có chữ số kiểm tra không khớp chuẩn UPU S10: "
            "kiểm tra lại nếu số được gõ tay."
        )
    return None


# -- status words ------------------------------------------------------------------------------

#: What a status file or the ``--status`` option may say, as shown in messages. The words
#: themselves are read by :func:`tthc_desk.presentation.parse_status_word`.
STATUS_CHOICES = (
    "delivered (Đã phát thành công), failed (Phát không thành công), returned (Chuyển hoàn)"
)


# -- numbers of the handover lists --------------------------------------------------------------


def batch_number_text(number: int, year: int) -> str:
    """ "03/2026/BGBC": the list's number in the year, the year, BGBC (bàn giao bưu chính)."""
    return f"{number:02d}/{year}/BGBC"


_BATCH_RE = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{4})(?:\s*/\s*BGBC)?\s*$", re.IGNORECASE)


def parse_batch_number(text: str) -> tuple[int, int] | None:
    """(number, year) of "03/2026/BGBC" or "3/2026"; None when it is not such a number."""
    m = _BATCH_RE.match(nfc(text))
    return (int(m[1]), int(m[2])) if m else None


# -- what the services return ------------------------------------------------------------------


@dataclass(frozen=True)
class PostalItem:
    """One result to return by post: waiting for handover (``id`` None) or on a handover list."""

    dossier_code: str
    applicant_name: str
    procedure_name: str
    recipient_name: str
    recipient_address: str
    recipient_phone: str
    state: PostalState
    id: int | None = None
    waybill: str = ""
    batch_number: str = ""  # "03/2026/BGBC"; empty while waiting
    settled_at: datetime | None = None  # the result reached the office
    handed_over_at: datetime | None = None
    delivered_at: datetime | None = None
    failed_at: datetime | None = None
    returned_at: datetime | None = None
    note: str = ""
    fee_amount: int = 0
    taken_at_counter: bool = False  # sent back (chuyển hoàn), then returned in person

    @property
    def last_moment(self) -> datetime | None:
        """The moment of the current state."""
        return {
            PostalState.WAITING: self.settled_at,
            PostalState.HANDED_OVER: self.handed_over_at,
            PostalState.DELIVERED: self.delivered_at,
            PostalState.FAILED: self.failed_at,
            PostalState.RETURNED: self.returned_at,
        }[self.state]


@dataclass(frozen=True)
class PostalDossier:
    """A dossier as the postal rules read it: its state, who it belongs to, and where and to
    whom its result goes."""

    id: int
    code: str
    status: Status
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_phone: str
    applicant_address: str
    authorised_name: str
    authorised_phone: str
    return_method: ReturnMethod
    return_address: str
    return_recipient: str
    return_phone: str
    settled_at: datetime | None
    fee_amount: int

    @property
    def waiting_for_post(self) -> bool:
        """The result is ready and registered for return by post, not yet handed over."""
        return self.status is Status.RESULT_READY and self.return_method is ReturnMethod.POSTAL

    @property
    def recipient_name(self) -> str:
        """Who the post delivers to: the recipient named, else the authorised person, else the
        applicant."""
        return self.return_recipient or self.authorised_name or self.applicant_name

    @property
    def recipient_phone(self) -> str:
        return self.return_phone or self.applicant_phone

    def waiting_item(self) -> PostalItem:
        """The row of the "waiting for handover" tab."""
        return PostalItem(
            dossier_code=self.code,
            applicant_name=self.applicant_name,
            procedure_name=self.procedure_name,
            recipient_name=self.recipient_name,
            recipient_address=self.return_address,
            recipient_phone=self.recipient_phone,
            state=PostalState.WAITING,
            settled_at=self.settled_at,
            fee_amount=self.fee_amount,
        )


@dataclass(frozen=True)
class PostalBatch:
    """A handover list (DANH SÁCH BÀN GIAO) and its items, in list order."""

    id: int
    year: int
    number: int
    created_at: datetime
    created_by: str
    postal_employee: str
    items: tuple[PostalItem, ...]

    @property
    def number_text(self) -> str:
        return batch_number_text(self.number, self.year)

    @property
    def missing_waybills(self) -> int:
        return sum(1 for item in self.items if not item.waybill)


#: The columns of a handover list in order (their labels are in
#: ``resources/templates/postal_handover.toml``); the printed and the Excel list both use them.
HANDOVER_COLUMNS: tuple[str, ...] = (
    "number",
    "code",
    "procedure",
    "result",
    "applicant",
    "fee",
    "postal",
    "waybill",
    "recipient",
    "address",
)
#: Columns of short marks (the number, "X"), centred.
HANDOVER_CENTRED_COLUMNS: tuple[str, ...] = ("number", "fee", "postal")


@dataclass(frozen=True)
class PostalCounts:
    """How many results are in each state, for the postal page's tabs."""

    waiting: int = 0
    handed_over: int = 0
    delivered: int = 0
    failed: int = 0
    returned: int = 0

    def of(self, state: PostalState) -> int:
        return int(getattr(self, state.value))


@dataclass(frozen=True)
class PostalShares:
    """Dossiers received and returned by post in a period (both ends included), for reports.

    ``received_*``: dossiers first received in the period, and those of them received by post.
    ``returned_*``: dossiers whose result was returned in the period (at the counter or by post),
    and those handed to the post office in it. Shares are fractions 0–1 (0 when nothing).
    """

    date_from: date
    date_to: date
    received_total: int
    received_by_post: int
    returned_total: int
    returned_by_post: int

    @property
    def received_share(self) -> float:
        return self.received_by_post / self.received_total if self.received_total else 0.0

    @property
    def returned_share(self) -> float:
        return self.returned_by_post / self.returned_total if self.returned_total else 0.0


def shares_window(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments ``[from, to)`` covering the days ``start``–``end`` (both included)."""
    if start > end:
        raise ValidationError.for_field(
            "start",
            f"Ngày bắt đầu ({start:%d/%m/%Y}) phải trước hoặc bằng ngày kết thúc ({end:%d/%m/%Y}).",
        )
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def percent_text(share: float) -> str:
    """0.125 → "12,5%" (Vietnamese decimal comma)."""
    return f"{share * 100:.1f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class StatusRow:
    """One checked row of a post office status file."""

    row: int
    waybill: str
    state: PostalState
    at: datetime
    date_only: bool = False  # the file gave a day without a time


@dataclass(frozen=True)
class StatusImportSummary:
    """What a status import changed."""

    delivered: int = 0
    failed: int = 0
    returned: int = 0
    unchanged: int = 0  # rows confirming a state already recorded

    @property
    def total(self) -> int:
        return self.delivered + self.failed + self.returned + self.unchanged


def postal_state_at(item: PostalItem, moment: datetime) -> PostalState:
    """The state of a handed-over item at ``moment``, from its dates (a report rebuilt later
    says what was known at its end)."""
    if item.returned_at is not None and item.returned_at < moment:
        return PostalState.RETURNED
    if item.delivered_at is not None and item.delivered_at < moment:
        return PostalState.DELIVERED
    if item.failed_at is not None and item.failed_at < moment:
        return PostalState.FAILED
    return PostalState.HANDED_OVER
