"""`tthc-desk postal …`: handover lists, waybills, outcomes, the status file, the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.cli.test_lifecycle import history, move
from tests.cli.test_lifecycle import pdf_flat as pdf_flat_text

ADDRESS = "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên"


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def ready_postal(run: Cli, name: str, id_number: str, *extra: str) -> str:
    rc, out, err = run(
        "receive",
        "--procedure",
        "1.004873",
        "--name",
        name,
        "--id-number",
        id_number,
        "--address",
        ADDRESS,
        "--return",
        "postal",
        *extra,
        now="2026-03-02 08:30",
    )
    assert rc == 0, err
    code = out.strip()
    move(run, code, "result-ready", "2026-03-02 10:00")
    return code


def test_receive_by_post_with_a_reference_and_refusals(run: Cli) -> None:
    rc, out, err = run(
        "receive",
        "--procedure",
        "1.004873",
        "--name",
        "Trần Văn Bình",
        "--id-number",
        "001085012345",
        "--channel",
        "postal",
        "--postal-ref",
        "eb123456789vn",
        "--return",
        "postal",
        "--recipient",
        "Trần Thị Mai",
        "--recipient-phone",
        "0988123456",
        "--address",
        ADDRESS,
    )
    assert rc == 0, err
    rc, out, err = run(
        "receive",
        "--procedure",
        "1.004873",
        "--name",
        "Trần Văn Bình",
        "--id-number",
        "001085012345",
        "--channel",
        "postal",
    )
    assert "số hiệu bưu gửi" in assert_one_line_error(rc, out, err)
    rc, out, err = run(
        "receive",
        "--procedure",
        "2.001035",
        "--name",
        "Trần Văn Bình",
        "--id-number",
        "001085012345",
        "--return",
        "postal",
        "--address",
        ADDRESS,
    )
    assert "không cho phép trả kết quả qua bưu chính" in assert_one_line_error(rc, out, err)


def test_postal_workflow_from_the_cli(run: Cli, tmp_path: Path) -> None:
    a = ready_postal(run, "Trần Văn Bình", "001085012345")
    b = ready_postal(run, "Lê Thị Hoa", "001085054321")
    c = ready_postal(run, "Phạm Văn Cường", "001085099999")

    rc, out, err = run("postal", "list", "--status", "waiting", now="2026-03-02 11:00")
    assert rc == 0 and [line.split("\t")[0] for line in out.splitlines()] == [a, b, c]
    assert "Chờ giao bưu điện" in out

    pdf = tmp_path / "ban-giao.pdf"
    rc, out, err = run(
        "postal",
        "batch",
        "--date",
        "2026-03-02 14:00",
        "--waybill",
        f"{a}=EB500000001VN",
        "--employee",
        "Đỗ Văn Hùng",
        "-o",
        str(pdf),
        now="2026-03-02 15:00",
    )
    assert rc == 0, err
    assert out.startswith("01/2026/BGBC\t3 hồ sơ\t")
    assert err.startswith("Cảnh báo: 2 bưu gửi chưa có số hiệu")
    text = pdf_flat_text(pdf)
    assert all(code.replace(" ", "") in text for code in (a, b, c)) and "EB500000001VN" in text
    assert history(run, a)[-1] == "returned"

    assert run("postal", "waybill", b, "EB500000002VN", now="2026-03-02 15:10")[0] == 0
    rc, out, err = run("postal", "waybill", c, "eb500000002vn", now="2026-03-02 15:11")
    assert "đã ghi cho hồ sơ" in assert_one_line_error(rc, out, err)
    assert run("postal", "waybill", c, "EB500000003VN", now="2026-03-02 15:12")[0] == 0

    xlsx = tmp_path / "ban-giao.xlsx"
    rc, out, err = run("postal", "print", "01/2026/BGBC", "-o", str(xlsx), now="2026-03-02 15:20")
    assert rc == 0 and err == ""
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[next(i for i, r in enumerate(rows) if r[0] == "TT")][:2] == ("TT", "Mã hồ sơ")
    assert {r[7] for r in rows if r[1] in (a, b, c)} == {
        "EB500000001VN",
        "EB500000002VN",
        "EB500000003VN",
    }

    rc, out, err = run(
        "postal",
        "update",
        "EB500000001VN",
        "--status",
        "delivered",
        "--date",
        "2026-03-03",
        now="2026-03-04 09:00",
    )
    assert rc == 0, err
    assert out.split("\t")[2] == "Đã phát thành công"

    status = tmp_path / "trang-thai.csv"
    status.write_text(
        "Số hiệu bưu gửi;Trạng thái;Ngày\nEB500000002VN;Phát không thành công;03/03/2026 09:00\n"
        "EB500000003VN;Chuyển hoàn;04/03/2026 08:00\n",
        encoding="utf-8-sig",
    )
    rc, out, err = run("postal", "import", str(status), now="2026-03-04 09:00")
    assert rc == 0, err
    assert (
        out.strip() == "Đã cập nhật 2 bưu gửi: 0 phát thành công, 1 phát không thành công, "
        "1 chuyển hoàn; 0 dòng không đổi."
    )
    assert history(run, c)[-1] == "postal_returned"

    rc, out, err = run("postal", "list", "--status", "returned", now="2026-03-04 09:30")
    assert out.splitlines()[0].split("\t")[:3] == [
        c,
        "EB500000003VN",
        "Chuyển hoàn về Bộ phận Một cửa",
    ]
    # Back at the counter: returned in person.
    assert (
        move(run, c, "returned", "2026-03-04 10:00", "--taken-by", "Phạm Văn Cường")[0]
        == "Đã trả kết quả"
    )

    rc, out, err = run(
        "postal", "shares", "--from", "2026-03-01", "--to", "2026-03-14", now="2026-03-04 11:00"
    )
    assert rc == 0
    assert out.splitlines() == [
        "Tiếp nhận\t3\tqua bưu chính\t0\t0,0%",
        "Trả kết quả\t3\tqua bưu chính\t3\t100,0%",
    ]


def test_postal_errors_exit_2_with_one_line_and_write_nothing(run: Cli, tmp_path: Path) -> None:
    out_file = tmp_path / "x.pdf"
    rc, out, err = run("postal", "batch", "-o", str(out_file))
    assert "Không có kết quả nào đang chờ giao bưu điện" in assert_one_line_error(rc, out, err)
    assert not out_file.exists()
    code = ready_postal(run, "Trần Văn Bình", "001085012345")
    rc, out, err = run("postal", "batch", "-o", str(tmp_path / "x.docx"), now="2026-03-02 11:00")
    assert ".pdf hoặc .xlsx" in assert_one_line_error(rc, out, err)
    rc, out, err = run(
        "postal", "batch", "-o", str(tmp_path / "none" / "x.pdf"), now="2026-03-02 11:00"
    )
    assert "không tồn tại" in assert_one_line_error(rc, out, err)
    assert history(run, code)[-1] == "result-ready"  # no list was made
    rc, out, err = run("postal", "update", "EB000000000VN", "--status", "delivered")
    assert "Không có bưu gửi nào" in assert_one_line_error(rc, out, err)
    rc, out, err = run("postal", "update", "EB000000000VN", "--status", "lost")
    assert "không phải trạng thái bưu gửi" in assert_one_line_error(rc, out, err)
    bad = tmp_path / "bad.csv"
    bad.write_text("waybill,date\nEB000000000VN,01/03/2026\n", encoding="utf-8")
    rc, out, err = run("postal", "import", str(bad))
    line = assert_one_line_error(rc, out, err)
    assert "chưa cập nhật bưu gửi nào" in line and "Thiếu cột “Trạng thái”" in line
    rc, out, err = run("postal", "waybill", code, "EB1")
    assert "không hợp lệ" in assert_one_line_error(rc, out, err)
    rc, out, err = run("postal", "return", code, "--method", "postal", "--address", "Thôn 3")
    assert "quá ngắn" in assert_one_line_error(rc, out, err)
