"""Landscape registers: the ledger (Mẫu 07) and the late-dossier lists."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.printing import late_list, ledger
from tthc_desk.printing.templates import load_template

from .register_rows import late_rows, ledger_rows
from .support import missing_labels, page_sizes, pdf_text, pypdf_pages

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OFFICE = DEMO_OFFICE
FROM, TO = date(2026, 2, 1), date(2026, 2, 28)


@pytest.fixture(scope="module")
def ledger_pdf() -> bytes:
    return ledger.render_ledger(ledger_rows(120), OFFICE, FROM, TO)


def test_ledger_is_landscape_and_carries_every_label(ledger_pdf: bytes) -> None:
    assert all(w > h for w, h in page_sizes(ledger_pdf))
    text = pdf_text(ledger_pdf, raw=True)
    assert missing_labels(load_template("ledger"), [text], skip=("form.empty",)) == []
    assert "Từ ngày 01/02/2026 đến ngày 28/02/2026" in text
    assert "Tổng số: 120 hồ sơ" in text
    for row in ledger_rows(120)[::17]:
        assert row.code.split("-")[-1] in text and row.applicant_name in text


def test_ledger_repeats_both_header_rows_on_every_page(ledger_pdf: bytes) -> None:
    pages = pypdf_pages(ledger_pdf)
    assert len(pages) >= 4
    for n in range(2, len(pages) + 1):
        assert pdf_text(ledger_pdf, n, n).split()[0] == str(n)  # page number on top
        page = pdf_text(ledger_pdf, n, n, raw=True)
        for heading in ("Mã hồ sơ", "Ngày, tháng, năm", "Hẹn trả kết quả", "Ghi chú"):
            assert heading in page, (n, heading)


def test_empty_ledger_says_so() -> None:
    text = pdf_text(ledger.render_ledger([], OFFICE, FROM, TO))
    assert "Không có hồ sơ nào trong khoảng thời gian này." in text
    assert "Tổng số: 0 hồ sơ" in text


def test_explanation_list_labels_and_values() -> None:
    rows = late_rows(6)
    data = late_list.render_late_list(rows, OFFICE, FROM, TO)
    text = pdf_text(data, raw=True)
    assert all(w > h for w, h in page_sizes(data))
    skip = ("public.", "totals.empty", "explain.columns")
    assert missing_labels(load_template("late_list"), [text], skip=skip) == []
    for expected in (
        "DANH SÁCH HỒ SƠ QUÁ HẠN VÀ GIẢI TRÌNH",
        f"Kính gửi: Phó giám đốc {OFFICE.head_name}",
        "Từ ngày 01/02/2026 đến ngày 28/02/2026, có 6 hồ sơ",
        "02/2026/PXL ngày 06/02/2026",
        "Cơ quan phối hợp chậm trả lời",
        "Chưa có phiếu",
        "Chưa giải trình",
        "NGƯỜI LẬP DANH SÁCH",
    ):
        assert expected in text, expected
    for row in rows:
        assert row.code.split("-")[-1] in text and row.applicant_name in text


def test_public_list_has_its_own_title_and_no_private_data() -> None:
    data = late_list.render_late_list(late_rows(6), OFFICE, FROM, TO, public=True)
    text = pdf_text(data, raw=True)
    skip = ("explain.", "totals.empty", "public.columns", "header.blank_date", "columns.applicant")
    assert missing_labels(load_template("late_list"), [text], skip=skip) == []
    assert "DANH SÁCH HỒ SƠ TRỄ HẠN" in text
    assert "GIẢI TRÌNH" not in text and "Kính gửi" not in text
    assert OFFICE.head_sign_prefix in text and OFFICE.head_name in text
    # LateRow carries no ID number or phone; nothing that looks like one is printed.
    import re

    assert not re.search(r"\b\d{12}\b", text) and not re.search(r"\b0\d{9}\b", text)


def test_public_columns_follow_the_template(tmp_path: Path) -> None:
    from tthc_desk.printing.templates import template_file

    source = template_file("late_list").read_text(encoding="utf-8")
    head, tail = source.split("\n[public]\n", 1)
    rows = late_rows(3)
    text = pdf_text(late_list.render_late_list(rows, OFFICE, FROM, TO, public=True), raw=True)
    # The public list names no applicant by default (Nghị định 13/2023/NĐ-CP) …
    assert rows[0].applicant_name not in text and "Người nộp" not in text
    # … and an office whose province asks for names puts the column back in its template.
    assert '"code", "procedure"' in tail
    tail = tail.replace('"code", "procedure"', '"code", "applicant", "procedure"', 1)
    (tmp_path / "late_list.toml").write_text(head + "\n[public]\n" + tail, encoding="utf-8")
    text = pdf_text(
        late_list.render_late_list(rows, OFFICE, FROM, TO, public=True, template_dir=tmp_path),
        raw=True,
    )
    assert rows[0].applicant_name in text and "Người nộp" in text
