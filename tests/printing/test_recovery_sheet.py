"""Phiếu khóa khôi phục dữ liệu: every word of its template, the office, the date, the person, the
key in groups on one A4 page, and a QR code that scans back to the exact key."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.domain.recovery_key import format_key, parse_key
from tthc_desk.printing.recovery_sheet import (
    TEMPLATE_NAME,
    RecoverySheet,
    key_lines,
    render_recovery_sheet,
)
from tthc_desk.printing.templates import load_template

from .support import missing_labels, page_sizes, pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

KEY = bytes.fromhex("9f3c0a5b7e21d4c8b6a0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566")
KEY_TEXT = format_key(KEY)
SHEET = RecoverySheet(
    key_text=KEY_TEXT,
    office=DEMO_OFFICE,
    printed_at=datetime(2026, 3, 2, 8, 5),
    printed_by="Lê Văn Cường",
    username="cuong.lv",
)


def test_the_key_is_printed_as_four_lines_of_groups() -> None:
    lines = key_lines(KEY_TEXT)
    assert [len(line.split("-")) for line in lines] == [4, 4, 3, 3]
    assert "-".join(lines) == KEY_TEXT
    assert parse_key(" ".join(lines)) == KEY  # copied line by line, it reads back


def test_the_sheet_says_every_word_of_its_template_with_the_office_date_and_key() -> None:
    pdf = render_recovery_sheet(SHEET)
    assert page_sizes(pdf) == [(595.2756, 841.8898)]  # one A4 page
    text = pdf_text(pdf)
    assert missing_labels(load_template(TEMPLATE_NAME), [text]) == []
    for expected in (
        "PHIẾU KHÓA KHÔI PHỤC DỮ LIỆU",
        "UBND PHƯỜNG ĐỒNG NGUYÊN",
        "TRUNG TÂM PHỤC VỤ",
        "Mã định danh cơ quan: 000.17.22.H56",
        "Ngày in: 02/03/2026, lúc 08:05",
        "Người in phiếu: Lê Văn Cường (tài khoản cuong.lv)",
        "NGƯỜI ĐỨNG ĐẦU CƠ QUAN",
        "Nguyễn Văn An",  # the head of office signs for it
        "kể cả người làm ra phần mềm",
        "tthc-desk restore",
        "--recovery-key-file",
    ):
        assert expected in text, expected
    for line in key_lines(KEY_TEXT):
        assert line in text


def test_a_long_office_name_still_fits_one_page() -> None:
    office = replace(
        DEMO_OFFICE,
        parent_authority="ỦY BAN NHÂN DÂN XÃ HƯƠNG TRÀ, THÀNH PHỐ HUẾ",
        office_name="BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        head_name="Tôn Nữ Thị Phương Thảo",
    )
    pdf = render_recovery_sheet(replace(SHEET, office=office))
    assert len(page_sizes(pdf)) == 1
    assert "Tôn Nữ Thị Phương Thảo" in pdf_text(pdf)


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbar-tools or poppler-utils is not installed",
)
def test_the_qr_code_scans_back_to_the_exact_key(tmp_path: Path) -> None:
    (tmp_path / "k.pdf").write_bytes(render_recovery_sheet(SHEET))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", str(tmp_path / "k.pdf"), str(tmp_path / "page")],
        check=True,
    )
    [page] = sorted(tmp_path.glob("page*.png"))
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, check=False
    )
    assert done.stdout.split() == [KEY_TEXT], done.stderr
    assert parse_key(done.stdout) == KEY
