"""The monthly briefing PDF, built from hand-made figures and read back with pdftotext."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from tests.domain.test_dashboard import BEFORE, DOSSIERS, MONTH
from tests.printing.support import pdf_text, pypdf_pages
from tthc_desk.domain import periods
from tthc_desk.domain.dashboard import (
    AtRiskRow,
    BreakdownKind,
    DashboardFigures,
    LateBy,
    TrendFigures,
    TrendPoint,
    at_risk_groups,
    breakdown,
    channel_mix,
    indicators,
    late_groups,
    satisfaction,
    tiles,
    trend_months,
)
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.domain.report import Targets
from tthc_desk.printing.brief import brief_pdf, delta_text, percent

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

NOVEMBER = periods.month(2026, 11)  # 15/10–14/11/2026


def hand_made() -> DashboardFigures:
    months = trend_months(NOVEMBER.end)
    bands = [TrendFigures(f.early, f.on_time, f.late) for f in (BEFORE, MONTH)]
    trend = tuple(TrendPoint(m, bands[i % 2], True) for i, m in enumerate(months))
    risk = [
        AtRiskRow(
            "000.17.22.H56-261110-0004",
            "Lê Thị Mai",
            "Chứng thực bản sao",
            "Chứng thực",
            "Công an phường",
            Status.IN_PROGRESS,
            datetime(2026, 11, 16, 9, 0),
        )
    ]
    return DashboardFigures(
        period=NOVEMBER,
        previous=periods.month(2026, 10),
        as_of=NOVEMBER.as_of,
        generated_at=datetime(2026, 11, 16, 8, 5),
        office=DEMO_OFFICE,
        figures=MONTH,
        tiles=tiles(MONTH, BEFORE, Targets()),
        trend=trend,
        by_field=breakdown(DOSSIERS, BreakdownKind.FIELD),
        by_unit=breakdown(DOSSIERS, BreakdownKind.HANDLING_UNIT),
        by_clerk=breakdown(DOSSIERS, BreakdownKind.CLERK),
        late_by_unit=late_groups(DOSSIERS, LateBy.RESPONSIBLE_UNIT),
        late_by_reason=late_groups(DOSSIERS, LateBy.REASON),
        satisfaction=satisfaction(MONTH),
        channels=channel_mix(MONTH),
        at_risk=at_risk_groups(risk, datetime(2026, 11, 17, 8, 5)),
        at_risk_until=datetime(2026, 11, 23, 17, 0),
        indicators=indicators(MONTH, ()),
    )


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return brief_pdf(hand_made())


def test_the_briefing_is_dated_signed_and_fits_two_pages(pdf: bytes) -> None:
    assert 1 <= len(pypdf_pages(pdf)) <= 2
    text = pdf_text(pdf)
    assert "BÁO CÁO TÓM TẮT TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Tháng 11 năm 2026 (từ ngày 15/10/2026 đến ngày 14/11/2026)" in text
    assert "Số liệu tính đến 15/11/2026 00:00" in text
    assert "Đồng Nguyên, ngày 16 tháng 11 năm 2026" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "TRUNG TÂM PHỤC VỤ" in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and "Nguyễn Văn An" in text


def test_the_targets_and_their_change_are_printed(pdf: bytes) -> None:
    text = pdf_text(pdf, raw=True)  # cell by cell: a table row reads as one line
    # 27/30 early or on time, target above 95 %, before 95 %: −5 points.
    assert (
        "Giải quyết trước và đúng hạn 90,0% (27/30) trên 95,0% Chưa đạt 95,0% −5,0 điểm %" in text
    )
    assert "Hồ sơ quá hạn có phiếu xin lỗi 80,0% (4/5) từ 100,0% Chưa đạt" in text
    assert "Trong kỳ tiếp nhận và giải quyết 40 hồ sơ (10 hồ sơ từ kỳ trước chuyển sang)" in text


def test_the_sections_breakdowns_and_766_points_are_printed(pdf: bytes) -> None:
    text = pdf_text(pdf, raw=True)
    for heading in (
        "I. CHỈ TIÊU KẾ HOẠCH",
        "II. XU HƯỚNG 12 THÁNG",
        "III. THEO LĨNH VỰC",
        "IV. THEO ĐƠN VỊ XỬ LÝ",
        "V. HỒ SƠ TRỄ HẠN THEO ĐƠN VỊ CHỊU TRÁCH NHIỆM",
        "VI. BỘ CHỈ SỐ 766",
        "VII. HỒ SƠ SẮP ĐẾN HẠN",
    ):
        assert heading in text, heading
    assert "Trước hạn" in text and "Đúng hạn" in text and "Quá hạn" in text  # the legend
    # Field rows: total, early, on time, late, pending, overdue, on-time share of those settled.
    assert "Chứng thực 4 0 1 0 3 2 100,0% Hộ tịch 2 1 0 1 0 0 50,0%" in text
    assert "(chưa ghi) 2 0 1 0 1 1 100,0%" in text  # dossiers without a handling unit (D, E)
    # Late by responsible unit: settled late, overdue, with a letter of all late.
    assert "Tư pháp 1 1 1/2 (chưa xác định) 0 1 0/1" in text
    # 766: 2.1 = 35/40 → 8,75 of 10, 1,25 lost; 5.4 = 33/40 → 5,50 of 6.
    assert "87,5% (35/40) 100,0% 8,75 10,00 1,25" in text
    assert "82,5% (33/40) 90,0% 5,50 6,00 0,50" in text
    assert "Số hóa hồ sơ (4.1, 4.2, 4.3, 4.4)" in text
    assert "Cộng các chỉ số tính được: 15,05/20,00 điểm, mất 4,95 điểm" in text
    assert "Công an phường: 1 hồ sơ, trong đó 1 hồ sơ đến hạn trong 1 ngày làm việc" in text


def test_number_words() -> None:
    assert percent(0.9523) == "95,2%" and percent(None) == "—"
    assert delta_text(0.021) == "+2,1 điểm %"
    assert delta_text(-0.05) == "−5,0 điểm %"
    assert delta_text(None) == "—"
    assert date(2026, 11, 16).strftime("%d/%m/%Y") == "16/11/2026"
