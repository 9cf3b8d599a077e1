"""Reports from the command line: the weekly workbook, the periodic 06a, the province's roll-up."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import Cli, assert_one_line_error
from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
from tthc_desk.domain.clock import FixedClock
from tthc_desk.exporting.report_xlsx import INFO, NUMBERS_ROW, SUMMARY
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services

NOW = "2026-03-09 09:00"


def commune(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, agency: str, seed: int
) -> Cli:
    """A commune's data folder with its own office identifier and a few months of dossiers."""
    run = Cli(tmp_path / name, capsys, office="demo")  # sample dossiers go in a demo database
    svc = open_services(AppPaths(run.data_dir), FixedClock(datetime(2026, 3, 9, 9, 0)))
    try:
        svc.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
        office = svc.settings.office()
        svc.settings.save_office(
            dataclasses.replace(
                office, agency_id=agency, parent_authority=f"UBND XÃ {name.upper()}"
            )
        )
    finally:
        svc.close()
    rc, _, err = run("demo", "--dossiers", "400", "--seed", str(seed), now=NOW)
    assert rc == 0, err
    return run


def summary_rows(path: Path) -> dict[str, tuple[int, ...]]:
    ws = load_workbook(path)[SUMMARY]
    rows = {}
    for r in range(NUMBERS_ROW + 2, ws.max_row + 1):
        name = ws.cell(r, 2).value
        if not name:
            break
        rows[name] = tuple(ws.cell(r, c).value for c in range(3, 14))
    return rows


def test_weekly_and_periodic_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = commune(tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
    rc, out, err = run("report", "weekly", "-o", str(tmp_path / "tuan.xlsx"), now=NOW)
    assert rc == 0, err
    assert "Tuần 10/2026 (từ ngày 02/03/2026 đến ngày 08/03/2026)" in out
    wb = load_workbook(tmp_path / "tuan.xlsx")
    assert wb.sheetnames == [
        "Tổng hợp",
        "Chi tiết",
        "Quá hạn",
        "Bưu chính",
        "Chỉ tiêu",
        "Thông tin",
    ]
    info = {r[0].value: r[1].value for r in wb[INFO].iter_rows(min_row=2)}
    assert (info["office_id"], info["period_key"]) == ("000.11.22.H01", "2026-W10")
    rc, out, err = run(
        "report",
        "period",
        "--kind",
        "quarter",
        "--key",
        "2026-Q1",
        "-o",
        str(tmp_path / "q1.xlsx"),
        now=NOW,
    )
    assert rc == 0, err
    assert "Quý I năm 2026 (từ ngày 15/12/2025 đến ngày 14/03/2026)" in out
    assert load_workbook(tmp_path / "q1.xlsx").sheetnames == ["Tổng hợp", "Thông tin"]
    rc, out, err = run(
        "report",
        "period",
        "--kind",
        "custom",
        "--from",
        "2026-02-01",
        "--to",
        "2026-02-28",
        "-o",
        str(tmp_path / "t2.xlsx"),
        now=NOW,
    )
    assert rc == 0, err
    assert "Từ 01/02/2026 đến 28/02/2026" in out
    for args, message in (
        (
            ("report", "weekly", "--week", "2026-W60", "-o", str(tmp_path / "x.xlsx")),
            "Không có tuần 60",
        ),
        (("report", "weekly", "-o", str(tmp_path / "x.pdf")), "tệp Excel .xlsx"),
        (
            (
                "report",
                "period",
                "--kind",
                "quarter",
                "--key",
                "2026-Q7",
                "-o",
                str(tmp_path / "x.xlsx"),
            ),
            "ví dụ 2026-Q1",
        ),
        (
            ("report", "period", "--kind", "custom", "-o", str(tmp_path / "x.xlsx")),
            "cần ngày đầu và ngày cuối",
        ),
        (("report", "weekly", "-o", str(tmp_path / "no" / "x.xlsx")), "không tồn tại"),
    ):
        rc, out, err = run(*args, now=NOW)
        assert message in assert_one_line_error(rc, out, err), args
        assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "x.pdf").exists()


def test_aggregate_sums_communes_and_flags_a_duplicate_and_a_period_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for name, agency, seed in (
        ("an-binh", "000.11.22.H01", 3),
        ("dong-lac", "000.11.22.H02", 4),
        ("yen-hoa", "000.11.22.H03", 5),
    ):
        run = commune(tmp_path, capsys, name, agency, seed)
        target = tmp_path / f"{name}.xlsx"
        assert run("report", "weekly", "-o", str(target), now=NOW)[0] == 0
        files.append(target)
    duplicate = tmp_path / "an-binh-lan-2.xlsx"
    shutil.copy(files[0], duplicate)
    other_week = tmp_path / "dong-lac-w09.xlsx"
    assert run("report", "weekly", "--week", "2026-W09", "-o", str(other_week), now=NOW)[0] == 0
    edited = tmp_path / "sua-tay.xlsx"
    wb = load_workbook(files[1])
    ws = wb[SUMMARY]
    ws.cell(NUMBERS_ROW + 2, 3).value += 1  # figures changed by hand after the build, consistently
    ws.cell(NUMBERS_ROW + 2, 6).value += 1
    ws.cell(NUMBERS_ROW + 2, 11).value += 1
    ws.cell(NUMBERS_ROW + 2, 12).value += 1
    wb.save(edited)

    rc, out, err = run(
        "aggregate",
        *map(str, [*files, duplicate, other_week, edited]),
        "-o",
        str(tmp_path / "tinh.xlsx"),
        now=NOW,
    )
    assert rc == 0, err
    assert out.count("Đã tổng hợp") == 3
    assert "trùng báo cáo của" in out and "an-binh.xlsx" in out
    assert "kỳ báo cáo 2026-W09 khác kỳ đang tổng hợp 2026-W10" in out
    assert "không khớp mã kiểm tra" in out
    assert err.count("bỏ qua") == 3

    communes = [summary_rows(f) for f in files]
    province = summary_rows(tmp_path / "tinh.xlsx")
    total = tuple(sum(c["Tổng cộng"][i] for c in communes) for i in range(11))
    assert province["Tổng cộng"] == total
    for field in {k for c in communes for k in c if k != "Tổng cộng"}:
        assert province[field] == tuple(
            sum(c.get(field, (0,) * 11)[i] for c in communes) for i in range(11)
        )
    book = load_workbook(tmp_path / "tinh.xlsx")
    assert book.sheetnames == ["Tổng hợp", "Theo xã", "Kiểm tra"]
    per_commune = [[c.value for c in row] for row in book["Theo xã"].iter_rows(min_row=5)]
    assert [r[1] for r in per_commune[:3]] == ["000.11.22.H01", "000.11.22.H02", "000.11.22.H03"]
    assert tuple(per_commune[3][3:]) == total

    rc, out, err = run("aggregate", str(edited), "-o", str(tmp_path / "rong.xlsx"), now=NOW)
    assert rc == 2 and not (tmp_path / "rong.xlsx").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_weekly_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = commune(tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
    assert run("report", "weekly", "-o", str(tmp_path / "tuan.xlsx"), now=NOW)[0] == 0
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "tuan.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "tuan.pdf").stat().st_size > 10_000
