"""Mẫu 06 control slip: template words, dossier values, one hand-off = two rows with the
early / on-time / late cell against the due moment (blank for the receipt)."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from tthc_desk.domain.lifecycle import DossierEvent
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.printing import control_slip, layout
from tthc_desk.printing.templates import load_template

from .support import APPLICANT, CODE, make_dossier, missing_labels, pdf_text, pypdf_pages

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OFFICE = DEMO_OFFICE
DESK = "Bộ phận tiếp nhận và trả kết quả"
UNIT = "Công chức Tư pháp - Hộ tịch"
EVENTS = (
    DossierEvent(datetime(2026, 2, 5, 8, 15), "received", "Ánh", APPLICANT, DESK),
    DossierEvent(datetime(2026, 2, 5, 9, 30), "handed-over", "Ánh", DESK, UNIT),
    # Not a hand-off: never on the slip.
    DossierEvent(datetime(2026, 2, 5, 10, 0), "corrected", "Ánh", note="Sửa số điện thoại"),
    DossierEvent(datetime(2026, 2, 10, 15, 0), "result-ready", "Bình", UNIT, DESK),
    DossierEvent(datetime(2026, 2, 11, 9, 0), "returned", "Ánh", DESK, APPLICANT, note="Tự nhận"),
)


def cells(events: tuple[DossierEvent, ...]) -> list[list[str]]:
    table = control_slip.slip_table(
        load_template("control_slip"), make_dossier(), events, layout.get_styles()
    )

    def text(cell: object) -> str:
        if isinstance(cell, list):
            return " / ".join(text(c) for c in cell if getattr(c, "text", None))
        return str(getattr(cell, "text", cell) or "")

    return [[text(c) for c in row] for row in table._cellvalues]


def test_every_label_and_value_is_printed() -> None:
    data = control_slip.render_control_slip(make_dossier(), EVENTS, OFFICE)
    assert len(pypdf_pages(data)) == 1
    text = pdf_text(data)
    # Fewer hand-offs than the minimum: blank ones for handwriting bring the blank moment.
    few = pdf_text(control_slip.render_control_slip(make_dossier(), EVENTS[:2], OFFICE))
    template = load_template("control_slip")
    assert missing_labels(template, [text], skip=("table.blank_moment",)) == []
    assert missing_labels(template, [few]) == []
    for expected in (
        f"Mã hồ sơ: {CODE}",
        f"Kèm theo hồ sơ của: {APPLICANT}",
        "Ngày nhận: 08 giờ 15 phút, ngày 05/02/2026",
        "Ngày hẹn trả kết quả: 16 giờ 30 phút, ngày 10/02/2026",
        f"UBND phường Đồng Nguyên – {UNIT}",
        "Quyển số: 01/2026, Số thứ tự: 137",
        "Tự nhận",
    ):
        assert expected in text, expected
    assert "Sửa số điện thoại" not in text


def test_each_handoff_is_two_rows_with_its_timeliness() -> None:
    rows = cells(EVENTS)
    body = rows[1:]
    assert len(body) == 2 * 4  # four hand-offs, the correction left out
    assert body[0][:3] == [
        f"1. Giao: {APPLICANT} / 2. Nhận: {DESK}",
        "08 giờ 15 phút, ngày 05/02/2026",
        "",
    ]
    assert body[2][:3] == [
        f"1. Giao: {DESK} / 2. Nhận: {UNIT}",
        "09 giờ 30 phút, ngày 05/02/2026",
        "Trước hạn",
    ]
    assert body[4][2] == "Đúng hạn"  # 10/02 15:00, due 10/02 16:30: the due day
    assert body[6][2] == "Quá hạn"  # 11/02
    assert body[1][0] == "Người giao / (Ký)" and body[1][1] == "Người nhận / (Ký)"
    assert body[6][3] == "Trả kết quả; Tự nhận"


def test_blank_handoffs_pad_to_the_minimum_and_long_histories_flow() -> None:
    rows = cells(EVENTS[:1])
    assert len(rows) == 1 + 2 * 4
    assert rows[3][0].startswith("1. Giao: …")
    many = tuple(
        DossierEvent(datetime(2026, 2, 5 + i // 4, 8 + i % 4), "handed-over", "", DESK, UNIT)
        for i in range(14)
    )
    data = control_slip.render_control_slip(make_dossier(), many, OFFICE)
    pages = pypdf_pages(data)
    assert len(pages) >= 2
    assert "TÊN CƠ QUAN" in pages[1]  # the header row repeats
    assert "Ghi chú:" in pdf_text(data, len(pages), len(pages))
