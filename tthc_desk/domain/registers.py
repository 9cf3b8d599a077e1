"""Rows of the registers the office prints or exports: the tracking ledger (Mẫu 07) and the
list of late dossiers (explanation list and monthly public list)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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
    status_label: str
    timeliness_label: str  # Trước hạn / Đúng hạn / Quá hạn, or Trong hạn / Quá hạn if open
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
    status_label: str


def late_counts(rows: Sequence[LateRow]) -> dict[str, int]:
    """The fill-ins of a late list's intro: ``count`` in all, ``settled`` late in the period and
    ``open`` (no result yet, overdue at the period's end)."""
    still_open = sum(r.settled_at is None for r in rows)
    return {"count": len(rows), "settled": len(rows) - still_open, "open": still_open}
