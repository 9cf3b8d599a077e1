"""Reading the line a 2D scanner types from the QR code of a chip ID card."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from tthc_desk.domain.cccd import CccdData, CccdUnreadable, looks_like_cccd, parse_cccd_qr

CARD = (
    "001190012345|123456789|Nguyễn Thị Hồng Nhung|15081990|Nữ|"
    "Số 5 ngõ 12 phố Đông Các, Đống Đa, Hà Nội|01072021"
)
EXPECTED = CccdData(
    id_number="001190012345",
    full_name="Nguyễn Thị Hồng Nhung",
    birth_date=date(1990, 8, 15),
    sex="Nữ",
    address="Số 5 ngõ 12 phố Đông Các, Đống Đa, Hà Nội",
    old_id_number="123456789",
    issue_date=date(2021, 7, 1),
)


def test_the_seven_field_form_is_read() -> None:
    card = parse_cccd_qr(CARD)
    assert card == EXPECTED
    assert not card.unaccented


@pytest.mark.parametrize(
    "text",
    [
        CARD + "|",  # trailing separator
        CARD + "\r",  # a scanner's carriage return
        CARD + "|extra|2031|",  # newer cards add fields: ignored
        unicodedata.normalize("NFD", CARD),  # decomposed accents
        CARD.replace("Hồng Nhung", "Hồng   Nhung"),  # doubled spaces
    ],
)
def test_variants_of_the_same_card(text: str) -> None:
    assert parse_cccd_qr(text) == EXPECTED


def test_empty_old_id_and_six_field_forms() -> None:
    no_old = parse_cccd_qr(CARD.replace("|123456789|", "||"))
    assert isinstance(no_old, CccdData) and no_old.old_id_number == ""
    assert no_old.full_name == EXPECTED.full_name
    # Six fields, the old ID left out altogether.
    without = parse_cccd_qr(CARD.replace("|123456789|", "|"))
    assert isinstance(without, CccdData)
    assert (without.full_name, without.birth_date, without.sex, without.issue_date) == (
        EXPECTED.full_name,
        EXPECTED.birth_date,
        "Nữ",
        date(2021, 7, 1),
    )
    # Six fields, no date of issue.
    no_issue = parse_cccd_qr(CARD.rsplit("|", 1)[0])
    assert isinstance(no_issue, CccdData) and no_issue.issue_date is None
    assert no_issue.address == EXPECTED.address


def test_unaccented_text_from_a_us_layout_scanner() -> None:
    card = parse_cccd_qr(
        "001190012345|123456789|Nguyen Thi Hong Nhung|15081990|Nu|So 5 ngo 12 Dong Cac|01072021"
    )
    assert isinstance(card, CccdData)
    assert card.sex == "Nữ" and card.full_name == "Nguyen Thi Hong Nhung"
    assert card.unaccented


def _typed_byte_by_byte(text: str, codec: str) -> str:
    """Each UTF-8 byte as the character a Western keyboard makes of it (C1 codes pass through
    where cp1252 has none)."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_raw_utf8_bytes_typed_one_by_one_are_put_back_together(codec: str) -> None:
    garbled = _typed_byte_by_byte(CARD, codec)
    assert "Nguyá»" in garbled
    assert parse_cccd_qr(garbled) == EXPECTED


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("001190012345", "không có dấu “|”"),
        ("Nguyễn Thị Hồng Nhung", "không có dấu “|”"),
        ("00119001234|123456789|Nguyễn Thị Hồng Nhung|15081990|Nữ|Hà Nội", "12 chữ số"),
        ("0011900123456|123456789|Nguyễn Thị Hồng Nhung|15081990|Nữ|Hà Nội", "12 chữ số"),
        ("001190012345|1234567|Nguyễn Thị Hồng Nhung|15081990|Nữ|Hà Nội", "CMND cũ"),
        ("001190012345|123456789||15081990|Nữ|Hà Nội", "thiếu họ và tên"),
        ("001190012345|123456789|Nguyễn Thị Hồng Nhung|31021990|Nữ|Hà Nội", "ngày sinh “31021990”"),
        ("001190012345|123456789|Nguyễn Thị Hồng Nhung|1508199|Nữ|Hà Nội", "ngày sinh"),
        ("001190012345|123456789|Nguyễn Thị Hồng Nhung|15081890|Nữ|Hà Nội", "ngày sinh"),
        ("001190012345|123456789|Nguyễn Thị Hồng Nhung|15081990|X|Hà Nội", "giới tính “X”"),
        ("001190012345|123456789|Nguyễn Thị Hồng Nhung|15081990|Nữ|Hà Nội|32132021", "ngày cấp"),
        ("001190012345|123456789|Nguyễn Thị Hồng Nhung|15081990|Nữ|Hà Nội|01011980", "ngày cấp"),
        # Fields shifted: the date of birth where the name should be.
        ("001190012345|123456789|15081990|Nguyễn Thị Hồng Nhung|Nữ|Hà Nội", "chữ số"),
        ("|", "không có dấu “|”"),
        ("", "không có dấu “|”"),
    ],
)
def test_malformed_strings_are_refused_with_a_reason(text: str, why: str) -> None:
    result = parse_cccd_qr(text)
    assert isinstance(result, CccdUnreadable)
    assert result.message.startswith("Mã QR trên CCCD không đọc được: ")
    assert why in result.message


def test_only_lines_with_a_separator_are_tried() -> None:
    assert looks_like_cccd(CARD)
    assert not looks_like_cccd("001190012345")
