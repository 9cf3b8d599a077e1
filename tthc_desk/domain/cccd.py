"""The QR code on the chip ID card (CCCD, and the Căn cước card issued from 07/2024).

A 2D scanner in keyboard mode types the code's content as one line, fields separated by ``|``::

    ID number (12 digits) | old ID (9 digits, may be empty) | full name | date of birth ddmmyyyy
    | sex (Nam/Nữ) | permanent address | date of issue ddmmyyyy

Cards differ at the edges: some leave the old ID field out (six fields), some add fields after
the date of issue, some scanners add a trailing ``|``. :func:`parse_cccd_qr` accepts those and
refuses anything whose ID number, name or dates do not check out, with a Vietnamese sentence
saying what is wrong, so a misread never lands in a dossier.

What arrives depends on the scanner: a US-layout scanner types accents away ("Nguyen Thi"), and
one sending raw UTF-8 bytes through a Western keyboard produces mojibake ("Nguyá»…n"); the
latter is repaired here, the former is flagged (:attr:`CccdData.unaccented`) so the form can ask
the clerk to put the accents back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from tthc_desk.domain.text import ascii_digits, collapse_spaces, fold

#: What every refusal starts with.
UNREADABLE = "Mã QR trên CCCD không đọc được"

_ID_RE = re.compile(r"[0-9]{12}", re.ASCII)
_OLD_ID_RE = re.compile(r"[0-9]{9}|[0-9]{12}", re.ASCII)
_DAY_RE = re.compile(r"[0-9]{8}", re.ASCII)
_SEXES = {"nam": "Nam", "nu": "Nữ"}
#: Control characters a scanner may add (CR, LF, tab, GS): never part of a field.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class CccdData:
    """What the card's QR code says, checked and NFC-normalised."""

    id_number: str
    full_name: str
    birth_date: date
    sex: str = ""  # "Nam", "Nữ", or "" when the card's code leaves it out
    address: str = ""
    old_id_number: str = ""
    issue_date: date | None = None

    @property
    def unaccented(self) -> bool:
        """True when the text came without Vietnamese letters (a scanner typing in US layout)."""
        return (self.full_name + self.address).isascii()


@dataclass(frozen=True)
class CccdUnreadable:
    """A string that is not a readable card code; ``message`` is the sentence to show."""

    message: str


def looks_like_cccd(text: str) -> bool:
    """A line worth trying as a card code: scanners separate the fields with ``|``."""
    return "|" in text


def parse_cccd_qr(text: str) -> CccdData | CccdUnreadable:
    """Read the line a scanner typed; a :class:`CccdUnreadable` says why it cannot be used."""
    try:
        return _read(_fields(text))
    except _Refused as exc:
        return CccdUnreadable(f"{UNREADABLE}: {exc} Quét lại thẻ, hoặc gõ tay các mục.")


class _Refused(Exception):
    """Why the line cannot be used (the end of a Vietnamese sentence)."""


def _fields(text: str) -> list[str]:
    """The line's fields, NFC, spaces collapsed, control characters and a trailing "|" gone."""
    line = unicodedata.normalize("NFC", _repair_mojibake(_CONTROL_RE.sub("", text or "")))
    fields = [collapse_spaces(f) for f in line.split("|")]
    while fields and not fields[-1]:
        fields.pop()
    if len(fields) < 2:
        raise _Refused("không có dấu “|” ngăn cách các mục.")
    return fields


def _read(fields: list[str]) -> CccdData:
    id_number = ascii_digits(fields[0]).replace(" ", "")
    if not _ID_RE.fullmatch(id_number):
        raise _Refused(f"số định danh “{_short(fields[0])}” không phải 12 chữ số.")
    # The old ID field (9 digits, or empty) is left out by some cards: a name never has digits.
    second = ascii_digits(fields[1]).replace(" ", "")
    has_old_id = second == "" or second.isdigit()
    if has_old_id and second and not _OLD_ID_RE.fullmatch(second):
        raise _Refused(f"số CMND cũ “{_short(fields[1])}” không phải 9 chữ số.")
    rest = fields[2:] if has_old_id else fields[1:]
    name, birth_text, sex_text, address, issue_text = (rest + [""] * 5)[:5]
    birth = _birth(name, birth_text)
    return CccdData(
        id_number=id_number,
        full_name=name,
        birth_date=birth,
        sex=_sex(sex_text),
        address=address,
        old_id_number=second if has_old_id else "",
        issue_date=_issue(issue_text, birth),
    )


def _birth(name: str, birth_text: str) -> date:
    """Checks the name (present, no digits: else the fields are shifted) and the birth date."""
    if not name:
        raise _Refused("thiếu họ và tên.")
    if any(ch.isdigit() for ch in name):
        raise _Refused(f"họ và tên “{_short(name)}” có chữ số: các mục bị lệch.")
    birth = _day(birth_text)
    if birth is None:
        raise _Refused(f"ngày sinh “{_short(birth_text)}” không phải ngày có thật (ddmmyyyy).")
    return birth


def _sex(text: str) -> str:
    if not text:
        return ""
    sex = _SEXES.get(fold(text))
    if sex is None:
        raise _Refused(f"giới tính “{_short(text)}” không phải Nam hoặc Nữ.")
    return sex


def _issue(text: str, birth: date) -> date | None:
    if not text:
        return None
    issue = _day(text)
    if issue is None or issue < birth:
        raise _Refused(f"ngày cấp “{_short(text)}” không phải ngày có thật (ddmmyyyy).")
    return issue


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


def _day(text: str) -> date | None:
    """``ddmmyyyy`` → a real date from 1900 on; anything else → None."""
    digits = ascii_digits(text).replace(" ", "")
    if not _DAY_RE.fullmatch(digits):
        return None
    try:
        day = date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None
    return day if day.year >= 1900 else None


def _repair_mojibake(text: str) -> str:
    """UTF-8 bytes typed one by one through a Western keyboard arrive as Latin-1/cp1252
    characters ("Nguyá»…n"); put them back together. Text that is not such a sequence (real
    Vietnamese letters, plain ASCII) is returned unchanged."""
    if text.isascii():
        return text
    raw = bytearray()
    for ch in text:
        if ord(ch) < 256:
            raw.append(ord(ch))
            continue
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            return text  # a letter no single byte gives: the text is already Unicode
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text
