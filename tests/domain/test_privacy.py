"""Masking ID numbers and reading the retention setting."""

from __future__ import annotations

from datetime import datetime

import pytest

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.privacy import (
    Retention,
    mask_id_number,
    parse_retention_days,
    scrub_free_text,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("001190012345", "0011******45"),
        ("0011 9001 2345", "0011******45"),
        ("123456789", "1234***89"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(raw: str | None, masked: str) -> None:
    assert mask_id_number(raw) == masked


def test_scrub_masks_stand_alone_id_numbers_only() -> None:
    text = "CCCD 001190012345, CMND 123456789; hồ sơ H12-260302-0001, ĐT 0912345678, 1234567890123"
    assert scrub_free_text(text) == (
        "CCCD 0011******45, CMND 1234***89; hồ sơ H12-260302-0001, ĐT 0912345678, 1234567890123"
    )
    assert scrub_free_text(None) == ""


@pytest.mark.parametrize(("value", "days"), [(0, 0), ("90", 90), (" 30 ", 30), (3650, 3650)])
def test_parse_retention_days(value: object, days: int) -> None:
    assert parse_retention_days(value, "output_days") == days


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", 3651, True, None, ""])
def test_parse_retention_days_refuses_with_the_setting_named(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_retention_days(value, "output_days")
    assert refused.value.problems[0].field == "output_days"
    assert refused.value.message.startswith("Số ngày giữ tệp in, tệp xuất (thư mục output)")


def test_zero_days_has_no_cutoff() -> None:
    now = datetime(2026, 3, 2, 8, 0)
    r = Retention(0, 30)
    assert r.reports_cutoff(now) is None
    assert r.output_cutoff(now) == datetime(2026, 1, 31, 8, 0)
