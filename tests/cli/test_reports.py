"""Reports from the command line: the weekly workbook, the periodic 06a, the province's roll-up."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests import engines
from tests.cli.test_cli import Cli, assert_one_line_error
from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
from tthc_desk.domain.clock import FixedClock
from tthc_desk.exporting.report_signature import KeyRing, read_public_key, verify_workbook
from tthc_desk.exporting.report_xlsx import INFO, NUMBERS_ROW, SUMMARY
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services

NOW = "2026-03-09 09:00"


def commune(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    agency: str,
    seed: int,
) -> Cli:
    """A commune's data folder, with a database of its own, its own office identifier and a
    few months of dossiers."""
    database = engines.new_database(request)
    run = Cli(tmp_path / name, capsys, office="demo", database=database)  # a demo database
    with database.active():
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


def _maker(path: Path) -> list[str]:
    """The names written under NGƯỜI LẬP BIỂU on Tổng hợp."""
    ws = load_workbook(path)[SUMMARY]
    column = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    return [v for v in column[column.index("NGƯỜI LẬP BIỂU") + 2 :] if v]


def test_weekly_and_periodic_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    run = commune(request, tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
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
        "Số hóa",
        "Thông tin",
    ]
    info = {r[2].value: r[3].value for r in wb[INFO].iter_rows(min_row=2)}  # hidden C, D
    assert (info["office_id"], info["period_key"]) == ("000.11.22.H01", "2026-W10")
    assert _maker(tmp_path / "tuan.xlsx") == []  # built by the system: signed by hand
    rc, out, err = run(
        "--user",
        DEMO_USERNAME,
        "--password-stdin",
        "report",
        "weekly",
        "-o",
        str(tmp_path / "tuan-binh.xlsx"),
        now=NOW,
        user=None,
        stdin=f"{DEMO_PASSWORD}\n",
    )
    assert rc == 0, err
    assert _maker(tmp_path / "tuan-binh.xlsx") == ["Trần Thị Bình"]  # the demo account
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
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    files = []
    for name, agency, seed in (
        ("an-binh", "000.11.22.H01", 3),
        ("dong-lac", "000.11.22.H02", 4),
        ("yen-hoa", "000.11.22.H03", 5),
    ):
        run = commune(request, tmp_path, capsys, name, agency, seed)
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
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    run = commune(request, tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
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
    # Opened and saved again by a spreadsheet program, unchanged: its signature still holds.
    assert run("key", "export", "-o", str(tmp_path / "khoa" / "xa.txt"), now=NOW)[0] == 2
    (tmp_path / "khoa").mkdir()
    assert run("key", "export", "-o", str(tmp_path / "khoa" / "xa.txt"), now=NOW)[0] == 0
    resaved = tmp_path / "luu-lai"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(resaved),
            str(tmp_path / "tuan.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (resaved / "tuan.xlsx").read_bytes() != (tmp_path / "tuan.xlsx").read_bytes()
    ring = KeyRing.from_folder(tmp_path / "khoa")
    assert verify_workbook(resaved / "tuan.xlsx", ring).kind == "ok"


def _recompute_checksums(path: Path) -> None:
    """Make the unkeyed checksum of ``Tổng hợp`` agree with the table again, as anyone can."""
    from tthc_desk.domain.report import figures_checksum
    from tthc_desk.exporting.report_reader import _read_workbook

    _, rows, total = _read_workbook(path)
    wb = load_workbook(path)
    for row in wb[INFO].iter_rows(min_row=2):
        if row[2].value in ("checksum", "content_checksum"):  # the key in hidden C
            row[1].value = row[3].value = figures_checksum(rows, total)
    wb.save(path)


def _edited(source: Path, target: Path, edit: Callable[[Workbook], None]) -> Path:
    wb = load_workbook(source)
    edit(wb)
    wb.save(target)
    return target


def test_aggregate_with_keys_counts_only_workbooks_signed_by_their_commune(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    keys = tmp_path / "khoa"
    keys.mkdir()
    files = {}
    for name, agency, seed, registered in (
        ("an-binh", "000.11.22.H01", 3, True),
        ("dong-lac", "000.11.22.H02", 4, True),
        ("yen-hoa", "000.11.22.H03", 5, False),  # its key never reached the province
    ):
        run = commune(request, tmp_path, capsys, name, agency, seed)
        files[name] = tmp_path / f"{name}.xlsx"
        assert run("report", "weekly", "-o", str(files[name]), now=NOW)[0] == 0
        if registered:
            rc, out, err = run("key", "export", "-o", str(keys / f"{name}.txt"), now=NOW)
            assert rc == 0 and agency in out, err
        if name == "an-binh":
            files["w09"] = tmp_path / "an-binh-w09.xlsx"
            assert (
                run("report", "weekly", "--week", "2026-W09", "-o", str(files["w09"]), now=NOW)[0]
                == 0
            )

    # Re-saved by a spreadsheet program without a change: still the commune's own words.
    resaved = _edited(files["dong-lac"], tmp_path / "dong-lac-luu-lai.xlsx", lambda wb: None)

    def figures(wb: Workbook) -> None:
        ws = wb[SUMMARY]  # one more received and pending, the table still adding up
        for col in (3, 6, 11, 12):
            ws.cell(NUMBERS_ROW + 2, col).value += 1

    recomputed = _edited(files["an-binh"], tmp_path / "so-lieu-sua.xlsx", figures)
    _recompute_checksums(recomputed)

    def detail(wb: Workbook) -> None:
        ws = wb["Chi tiết"]
        ws.cell(5, 12).value = "Đã trả kết quả"

    def identity(wb: Workbook) -> None:
        for row in wb[INFO].iter_rows(min_row=2):
            if row[2].value in ("office_id", "signer_office_id"):  # the key in hidden C
                row[1].value = row[3].value = "000.11.22.H09"

    def unsign(wb: Workbook) -> None:
        for row in wb[INFO].iter_rows(min_row=2):
            if row[2].value == "signature":
                row[1].value = row[3].value = None

    forged = {
        "so-lieu-sua.xlsx": recomputed,
        "chi-tiet-sua.xlsx": _edited(files["an-binh"], tmp_path / "chi-tiet-sua.xlsx", detail),
        "doi-ten.xlsx": _edited(files["an-binh"], tmp_path / "doi-ten.xlsx", identity),
    }
    unsigned = _edited(files["an-binh"], tmp_path / "chua-ky.xlsx", unsign)

    # Without --keys the forged figures pass the old check: that is the hole being closed.
    rc, out, err = run(
        "aggregate", str(recomputed), "-o", str(tmp_path / "khong-khoa.xlsx"), now=NOW
    )
    assert rc == 0 and out.splitlines()[0].endswith("Chưa xác thực chữ ký\tĐã tổng hợp"), err
    assert "Cảnh báo: chưa xác thực chữ ký" in err

    rc, out, err = run(
        "aggregate",
        "--keys",
        str(keys),
        *map(
            str,
            [
                files["an-binh"],
                resaved,
                *forged.values(),
                unsigned,
                files["yen-hoa"],
                files["w09"],
            ],
        ),
        "-o",
        str(tmp_path / "tinh.xlsx"),
        now=NOW,
    )
    assert rc == 0, err
    lines = {Path(line.split("\t")[0]).name: line for line in out.splitlines()[:-1]}
    for name, agency in (("an-binh.xlsx", "H01"), ("dong-lac-luu-lai.xlsx", "H02")):
        line = lines[name].split("\t")
        assert (line[1], line[-1]) == (f"000.11.22.{agency}", "Đã tổng hợp"), line
        assert "Chưa xác thực chữ ký" not in line
    assert out.count("Đã tổng hợp") == 2
    for name in forged:
        assert "Bỏ qua (bị sửa hoặc chữ ký giả): chữ ký số không khớp nội dung" in lines[name], name
    assert "Bỏ qua (chưa ký)" in lines["chua-ky.xlsx"]
    assert "Bỏ qua (xã chưa đăng ký khóa)" in lines["yen-hoa.xlsx"]
    assert "000.11.22.H03" in lines["yen-hoa.xlsx"]
    assert "Bỏ qua (sai kỳ): kỳ báo cáo 2026-W09" in lines["an-binh-w09.xlsx"]
    assert err.count("bỏ qua") == 6 and "Cảnh báo" not in err
    check = [[c.value for c in r] for r in load_workbook(tmp_path / "tinh.xlsx")["Kiểm tra"]]
    assert [r[2] for r in check[1:3]] == ["Đã tổng hợp", "Đã tổng hợp"]

    for args, message in (
        (("--keys", str(tmp_path / "khong-co")), "không tồn tại"),
        (("--keys", str(tmp_path / "an-binh.xlsx")), "không tồn tại"),
    ):
        rc, out, err = run(
            "aggregate", *args, str(files["an-binh"]), "-o", str(tmp_path / "x.xlsx"), now=NOW
        )
        assert message in assert_one_line_error(rc, out, err)
    (tmp_path / "trong").mkdir()
    rc, out, err = run(
        "aggregate",
        "--keys",
        str(tmp_path / "trong"),
        str(files["an-binh"]),
        "-o",
        str(tmp_path / "x.xlsx"),
        now=NOW,
    )
    assert "không có tệp khóa công khai nào" in assert_one_line_error(rc, out, err)
    assert not (tmp_path / "x.xlsx").exists()


def test_key_export_round_trips_and_names_the_key_the_workbook_is_signed_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    run = commune(request, tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
    assert run("report", "weekly", "-o", str(tmp_path / "tuan.xlsx"), now=NOW)[0] == 0
    rc, out, err = run("key", "export", "-o", str(tmp_path / "khoa.txt"), now=NOW)
    assert rc == 0, err
    key = read_public_key(tmp_path / "khoa.txt")
    text = (tmp_path / "khoa.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "TTHC Desk – khóa công khai ký báo cáo"
    assert text == unicodedata.normalize("NFC", text) and len(text) < 400
    assert key.office_id == "000.11.22.H01" and key.fingerprint in out
    info = {r[2].value: r[3].value for r in load_workbook(tmp_path / "tuan.xlsx")[INFO]}
    assert (info["signer_office_id"], info["signer_key"]) == ("000.11.22.H01", key.fingerprint)
    assert str(info["signature"]).startswith("ed25519:")
    # The same key every time: a second export is the same file.
    assert run("key", "export", "-o", str(tmp_path / "lan-2.txt"), now=NOW)[0] == 0
    assert (tmp_path / "lan-2.txt").read_text(encoding="utf-8") == text
    rc, out, err = run("key", "export", "-o", str(tmp_path / "khong" / "k.txt"), now=NOW)
    assert "không tồn tại" in assert_one_line_error(rc, out, err)


def test_outbox_add_refuses_a_workbook_under_another_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    run = commune(request, tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
    weekly = tmp_path / "tuan.xlsx"
    assert run("report", "weekly", "-o", str(weekly), now=NOW)[0] == 0
    for args, message in (
        (("--kind", "weekly", "--period", "2026-W09"), "của kỳ 2026-W10, không phải 2026-W09"),
        (
            ("--kind", "weekly", "--period", "2026-W10", "--office", "000.11.22.H02"),
            "của cơ quan 000.11.22.H01, không phải 000.11.22.H02",
        ),
        (("--kind", "period", "--period", "2026-W10"), "là báo cáo loại weekly"),
    ):
        rc, out, err = run("outbox", "add", str(weekly), *args, now=NOW)
        assert message in assert_one_line_error(rc, out, err), args
    rc, out, err = run("outbox", "add", str(weekly), "--kind", "weekly", "--period", "2026-W10")
    assert rc == 0 and out.startswith("1\t000.11.22.H01_tuan_2026-W10"), err


def _shrunk(source: Path, target: Path) -> Path:
    """The workbook with every sheet's declared ``<dimension>`` cut to ``A1:B2``, its cells
    unchanged (as some programs write it, or someone hiding rows from a reader that trusts it)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>', data
                )
                assert n == 1, item.filename
            dst.writestr(item, data)
    return target


def test_aggregate_reads_every_row_whatever_the_declared_dimension_and_skips_too_big_files(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    from tthc_desk.exporting import report_reader

    keys = tmp_path / "khoa"
    keys.mkdir()
    run = commune(request, tmp_path, capsys, "an-binh", "000.11.22.H01", 3)
    weekly = tmp_path / "an-binh.xlsx"
    assert run("report", "weekly", "-o", str(weekly), now=NOW)[0] == 0
    assert run("key", "export", "-o", str(keys / "an-binh.txt"), now=NOW)[0] == 0
    shrunk = _shrunk(weekly, tmp_path / "thu-nho.xlsx")
    assert load_workbook(shrunk, read_only=True)[SUMMARY].max_row == 2  # what a reader would trust
    too_big = tmp_path / "qua-lon.xlsx"
    shutil.copy(weekly, too_big)
    with too_big.open("r+b") as f:
        f.truncate(21 * 1024 * 1024)  # padded past the 20 MB limit

    # The declared dimension is not signed (the cells are): the shrunk copy counts, verified.
    for name, args in (("khong-khoa", ()), ("co-khoa", ("--keys", str(keys)))):
        target = tmp_path / f"{name}.xlsx"
        rc, out, err = run("aggregate", *args, str(shrunk), str(too_big), "-o", str(target))
        assert rc == 0, err
        lines = {Path(line.split("\t")[0]).name: line for line in out.splitlines()[:-1]}
        assert lines["thu-nho.xlsx"].endswith("Đã tổng hợp"), out
        assert ("Chưa xác thực chữ ký" in lines["thu-nho.xlsx"]) == (not args)
        assert (
            "Bỏ qua (không dùng được): tệp quá lớn (21 MB, tối đa 20 MB)" in lines["qua-lon.xlsx"]
        )
        assert "bỏ qua “qua-lon.xlsx” (không dùng được): tệp quá lớn" in err
        assert summary_rows(target) == summary_rows(weekly)

    # A sheet longer than the row limit is refused with its reason, not read to the end.
    book = load_workbook(weekly)
    limit = max(book[INFO].max_row, book[SUMMARY].max_row)
    monkeypatch.setattr(report_reader, "MAX_ROWS", limit)
    for i in range(book[INFO].max_row + 1, limit + 2):
        book[INFO].cell(i, 1).value = f"ghi_chu_{i}"
    long = tmp_path / "qua-dai.xlsx"
    book.save(long)
    target = tmp_path / "gioi-han.xlsx"
    rc, out, err = run("aggregate", str(weekly), str(long), "-o", str(target))
    assert rc == 0, err
    lines = {Path(line.split("\t")[0]).name: line for line in out.splitlines()[:-1]}
    assert lines["an-binh.xlsx"].endswith("Đã tổng hợp")
    assert f"Bỏ qua (không dùng được): sheet “{INFO}” có hơn {limit} dòng" in lines["qua-dai.xlsx"]


def test_the_figures_of_digitisation_of_a_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two dossiers received on Monday 02/03: one with both papers scanned, one with none (its
    form is scanned on 09/03, after the week, and does not count); the same dossiers in the
    weekly workbook's sheet are in tests/services/test_digitisation_figures.py."""
    from reportlab.pdfgen.canvas import Canvas

    run = Cli(tmp_path / "data", capsys)
    scan = tmp_path / "scan.pdf"
    canvas = Canvas(str(scan), invariant=1)
    canvas.drawString(72, 720, "to khai")
    canvas.showPage()
    canvas.save()
    codes = []
    for now in ("2026-03-02 09:00", "2026-03-02 10:00"):
        rc, out, err = run.receive(now=now)
        assert rc == 0, err
        codes.append(out.strip())
    for paper in ("1", "2"):
        rc, _, err = run("attach", codes[0], "--paper", paper, str(scan))
        assert rc == 0, err
    rc, _, err = run("attach", codes[1], "--paper", "1", str(scan), now="2026-03-09 10:00")
    assert rc == 0, err

    rc, out, err = run("report", "digitised", "--period", "2026-W10", "--list", now=NOW)
    assert (rc, err) == (0, "")
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == [
        "Tuần 10/2026 (từ ngày 02/03/2026 đến ngày 08/03/2026)",
        "số liệu tính đến 00:00 ngày 09/03/2026",
    ]
    assert lines[1:8] == [
        ["Hồ sơ tiếp nhận trong kỳ", "2"],
        ["Số hóa đủ các giấy tờ đã nộp", "1/2", "50,0%"],
        ["Đã có kết quả giải quyết", "0/2", "0,0%"],
        ["Có kết quả điện tử (4.1), trên số hồ sơ đã có kết quả", "0/0", "—"],
        ["Số hóa thành phần và kết quả (4.2), trên số hồ sơ đã có kết quả", "0/0", "—"],
        ["Tái sử dụng giấy tờ đã số hóa (4.3)", "0/2", "0,0%"],
        ["Chưa có bản số hóa nào", "1/2", "50,0%"],
    ]
    assert [x[:3] for x in lines[8:]] == [["Chưa số hóa", codes[1], "02/03/2026 10:00"]]

    rc, out, err = run("report", "digitised", "--period", "tuần 10", now=NOW)
    assert "không đúng dạng" in assert_one_line_error(rc, out, err)
