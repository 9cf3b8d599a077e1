"""Vietnamese text helpers: NFC at every boundary, accent folding for search, formats."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal


def nfc(value: str | None) -> str:
    """NFC-normalise and trim; ``None`` becomes the empty string."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def nfc_or_none(value: str | None) -> str | None:
    text = nfc(value)
    return text or None


def collapse_spaces(value: str) -> str:
    return re.sub(r"\s+", " ", nfc(value))


_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def fold(value: str | None) -> str:
    """Lower-case text without tone marks; đ→d. "Nguyễn Văn Đức" → "nguyen van duc"."""
    text = unicodedata.normalize("NFD", (value or "").translate(_FOLD_TABLE))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text).lower()


def search_tokens(value: str | None) -> list[str]:
    """Folded alphanumeric tokens, the way the search index splits text."""
    return [t for t in re.split(r"[^0-9a-z]+", fold(value)) if t]


def format_date(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if value else ""


def format_time(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else ""


def format_money(amount: int | Decimal | None) -> str:
    """50000 → "50.000 đ"."""
    if amount is None:
        return ""
    whole = int(amount)
    return f"{whole:,}".replace(",", ".") + " đ"


def format_long_date(place: str, value: date) -> str:
    """`<place>, ngày dd tháng mm năm yyyy` (ND 30/2020: leading 0 for days < 10, months 1–2)."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    prefix = f"{nfc(place)}, " if place else ""
    return f"{prefix}ngày {value.day:02d} tháng {month} năm {value.year}"


def format_clock_phrase(value: datetime) -> str:
    """ "08 giờ 15 phút, ngày 02/03/2026" as printed on receipts."""
    return f"{value.hour:02d} giờ {value.minute:02d} phút, ngày {value:%d/%m/%Y}"
