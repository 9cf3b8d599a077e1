"""Reporting periods: the week, and the month, quarter, half-year and year with the cut-offs of
Nghị định 09/2019 Điều 12 (rules.md "Reporting periods"), or a custom range.

A month runs from the 15th of the previous month to the 14th (setting: calendar months); Q1 is
15/12–14/03, Q2 15/03–14/06, Q3 15/06–14/09, Q4 15/09–14/12; the half-year 15/12–14/06 and
15/06–14/12; the year 15/12–14/12. A week runs Monday 00:00 to Sunday 24:00 (setting: the day it
starts). Every period has a stable ``key`` (``2026-W09``, ``2026-03``, ``2026-Q1``, ``2026-H1``,
``2026``, ``2026-02-15_2026-03-14``) used in file names and to match a rebuilt report with the
one it replaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from tthc_desk.domain.errors import ValidationError

CUTOFF_DAY = 15  # a reporting month starts on the 15th of the month before


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """A reporting period; :func:`tthc_desk.presentation.period_label` words it ("Tuần 09/2026",
    "Quý I năm 2026", …) from its kind and key."""

    kind: PeriodKind
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    key: str

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def as_of(self) -> datetime:
        """The end of the period (midnight after its last day): figures are as of this moment."""
        return datetime.combine(self.end + timedelta(days=1), time.min)


def _month_start(year: int, month: int, cutoff: bool) -> date:
    """First day of reporting month ``month`` of ``year``."""
    if not cutoff:
        return date(year, month, 1)
    return date(year - 1, 12, CUTOFF_DAY) if month == 1 else date(year, month - 1, CUTOFF_DAY)


def _month_end(year: int, month: int, cutoff: bool) -> date:
    if cutoff:
        return date(year, month, CUTOFF_DAY - 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def week(iso_year: int, iso_week: int, week_start: int = 0) -> Period:
    """ISO week ``iso_week`` of ``iso_year``; ``week_start`` 0 = Monday … 6 = Sunday (setting):
    the week starts that many days after the ISO Monday."""
    try:
        monday = date.fromisocalendar(iso_year, iso_week, 1)
    except ValueError as exc:
        raise ValidationError.for_field(
            "period", f"Không có tuần {iso_week} trong năm {iso_year}."
        ) from exc
    start = monday + timedelta(days=week_start)
    end = start + timedelta(days=6)
    return Period(PeriodKind.WEEK, start, end, f"{iso_year}-W{iso_week:02d}")


def week_of(day: date, week_start: int = 0) -> Period:
    """The reporting week that contains ``day``."""
    shifted = day - timedelta(days=week_start)
    iso_year, iso_week, _ = shifted.isocalendar()
    return week(iso_year, iso_week, week_start)


def last_week(today: date, week_start: int = 0) -> Period:
    """The latest week that has ended before ``today``."""
    return week_of(week_of(today, week_start).start - timedelta(days=1), week_start)


def month(year: int, month_: int, cutoff: bool = True) -> Period:
    if not 1 <= month_ <= 12:
        raise ValidationError.for_field("period", f"Tháng {month_} không hợp lệ (1–12).")
    return Period(
        PeriodKind.MONTH,
        _month_start(year, month_, cutoff),
        _month_end(year, month_, cutoff),
        f"{year}-{month_:02d}",
    )


def quarter(year: int, q: int, cutoff: bool = True) -> Period:
    if not 1 <= q <= 4:
        raise ValidationError.for_field("period", f"Quý {q} không hợp lệ (1–4).")
    first, last = 3 * q - 2, 3 * q
    return Period(
        PeriodKind.QUARTER,
        _month_start(year, first, cutoff),
        _month_end(year, last, cutoff),
        f"{year}-Q{q}",
    )


def half(year: int, h: int, cutoff: bool = True) -> Period:
    if h not in (1, 2):
        raise ValidationError.for_field("period", f"Kỳ 6 tháng {h} không hợp lệ (1 hoặc 2).")
    first, last = (1, 6) if h == 1 else (7, 12)
    return Period(
        PeriodKind.HALF,
        _month_start(year, first, cutoff),
        _month_end(year, last, cutoff),
        f"{year}-H{h}",
    )


def year(year_: int, cutoff: bool = True) -> Period:
    return Period(
        PeriodKind.YEAR,
        _month_start(year_, 1, cutoff),
        _month_end(year_, 12, cutoff),
        f"{year_}",
    )


def custom(start: date, end: date) -> Period:
    if end < start:
        raise ValidationError.for_field(
            "period", "Ngày cuối phải từ ngày đầu trở đi: sửa lại khoảng thời gian."
        )
    return Period(PeriodKind.CUSTOM, start, end, f"{start:%Y-%m-%d}_{end:%Y-%m-%d}")


def containing(kind: PeriodKind, day: date, cutoff: bool = True) -> Period:
    """The month, quarter, half or year (with cut-offs) that contains ``day``."""
    # With cut-offs, days from the 15th belong to the next reporting month.
    y, m = day.year, day.month
    if cutoff and day.day >= CUTOFF_DAY:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if kind is PeriodKind.MONTH:
        return month(y, m, cutoff)
    if kind is PeriodKind.QUARTER:
        return quarter(y, (m - 1) // 3 + 1, cutoff)
    if kind is PeriodKind.HALF:
        return half(y, 1 if m <= 6 else 2, cutoff)
    if kind is PeriodKind.YEAR:
        return year(y, cutoff)
    raise ValueError(f"no containing period for {kind}")


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(text: str, week_start: int = 0) -> Period:
    """``2026-W09`` (or ``2026W9``) → that week."""
    m = _WEEK.match(text.strip())
    if not m:
        raise ValidationError.for_field(
            "period", f"Tuần “{text}” không đúng dạng NĂM-WSỐ, ví dụ 2026-W09."
        )
    return week(int(m.group(1)), int(m.group(2)), week_start)


def parse_key(kind: PeriodKind, text: str, cutoff: bool = True) -> Period:
    """A period from its key: ``2026-03`` (month), ``2026-Q1``, ``2026-H2``, ``2026``."""
    t = text.strip().upper()
    patterns: dict[PeriodKind, tuple[str, Callable[[int, int], Period], str]] = {
        PeriodKind.MONTH: (r"^(\d{4})-(\d{1,2})$", lambda y, n: month(y, n, cutoff), "2026-03"),
        PeriodKind.QUARTER: (r"^(\d{4})-Q([1-4])$", lambda y, n: quarter(y, n, cutoff), "2026-Q1"),
        PeriodKind.HALF: (r"^(\d{4})-H([12])$", lambda y, n: half(y, n, cutoff), "2026-H1"),
    }
    if kind is PeriodKind.WEEK:
        return parse_week(t)
    if kind is PeriodKind.YEAR:
        if re.fullmatch(r"\d{4}", t):
            return year(int(t), cutoff)
        raise ValidationError.for_field("period", f"Năm “{text}” không đúng dạng, ví dụ 2026.")
    pattern, make, example = patterns[kind]
    m = re.match(pattern, t)
    if not m:
        raise ValidationError.for_field("period", f"Kỳ “{text}” không đúng dạng, ví dụ {example}.")
    return make(int(m.group(1)), int(m.group(2)))


# The period word in a report's file name: ASCII, so the name survives any mail server or share.
_FILE_WORDS = (
    (re.compile(r"^\d{4}-W\d{2}$"), "tuan"),
    (re.compile(r"^\d{4}-\d{2}$"), "thang"),
    (re.compile(r"^\d{4}-Q\d$"), "quy"),
    (re.compile(r"^\d{4}-H\d$"), "6thang"),
    (re.compile(r"^\d{4}$"), "nam"),
)


def report_file_name(
    office_id: str, period_key: str, *, weekly: bool, version: int = 1, ext: str = ".xlsx"
) -> str:
    """The one name of a report file, wherever it is saved, queued or sent.

    The weekly workbook is ``<office>_tuan_<key>`` (``000.17.22.H56_tuan_2026-W09.xlsx``); a
    periodic Biểu 06a is ``<office>_06a_<word>_<key>`` (``000.17.22.H56_06a_quy_2026-Q1.xlsx``);
    a later version of the same report ends ``_v2``, ``_v3`` ….
    """
    if weekly:
        stem = f"{office_id}_tuan_{period_key}"
    else:
        word = next((w for pattern, w in _FILE_WORDS if pattern.match(period_key)), "khoang")
        stem = f"{office_id}_06a_{word}_{period_key}"
    return f"{stem}{'' if version == 1 else f'_v{version}'}{ext}"
