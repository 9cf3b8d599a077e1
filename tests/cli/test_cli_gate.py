"""The CLI at the text gate and the legal ranges: one Vietnamese line, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import NAME, Cli, assert_one_line_error
from tests.cli.test_cli import run as run  # the fixture
from tests.services.gate_helpers import journal_kinds_after, table_counts


def _without_journal(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if k != "journal"}


def assert_nothing_written(run: Cli, before: dict[str, int]) -> None:
    """No table changed but the journal, which holds only the command's sign-in and -out."""
    after = table_counts(run.data_dir)
    assert _without_journal(after) == _without_journal(before)
    kinds = journal_kinds_after(run.data_dir, before["journal"])
    assert all(k.startswith(("login", "logout", "session", "account")) for k in kinds), kinds


@pytest.mark.parametrize(
    "name",
    [
        "Lê Văn\x07 Chuông",
        "Lê Văn\x1b Chuông",
        "Lê Văn \u202eChuông",
        "Lê\u200b Văn",
        "Lê " * 40_000,
    ],
    ids=["bel", "esc", "rlo", "zwsp", "long"],
)
def test_receive_refuses_a_name_the_gate_refuses(run: Cli, tmp_path: Path, name: str) -> None:
    assert run("catalog", "list")[0] == 0  # the folder exists before counting its tables
    before = table_counts(run.data_dir)
    pdf = tmp_path / "bien-nhan.pdf"
    line = assert_one_line_error(*run.receive("--name", name, "--receipt", str(pdf)))
    assert line.startswith("tthc-desk: Chưa lưu được hồ sơ")
    assert "Họ và tên người nộp" in line
    assert not pdf.exists()
    assert_nothing_written(run, before)


def test_a_full_width_id_number_is_stored_and_found_as_ascii(run: Cli) -> None:
    code, out, err = run.receive("--id-number", "００１１９００１２３４５")
    assert code == 0, err
    code, out, err = run("search", "٠٠١١٩٠٠١٢٣٤٥")
    assert code == 0, err
    assert NAME in out  # found by the same number typed in Arabic-Indic digits


@pytest.mark.parametrize("year", ["1800", "2101"])
def test_calendar_show_of_a_year_outside_the_calendar(run: Cli, year: str) -> None:
    line = assert_one_line_error(*run("calendar", "show", "--year", year))
    assert f"Năm {year} nằm ngoài lịch làm việc (chỉ từ 2000 đến 2100)." in line


def test_a_catalog_duration_of_a_trillion_days_imports_nothing(run: Cli, tmp_path: Path) -> None:
    book = tmp_path / "danh-muc.xlsx"
    assert run("catalog", "export", str(book))[0] == 0
    wb = load_workbook(book)
    ws = wb["Thủ tục"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 7).value == "ngày làm việc")
    ws.cell(row, 6).value = 10**12
    wb.save(book)
    before = table_counts(run.data_dir)
    line = assert_one_line_error(*run("catalog", "import", str(book)))
    assert "Không nhập được danh mục" in line
    assert_nothing_written(run, before)
    # The catalog keeps what it had: due dates still come at once, and a received moment in
    # 1900 is refused in one line.
    code, _, err = run("due", "--procedure", "1.001193", "--received", "2026-03-02 09:00")
    assert code == 0, err
    line = assert_one_line_error(
        *run("due", "--procedure", "1.001193", "--received", "1900-03-02 09:00")
    )
    assert "ngoài lịch làm việc" in line
