"""How long an earlier copy of a paper can be reused, and the figures of digitisation."""

from __future__ import annotations

from datetime import datetime

import pytest

from tthc_desk.domain.scans import DigitisationCounts, Validity, add_months, valid_months, validity

NOW = datetime(2026, 3, 2, 8, 0)


@pytest.mark.parametrize(
    ("name", "months"),
    [
        ("Phiếu lý lịch tư pháp số 1", 6),
        ("PHIEU LY LICH TU PHAP", 6),
        ("Giấy khám sức khỏe", 6),
        ("Giấy xác nhận tình trạng hôn nhân", 6),
        ("Giấy xác nhận cư trú (cấp trong thời hạn 3 tháng)", 3),
        ("Giấy tờ chứng minh, cấp không quá 30 ngày", None),
        ("Bản sao Giấy khai sinh", 0),
        ("Trích lục kết hôn", 0),
        ("Giấy chứng sinh", 0),
        ("Căn cước công dân", None),
        ("Tờ khai đăng ký khai sinh", None),
    ],
)
def test_months_of_validity_come_from_the_papers_name(name: str, months: int | None) -> None:
    assert valid_months(name) == months


def test_a_copy_expires_at_the_end_of_its_months() -> None:
    given = datetime(2025, 9, 2, 8, 0)
    assert validity("Phiếu lý lịch tư pháp", given, datetime(2026, 3, 2, 8, 0)) is Validity.EXPIRED
    assert validity("Phiếu lý lịch tư pháp", given, datetime(2026, 3, 2, 7, 59)) is Validity.VALID
    assert validity("Bản sao giấy khai sinh", datetime(2001, 1, 1), NOW) is Validity.VALID
    assert validity("Hộ chiếu", datetime(2025, 1, 1), NOW) is Validity.UNKNOWN


def test_months_are_calendar_months() -> None:
    assert add_months(datetime(2025, 8, 31), 6) == datetime(2026, 2, 28)
    assert add_months(datetime(2027, 8, 31), 6) == datetime(2028, 2, 29)
    assert add_months(datetime(2025, 11, 15, 9, 30), 3) == datetime(2026, 2, 15, 9, 30)


def test_figures_add_up_per_dossier() -> None:
    total = (
        DigitisationCounts.of_dossier(2, 2, has_result=True, reused=1)
        + DigitisationCounts.of_dossier(3, 1, has_result=False, reused=0)
        + DigitisationCounts.of_dossier(2, 0, has_result=False, reused=0)
        + DigitisationCounts.of_dossier(1, 1, has_result=True, reused=0)
    )
    # The results: two scanned (with their papers all scanned: complete), none other given.
    assert total == DigitisationCounts(4, 2, 2, 1, 1, with_result=2, complete=2)
    assert (total.scanned_share, total.e_result_share, total.reuse_share) == (0.5, 1.0, 0.25)
    assert total.complete_share == 1.0 and total.without_scans_share == 0.25
    given = total + DigitisationCounts.of_dossier(
        2, 1, has_result=False, reused=0, result_given=True
    )
    assert (given.with_result, given.e_result_share, given.complete_share) == (3, 2 / 3, 2 / 3)
    assert DigitisationCounts().scanned_share is None
    assert DigitisationCounts(3).e_result_share is None  # no dossier has its result
