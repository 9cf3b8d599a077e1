"""Dossiers (hồ sơ): channels, statuses, the intake draft and the saved dossier.

The enums are codes; their Vietnamese labels are in :mod:`tthc_desk.presentation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from tthc_desk.domain.procedure import PaperKind
from tthc_desk.domain.text import ascii_digits


class Channel(StrEnum):
    DIRECT = "direct"
    POSTAL = "postal"
    ONLINE = "online"


class ReturnMethod(StrEnum):
    COUNTER = "counter"
    POSTAL = "postal"


class Status(StrEnum):
    RECEIVED = "received"  # Mới tiếp nhận
    IN_PROGRESS = "in_progress"  # Đang giải quyết
    SUPPLEMENT = "supplement"  # Chờ bổ sung
    RESULT_READY = "result_ready"  # Có kết quả
    RETURNED = "returned"  # Đã trả kết quả
    REFUSED = "refused"  # Từ chối
    STOPPED = "stopped"  # Dừng giải quyết
    WITHDRAWN = "withdrawn"  # Rút hồ sơ
    CLOSED = "closed"  # Đóng


# ASCII digits only: ``\d`` would also take fullwidth or other scripts' digits, which some input
# methods type and which would never match the same number typed at the next visit.
ID_NUMBER_RE = re.compile(r"[0-9]{12}", re.ASCII)
PHONE_RE = re.compile(r"0[0-9]{9}", re.ASCII)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_phone(raw: str) -> str:
    """Strip spaces, dots and dashes; +84 / 84 prefix becomes 0; any script's digits as ASCII."""
    digits = re.sub(r"[\s.\-()]", "", ascii_digits(raw or ""))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def id_number_problem(value: str) -> str | None:
    """Vietnamese message if ``value`` is not a 12-digit personal ID number, else None."""
    if not value:
        return "Chưa nhập số định danh cá nhân (12 chữ số)."
    if not ID_NUMBER_RE.fullmatch(value):
        return (
            f"Số định danh cá nhân phải gồm đúng 12 chữ số (đã nhập {len(value)} ký tự: “{value}”)."
        )
    return None


def phone_problem(value: str) -> str | None:
    if not value:
        return None
    if not PHONE_RE.fullmatch(value):
        return "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678)."
    return None


#: A postal address shorter than this cannot name house, street or village, commune and province.
MIN_POSTAL_ADDRESS = 10


def return_address_problem(value: str) -> str | None:
    """Vietnamese message when an address for return by post is missing or too short."""
    if not value:
        return "Nhận kết quả qua bưu chính cần địa chỉ nhận đầy đủ."
    if len(value) < MIN_POSTAL_ADDRESS:
        return (
            f"Địa chỉ nhận kết quả “{value}” quá ngắn: "
            "ghi đủ số nhà, đường hoặc thôn, xã/phường, tỉnh."
        )
    return None


def email_problem(value: str) -> str | None:
    if value and not EMAIL_RE.match(value):
        return "Địa chỉ email không hợp lệ (ví dụ ten@example.com)."
    return None


@dataclass(frozen=True)
class Person:
    """An applicant or an authorised person."""

    full_name: str
    id_number: str
    birth_date: date | None = None
    phone: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class PaperItem:
    """One paper on the intake checklist."""

    name: str
    kind: PaperKind = PaperKind.ORIGINAL
    count: int = 1
    provided: bool = True


@dataclass(frozen=True)
class DossierDraft:
    """What the clerk enters at intake; validated and saved by the dossier service."""

    procedure_code: str
    applicant: Person
    authorised: Person | None = None
    channel: Channel = Channel.DIRECT
    return_method: ReturnMethod = ReturnMethod.COUNTER
    return_address: str = ""
    papers: tuple[PaperItem, ...] = ()
    sets_count: int = 1
    fee_amount: int | None = None  # None: the catalog's fees
    note: str = ""
    received_at: datetime | None = None  # None: now
    backdate_reason: str = ""
    due_override: datetime | None = None
    due_override_reason: str = ""
    # Received by post: the item number of the parcel the post office brought (required).
    postal_reference: str = ""
    # Return by post: the recipient (default: the authorised person, else the applicant) and
    # their phone (default: the applicant's); return_address is where it goes.
    return_recipient: str = ""
    return_phone: str = ""


@dataclass(frozen=True)
class Dossier:
    """A saved dossier, as read back for display and printing."""

    id: int
    code: str
    ledger_book: str
    ledger_number: int
    procedure_code: str
    procedure_name: str
    field: str
    deciding_agency: str
    handling_unit: str
    duration_text: str  # the duration kept at intake, as presentation.duration_text words it
    applicant: Person
    authorised: Person | None
    channel: Channel
    return_method: ReturnMethod
    return_address: str
    papers: tuple[PaperItem, ...]
    sets_count: int
    fee_amount: int
    note: str
    received_at: datetime
    due_at: datetime
    status: Status
    clerk_name: str
    created_at: datetime
    backdate_reason: str = ""
    due_override_reason: str = ""
    postal_reference: str = ""
    corrections: tuple[Correction, ...] = ()
    # After intake (issue 3): the running clock is received_at/due_at (a supplement restarts it);
    # intake_at is the first receipt. due_at is the appointment that counts.
    intake_at: datetime | None = None
    original_due_at: datetime | None = None
    extended_due_at: datetime | None = None
    extension_recorded_at: datetime | None = None
    current_unit: str = ""
    supplement_requested_at: datetime | None = None
    settled_at: datetime | None = None
    returned_at: datetime | None = None
    returned_to: str = ""
    rating: str = ""
    rating_comment: str = ""
    late_reason: str = ""
    responsible_unit: str = ""
    return_recipient: str = ""
    return_phone: str = ""


@dataclass(frozen=True)
class DossierRow:
    """One line of the dossier list (light: no papers, no history)."""

    id: int
    code: str
    applicant_name: str
    id_number: str
    phone: str
    procedure_code: str
    procedure_name: str
    field: str
    received_at: datetime
    due_at: datetime
    status: Status


@dataclass(frozen=True)
class Correction:
    """A recorded correction of an intake mistake: old and new values are kept."""

    at: datetime
    by: str
    field: str
    old_value: str
    new_value: str
    reason: str


def format_dossier_code(agency_id: str, day: date, sequence: int) -> str:
    """``<agency id>-<yyMMdd>-<NNNN>``, e.g. ``000.17.22.H56-260302-0007``."""
    return f"{agency_id}-{day:%y%m%d}-{sequence:04d}"


DOSSIER_CODE_RE = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def parse_dossier_code(code: str) -> tuple[str, date, int] | None:
    m = DOSSIER_CODE_RE.match(code.strip())
    if not m:
        return None
    d = m["day"]
    try:
        day = date(2000 + int(d[:2]), int(d[2:4]), int(d[4:]))
    except ValueError:
        return None
    return m["agency"], day, int(m["seq"])
