"""Digitised papers (số hóa, issue 15): what is attached to a dossier, how long a copy stays
usable, and the figures of digitisation.

An :class:`Attachment` is one PDF: the scan of one paper of the dossier's checklist (``slot``
PAPER, ``paper_no`` its 1-based line) or of the result (``slot`` RESULT). Its content is kept,
encrypted and addressed by its SHA-256, outside this module (``db.blobs``); a paper reused from
an earlier dossier of the same person points to the same content and names that dossier
(``reused_from``).

**Validity of an earlier copy** (:func:`validity`), from the paper's name on the checklist
(folded: no tone marks, any case) and the day it was given:

- a name that says "trong N tháng" / "trong thời hạn N tháng" / "không quá N tháng" expires
  N months after it was given;
- Phiếu lý lịch tư pháp, Giấy khám sức khỏe and Giấy xác nhận tình trạng hôn nhân expire
  after 6 months (their usual validity for an application);
- civil-status extracts and certificates that do not expire (giấy khai sinh, giấy chứng sinh,
  trích lục, giấy chứng nhận kết hôn, văn bằng, chứng chỉ, quyết định …) stay VALID;
- anything else is UNKNOWN: the clerk looks at the copy (an ID card, a passport or a licence
  carries its own expiry date).

The months are calendar months: given on 31/08, six months later is 28/02 (or 29/02).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from tthc_desk.domain.text import fold


class AttachmentSlot(StrEnum):
    PAPER = "paper"  # one paper of the dossier's checklist
    RESULT = "result"  # the result of the dossier


class Validity(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class ScannedPdf(Protocol):
    """What the services take as a scan: one composed PDF and its page count
    (``tthc_desk.scanning.compose.ComposedPdf`` is one)."""

    @property
    def data(self) -> bytes: ...

    @property
    def pages(self) -> int: ...


@dataclass(frozen=True)
class Attachment:
    id: int
    dossier_code: str
    slot: AttachmentSlot
    paper_no: int | None  # 1-based line of the paper checklist; None for the result
    paper_name: str
    sha256: str
    pages: int
    size: int
    attached_by: str
    attached_at: datetime
    reused_from: str | None = None  # code of the dossier whose copy was reused


@dataclass(frozen=True)
class EarlierCopy:
    """A paper this person gave with an earlier dossier, offered for reuse."""

    attachment_id: int
    dossier_code: str
    paper_name: str
    given_at: datetime
    pages: int
    sha256: str
    validity: Validity


# -- validity ----------------------------------------------------------------------------------

#: Papers (folded names) that expire after six months.
SIX_MONTHS = (
    "ly lich tu phap",
    "kham suc khoe",
    "tinh trang hon nhan",
)
#: Papers (folded names) that do not expire.
LASTING = (
    "giay khai sinh",
    "giay chung sinh",
    "trich luc",
    "chung nhan ket hon",
    "van bang",
    "bang tot nghiep",
    "chung chi",
    "quyet dinh",
    "giay chung tu",
    "giay bao tu",
)
_MONTHS_IN_NAME = re.compile(r"(?:trong|thoi han|khong qua)\s+(?:thoi han\s+)?(\d{1,2})\s+thang")


def valid_months(paper_name: str) -> int | None:
    """How many months a copy of ``paper_name`` stays usable; 0 for a paper that does not
    expire; None when the name does not say (see the module)."""
    folded = " ".join(fold(paper_name).split())
    said = _MONTHS_IN_NAME.search(folded)
    if said:
        return int(said.group(1))
    if any(name in folded for name in SIX_MONTHS):
        return 6
    if any(name in folded for name in LASTING):
        return 0
    return None


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months, the day cut to the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def validity(paper_name: str, given_at: datetime, now: datetime) -> Validity:
    """Whether a copy of ``paper_name`` given at ``given_at`` can still be used at ``now``."""
    months = valid_months(paper_name)
    if months is None:
        return Validity.UNKNOWN
    if months == 0 or now < add_months(given_at, months):
        return Validity.VALID
    return Validity.EXPIRED


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigitisationCounts:
    """Of the dossiers of a period: how many had every required paper scanned, an e-result
    (a scanned result), and at least one paper reused from the citizen's earlier dossiers
    (Bộ chỉ số 766: 4.2, 4.1, 4.3); and how many were received with no scan at all."""

    dossiers: int = 0
    fully_scanned: int = 0
    with_e_result: int = 0
    reusing: int = 0
    without_scans: int = 0

    def __add__(self, other: DigitisationCounts) -> DigitisationCounts:
        return DigitisationCounts(
            self.dossiers + other.dossiers,
            self.fully_scanned + other.fully_scanned,
            self.with_e_result + other.with_e_result,
            self.reusing + other.reusing,
            self.without_scans + other.without_scans,
        )

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def scanned_share(self) -> float | None:
        return self._share(self.fully_scanned, self.dossiers)

    @property
    def e_result_share(self) -> float | None:
        return self._share(self.with_e_result, self.dossiers)

    @property
    def reuse_share(self) -> float | None:
        return self._share(self.reusing, self.dossiers)

    @classmethod
    def of_dossier(
        cls, required_papers: int, scanned_papers: int, has_result: bool, reused: int
    ) -> DigitisationCounts:
        """One dossier's contribution: ``required_papers`` lines on its checklist,
        ``scanned_papers`` of them with a scan, ``reused`` of those reused."""
        return cls(
            1,
            int(scanned_papers >= required_papers),
            int(has_result),
            int(reused > 0),
            int(scanned_papers == 0 and not has_result),
        )
