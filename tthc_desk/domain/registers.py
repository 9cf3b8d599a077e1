"""Rows of the registers the office prints or exports: the tracking ledger (Mẫu 07) and the
list of late dossiers (explanation list and monthly public list), built from the typed rows the
report store reads. Figures are judged as of the end of the period (or now, when it is not over).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from tthc_desk.domain.apology import letter_number_text
from tthc_desk.domain.calendar import WorkCalendar
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import (
    OPEN,
    SETTLED,
    Granularity,
    OpenTimeliness,
    Timeliness,
    classify,
    classify_open,
)

#: The columns of Mẫu 07 in order (their labels are in ``resources/templates/ledger.toml``); the
#: five dates share one grouped heading. The printed and the Excel ledger both use them.
LEDGER_COLUMNS: tuple[str, ...] = (
    "number",
    "code",
    "procedure",
    "applicant",
    "address",
    "agency",
    "sets",
    "received",
    "due",
    "handed_over",
    "settled",
    "returned",
    "note",
)
LEDGER_DATE_COLUMNS: tuple[str, ...] = ("received", "due", "handed_over", "settled", "returned")


@dataclass(frozen=True)
class LedgerRow:
    """One dossier in the SỔ THEO DÕI HỒ SƠ (Mẫu 07; Mẫu 06 of TT 01/2018)."""

    code: str
    ledger_book: str
    ledger_number: int
    procedure_name: str
    field: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    deciding_agency: str
    handling_unit: str
    sets_count: int
    received_at: datetime  # first receipt (intake)
    due_at: datetime  # the appointment that counts
    handed_over_at: datetime | None  # first hand-off to the handling unit
    settled_at: datetime | None  # result (or refusal/stop) back at the office
    returned_at: datetime | None
    status: Status
    timeliness: Timeliness | OpenTimeliness | None  # None: withdrawn or closed
    note: str = ""


@dataclass(frozen=True)
class LateRow:
    """A late dossier, for the explanation list (giải trình) and the monthly public list."""

    code: str
    applicant_name: str
    procedure_name: str
    field: str
    received_at: datetime
    due_at: (
        datetime  # the appointment that was missed (the original one when the extension was late)
    )
    settled_at: datetime | None  # None: still open and overdue
    late_working_days: int
    reason: str  # empty when nobody has given one yet
    responsible_unit: str
    letter_number: str  # empty: no apology letter yet
    letter_date: datetime | None
    status: Status


def late_counts(rows: Sequence[LateRow]) -> dict[str, int]:
    """The fill-ins of a late list's intro: ``count`` in all, ``settled`` late in the period and
    ``open`` (no result yet, overdue at the period's end)."""
    still_open = sum(r.settled_at is None for r in rows)
    return {"count": len(rows), "settled": len(rows) - still_open, "open": still_open}


def check_range(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise ValidationError.for_field(
            "date_from",
            f"Ngày bắt đầu ({date_from:%d/%m/%Y}) phải trước hoặc bằng ngày kết thúc "
            f"({date_to:%d/%m/%Y}).",
        )


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def period_end(date_to: date, now: datetime) -> datetime:
    """The moment a register is judged at: the end of its last day, or now when not over."""
    return min(day_start(date_to + timedelta(days=1)), now)


# -- the tracking ledger ------------------------------------------------------------------------


class LedgerSource(NamedTuple):
    """A dossier first received in the ledger's period, as the report store reads it."""

    code: str
    ledger_book: str
    ledger_number: int
    procedure_name: str
    field: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    deciding_agency: str
    handling_unit: str
    sets_count: int
    received_at: datetime  # the first receipt
    due_at: datetime
    handed_over_at: datetime | None  # the first hand-off
    settled_at: datetime | None
    returned_at: datetime | None
    status: Status
    note: str


def timeliness(
    status: Status,
    settled: datetime | None,
    due: datetime,
    as_of: datetime,
    granularity: Granularity,
) -> Timeliness | OpenTimeliness | None:
    """Early / on time / late when settled, within time / overdue at ``as_of`` when open."""
    if status in SETTLED and settled is not None:
        return classify(settled, due, granularity)
    if status in OPEN:
        return classify_open(status, due, as_of)
    return None  # withdrawn or closed: neither settled nor pending


def ledger_row(src: LedgerSource, as_of: datetime, granularity: Granularity) -> LedgerRow:
    return LedgerRow(
        code=src.code,
        ledger_book=src.ledger_book,
        ledger_number=src.ledger_number,
        procedure_name=src.procedure_name,
        field=src.field,
        applicant_name=src.applicant_name,
        applicant_address=src.applicant_address,
        applicant_phone=src.applicant_phone,
        deciding_agency=src.deciding_agency,
        handling_unit=src.handling_unit,
        sets_count=src.sets_count,
        received_at=src.received_at,
        due_at=src.due_at,
        handed_over_at=src.handed_over_at,
        settled_at=src.settled_at,
        returned_at=src.returned_at,
        status=src.status,
        timeliness=timeliness(src.status, src.settled_at, src.due_at, as_of, granularity),
        note=src.note or "",
    )


# -- late dossiers ------------------------------------------------------------------------------


class LateSource(NamedTuple):
    """A dossier settled late in the period or overdue at its end, with its first signed letter
    (number, year, signing moment; None when it has none)."""

    code: str
    applicant_name: str
    procedure_name: str
    field: str
    received_at: datetime
    due_at: datetime
    settled_at: datetime | None
    status: Status
    late_reason: str
    responsible_unit: str
    letter_number: int | None
    letter_year: int | None
    letter_at: datetime | None


def late_row(src: LateSource, as_of: datetime, calendar: WorkCalendar) -> LateRow:
    """Late by working days from the due date to the result, or to ``as_of`` when still open."""
    still_open = src.settled_at is None or src.settled_at >= as_of
    until = as_of if still_open or src.settled_at is None else src.settled_at
    days = max(1, calendar.working_days_between(src.due_at.date(), until.date()))
    letter = ""
    if src.letter_number is not None and src.letter_year is not None:
        letter = letter_number_text(src.letter_number, src.letter_year)
    return LateRow(
        code=src.code,
        applicant_name=src.applicant_name,
        procedure_name=src.procedure_name,
        field=src.field,
        received_at=src.received_at,
        due_at=src.due_at,
        settled_at=None if still_open else src.settled_at,
        late_working_days=days,
        reason=src.late_reason or "",
        responsible_unit=src.responsible_unit or "",
        letter_number=letter,
        letter_date=src.letter_at if letter else None,
        status=src.status,
    )


def late_rows(
    sources: Iterable[LateSource], as_of: datetime, calendar: WorkCalendar
) -> list[LateRow]:
    """Dossiers settled late in the period first, then those still overdue at its end, each
    group in the order read (due date, code)."""
    settled: list[LateRow] = []
    still_open: list[LateRow] = []
    for src in sources:
        row = late_row(src, as_of, calendar)
        (still_open if row.settled_at is None else settled).append(row)
    return settled + still_open
