"""Personal data in files that leave the PC (Nghị định 13/2023/NĐ-CP), and how long the app keeps
the files it writes into its own folders.

Each exporter decides which of a citizen's data its recipient needs (README, “Dữ liệu cá nhân
trong tệp xuất”); these are the shared pieces:

- :func:`mask_id_number` hides the middle of an ID number (CCCD 12 digits, CMND 9) when a file
  must name one without revealing it: ``001190012345`` → ``0011******45``;
- :func:`scrub_free_text` masks what looks like an ID number inside text a person typed (a late
  reason, a note) before it goes into a workbook for someone outside the office;
- :class:`Retention` and :func:`parse_retention_days`: the administrator's setting of how many days
  reports and generated files are kept (0: kept for ever), checked the same way by the settings
  dialog and the command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tthc_desk.domain.errors import ValidationError

#: Digits shown at the start and the end of a masked ID number (the province code and a check).
_KEEP_HEAD, _KEEP_TAIL = 4, 2
#: A run of 9 (CMND) or 12 (CCCD, số định danh cá nhân) digits standing alone.
_ID_IN_TEXT = re.compile(r"(?<!\d)(\d{12}|\d{9})(?!\d)")


def mask_id_number(value: str | None) -> str:
    """``001190012345`` → ``0011******45``; shorter than 7 characters: all stars; empty stays."""
    text = "".join((value or "").split())
    if not text:
        return ""
    if len(text) <= _KEEP_HEAD + _KEEP_TAIL:
        return "*" * len(text)
    hidden = len(text) - _KEEP_HEAD - _KEEP_TAIL
    return text[:_KEEP_HEAD] + "*" * hidden + text[-_KEEP_TAIL:]


def scrub_free_text(value: str | None) -> str:
    """``value`` with every stand-alone run of 9 or 12 digits masked (an ID number typed into a
    reason or a note does not travel with the file)."""
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(1)), value or "")


# -- retention of the app's own files ------------------------------------------------------------

REPORTS_DAYS_KEY = "retention_reports_days"
OUTPUT_DAYS_KEY = "retention_output_days"
#: Weekly and periodic workbooks in ``reports/``: kept 90 days after they were sent.
DEFAULT_REPORTS_DAYS = 90
#: PDFs and workbooks saved in ``output/``: kept 30 days after they were written.
DEFAULT_OUTPUT_DAYS = 30
#: Ten years: beyond that a number is a typing mistake, not a policy.
MAX_DAYS = 3650


#: How a message names each setting (the field names are those of the form and of the service).
RETENTION_FIELDS = {
    "reports_days": "Số ngày giữ báo cáo (thư mục reports)",
    "output_days": "Số ngày giữ tệp in, tệp xuất (thư mục output)",
}


@dataclass(frozen=True)
class Retention:
    """Days each folder keeps its files; 0 keeps them for ever."""

    reports_days: int = DEFAULT_REPORTS_DAYS
    output_days: int = DEFAULT_OUTPUT_DAYS

    def reports_cutoff(self, now: datetime) -> datetime | None:
        """Reports sent (or written, when never queued) before this moment go; None: none go."""
        return now - timedelta(days=self.reports_days) if self.reports_days else None

    def output_cutoff(self, now: datetime) -> datetime | None:
        return now - timedelta(days=self.output_days) if self.output_days else None


def parse_retention_days(value: object, field: str) -> int:
    """A number of days from a setting or a form (``90``, ``"90"``); 0 means keep for ever.

    Raises a ValidationError naming ``field`` for anything else (a word, a fraction, a negative
    number, more than ten years)."""
    text = str(value).strip() if value is not None else ""
    what = RETENTION_FIELDS.get(field, "Số ngày giữ tệp")
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,5}", text):
        raise ValidationError.for_field(
            field,
            f"{what} “{text}” không hợp lệ: nhập số nguyên từ 0 đến {MAX_DAYS} (0: giữ mãi).",
        )
    days = int(text)
    if days > MAX_DAYS:
        raise ValidationError.for_field(
            field, f"{what} {days} quá lớn: tối đa {MAX_DAYS} ngày (0: giữ mãi)."
        )
    return days
