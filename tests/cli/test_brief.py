"""``tthc-desk brief --period 2026-11 -o brief.pdf``: the monthly briefing from the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_one_line_error
from tests.cli.test_reports import commune
from tests.printing.support import pdf_text, pypdf_pages

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

NOW = "2026-03-09 09:00"


def test_brief_writes_the_pdf_and_refuses_bad_periods_and_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    run = commune(request, tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
    target = tmp_path / "tom-tat.pdf"
    rc, out, err = run("brief", "--period", "2026-02", "-o", str(target), now=NOW)
    assert rc == 0, err
    assert "Tháng 02 năm 2026 (từ ngày 15/01/2026 đến ngày 14/02/2026)" in out
    assert out.startswith(str(target)) and "nhận " in out
    data = target.read_bytes()
    assert 1 <= len(pypdf_pages(data)) <= 2
    text = pdf_text(data)
    assert "BÁO CÁO TÓM TẮT TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "ngày 09 tháng 3 năm 2026" in text  # dated the day it is made
    # A quarter key works too.
    rc, out, err = run("brief", "--period", "2026-Q1", "-o", str(tmp_path / "q1.pdf"), now=NOW)
    assert rc == 0, err
    assert "Quý I năm 2026" in out

    line = assert_one_line_error(
        *run("brief", "--period", "tháng 2", "-o", str(tmp_path / "x.pdf"), now=NOW)
    )
    assert "không đúng dạng" in line and "2026-11" in line
    line = assert_one_line_error(
        *run("brief", "--period", "2026-13", "-o", str(tmp_path / "x.pdf"), now=NOW)
    )
    assert "Tháng 13 không hợp lệ" in line
    missing = tmp_path / "khong-co" / "x.pdf"
    line = assert_one_line_error(*run("brief", "--period", "2026-02", "-o", str(missing), now=NOW))
    assert "không tồn tại" in line
    line = assert_one_line_error(
        *run("brief", "--period", "2026-02", "-o", str(tmp_path / "x.txt"), now=NOW)
    )
    assert ".pdf" in line
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.txt").exists()
