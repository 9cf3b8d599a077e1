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
from dataclasses import astuple, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from tthc_desk.domain.dossier import Status
from tthc_desk.domain.periods import Period
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


# -- figures ---------------------------------------------------------------------------------


#: Statuses of a dossier that has its result (the result, then its return). A refusal or a stop
#: is settled too, but gives no result to scan.
WITH_RESULT = frozenset({Status.RESULT_READY, Status.RETURNED})


class DigitisationLine(StrEnum):
    """The lines the figures of digitisation are shown in (reports page, CLI, workbook), in
    order: :meth:`DigitisationCounts.lines`."""

    RECEIVED = "received"
    FULLY_SCANNED = "fully_scanned"
    WITH_RESULT = "with_result"
    E_RESULT = "e_result"  # 766: 4.1
    COMPLETE = "complete"  # 766: 4.2
    REUSING = "reusing"  # 766: 4.3
    WITHOUT_SCANS = "without_scans"


@dataclass(frozen=True)
class DigitisationCounts:
    """The digitisation of the dossiers of a period (issue 15, Bộ chỉ số 766 group 4).

    Which dossiers, and as of when, is the caller's (``AttachmentStore.period_counts``: those
    first received in the period, with the scans attached by its end). Of them:

    - ``fully_scanned``: every paper provided on the checklist has a scan (made for it or reused
      from an earlier dossier); a checklist with no paper provided has nothing to scan and counts;
    - ``with_e_result``: the result is scanned (an e-result, 766 indicator 4.1);
    - ``reusing``: at least one paper is a digitised copy reused from the citizen's earlier
      dossier (4.3);
    - ``without_scans``: no scan at all, neither paper nor result (the attention page's list);
    - ``with_result``: the dossier has its result — its status says so, or its result is
      scanned — the denominator of 4.1 and 4.2 (see :attr:`e_result_share`);
    - ``complete``: every paper scanned *and* the result scanned (4.2, "thành phần và kết quả").

    ``with_e_result`` and ``complete`` are parts of ``with_result``; the other counts are parts of
    ``dossiers``.
    """

    dossiers: int = 0
    fully_scanned: int = 0
    with_e_result: int = 0
    reusing: int = 0
    without_scans: int = 0
    with_result: int = 0
    complete: int = 0

    def __add__(self, other: DigitisationCounts) -> DigitisationCounts:
        return DigitisationCounts(
            *(a + b for a, b in zip(astuple(self), astuple(other), strict=True))
        )

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def scanned_share(self) -> float | None:
        """Every paper scanned, of the dossiers."""
        return self._share(self.fully_scanned, self.dossiers)

    @property
    def e_result_share(self) -> float | None:
        """A scanned result, of the dossiers that have their result (766 4.1: "dossiers whose
        procedure returns a paper result"; the catalog does not say which procedures do, so
        every dossier that reached its result counts)."""
        return self._share(self.with_e_result, self.with_result)

    @property
    def complete_share(self) -> float | None:
        """Papers and result scanned, of the dossiers that have their result (766 4.2)."""
        return self._share(self.complete, self.with_result)

    @property
    def reuse_share(self) -> float | None:
        """Reusing a digitised paper, of the dossiers (766 4.3)."""
        return self._share(self.reusing, self.dossiers)

    @property
    def without_scans_share(self) -> float | None:
        return self._share(self.without_scans, self.dossiers)

    def lines(self) -> tuple[tuple[DigitisationLine, int, int | None], ...]:
        """Each line with its count and what it is a share of (None: the whole itself)."""
        L = DigitisationLine
        return (
            (L.RECEIVED, self.dossiers, None),
            (L.FULLY_SCANNED, self.fully_scanned, self.dossiers),
            (L.WITH_RESULT, self.with_result, self.dossiers),
            (L.E_RESULT, self.with_e_result, self.with_result),
            (L.COMPLETE, self.complete, self.with_result),
            (L.REUSING, self.reusing, self.dossiers),
            (L.WITHOUT_SCANS, self.without_scans, self.dossiers),
        )

    @classmethod
    def of_dossier(
        cls,
        required_papers: int,
        scanned_papers: int,
        has_result: bool,
        reused: int,
        result_given: bool = False,
    ) -> DigitisationCounts:
        """One dossier's contribution: ``required_papers`` lines provided on its checklist,
        ``scanned_papers`` of them with a scan, ``reused`` of those reused, ``has_result`` its
        result scanned, ``result_given`` its status says it has its result."""
        full = scanned_papers >= required_papers
        return cls(
            1,
            int(full),
            int(has_result),
            int(reused > 0),
            int(scanned_papers == 0 and not has_result),
            int(has_result or result_given),
            int(full and has_result),
        )


@dataclass(frozen=True)
class UnscannedDossier:
    """A dossier received with no scan (the weekly workbook's list): no name, as the workbook
    names no applicant."""

    code: str
    field: str
    procedure_name: str
    received_at: datetime
    papers: int  # papers provided on its checklist


@dataclass(frozen=True)
class DigitisationFigures:
    """The digitisation of a period's dossiers as of its end (or now, for a period still
    running), the dossiers received with no scan, and whether the office has any scan at all
    (without one, the 766 indicators 4.x are not computable from its data)."""

    period: Period
    as_of: datetime
    counts: DigitisationCounts
    unscanned: tuple[UnscannedDossier, ...] = ()
    office_has_scans: bool = True
