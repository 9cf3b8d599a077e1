"""Issue 11, the edges of the command line: save and print are one promise, and every failure
is answered with one Vietnamese line and exit 2 (nothing half-written)."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.dbfiles import connect
from tthc_desk.db import sqlite
from tthc_desk.services.print_service import PrintService

CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}")
ENGLISH = re.compile(r"\b(Error|error|database|locked|No space|Permission|zip|file)\b")


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


# -- save and print are one promise -----------------------------------------------------------


def test_a_receipt_path_that_is_a_folder_is_refused_before_saving(run: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "giay"
    folder.mkdir()
    line = assert_one_line_error(*run.receive("--receipt", str(folder)))
    assert "là một thư mục" in line
    assert run.dossier_count() == 0


def test_a_folder_that_takes_no_file_is_refused_before_saving(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refuse(*_a: object, **_k: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    line = assert_one_line_error(*run.receive("--receipt", str(tmp_path / "giay.pdf")))
    assert "không cho ghi tệp (không có quyền ghi)" in line
    assert not ENGLISH.search(line)
    assert run.dossier_count() == 0


def test_a_receipt_that_fails_after_saving_says_the_dossier_was_saved(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: PrintService, code: str, path: Path, copies: int | None = None) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(PrintService, "write_receipt", disk_full)
    code, out, err = run.receive("--receipt", str(tmp_path / "giay.pdf"))
    assert code == 3
    saved = out.strip()
    assert CODE.fullmatch(saved)
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert f"Hồ sơ {saved} ĐÃ ĐƯỢC LƯU" in lines[0]
    assert "ổ đĩa đã đầy" in lines[0]
    assert f"tthc-desk print receipt {saved} -o TỆP.pdf" in lines[0]
    assert run.dossier_count() == 1
    monkeypatch.undo()
    # the way out it names works
    pdf = tmp_path / "in-lai.pdf"
    assert run("print", "receipt", saved, "-o", str(pdf))[0] == 0
    assert pdf.is_file()


def test_a_retried_intake_is_refused_naming_the_saved_dossier_unless_forced(run: Cli) -> None:
    code, first, err = run.receive()
    assert code == 0, err
    line = assert_one_line_error(*run.receive(now="2026-03-02 09:09"))
    assert f"hồ sơ {first.strip()}" in line
    assert "--force" in line
    assert run.dossier_count() == 1
    code, second, err = run.receive("--force", now="2026-03-02 09:09")
    assert code == 0, err
    assert second.strip() != first.strip()
    assert run.dossier_count() == 2


def test_the_same_applicant_later_or_for_another_procedure_is_not_a_duplicate(run: Cli) -> None:
    assert run.receive()[0] == 0
    assert run.receive(now="2026-03-02 09:11")[0] == 0
    assert run.dossier_count() == 2


# -- every failure answered -------------------------------------------------------------------


@pytest.mark.sqlite_only  # SQLite's busy timeout on a file another connection holds locked
def test_a_database_locked_by_another_writer_is_explained(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 200)
    holder = connect(run.data_dir / "tthc-desk.db")
    try:
        holder.execute("BEGIN IMMEDIATE")
        line = assert_one_line_error(*run.receive())
    finally:
        holder.rollback()
        holder.close()
    assert "Dữ liệu đang bận: đã chờ 0,2 giây" in line
    assert "một quầy khác hoặc một lệnh tthc-desk" in line
    assert "không mong đợi" not in line
    assert run.dossier_count() == 0


def test_a_full_disk_is_explained_with_what_to_do(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import Workbook

    def disk_full(self: Workbook, filename: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", filename)

    monkeypatch.setattr(Workbook, "save", disk_full)
    book = tmp_path / "danh-muc.xlsx"
    line = assert_one_line_error(*run("catalog", "export", str(book)))
    assert "ổ đĩa đã đầy" in line and "Hãy xóa bớt tệp" in line
    assert "No space" not in line
    assert not book.exists()
    assert not list(tmp_path.glob(".*part*"))


def test_a_calendar_file_that_is_not_a_workbook_is_explained(run: Cli, tmp_path: Path) -> None:
    fake = tmp_path / "lich.xlsx"
    fake.write_bytes(b"PK? not really a zip archive, just some bytes")
    line = assert_one_line_error(*run("calendar", "import", str(fake)))
    assert "không phải bảng tính Excel .xlsx đọc được" in line
    assert "zip" not in line


def test_an_argument_that_is_not_utf8_is_refused_in_vietnamese(run: Cli) -> None:
    name = b"Nguy\xe1n".decode("utf-8", "surrogateescape")
    line = assert_one_line_error(
        *run("receive", "--procedure", "1.001193", "--name", name, "--id-number", "001190012345")
    )
    assert "không phải UTF-8" in line
    assert run.dossier_count() == 0


def test_catalog_rows_past_the_declared_dimension_are_imported(run: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "danh-muc.xlsx"
    assert run("catalog", "export", str(book))[0] == 0
    wb = load_workbook(book)
    ws = wb["Thủ tục"]
    last = ws.max_row
    code = ws.cell(last, 1).value
    ws.cell(last, 2).value = "Thủ tục ở dòng cuối (đã sửa)"
    wb.save(book)
    _shrink_dimensions(book, "A1:B2")

    code_, _, err = run("catalog", "import", str(book))
    assert code_ == 0, err
    _, listing, _ = run("catalog", "list")
    assert any(
        line.startswith(f"{code}\t") and line.endswith("Thủ tục ở dòng cuối (đã sửa)")
        for line in listing.splitlines()
    )


def _shrink_dimensions(book: Path, ref: str) -> None:
    """Rewrite every sheet's ``<dimension ref=...>`` as a careless generator would."""
    import zipfile

    with zipfile.ZipFile(book) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            z.writestr(info, data)


def test_a_workbook_too_big_is_refused(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tthc_desk.exporting import tabular

    book = tmp_path / "danh-muc.xlsx"
    assert run("catalog", "export", str(book))[0] == 0
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024)
    line = assert_one_line_error(*run("catalog", "import", str(book)))
    assert "quá lớn" in line
