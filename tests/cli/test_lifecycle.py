"""Following dossiers from the command line: every move, the forms, the registers, late letters."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.conftest import open_test_services
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths

LEDGER_HEADER = ["TT", "Mã hồ sơ", "Tên TTHC", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
                 "Cơ quan chủ trì giải quyết", "Số lượng hồ sơ (bộ)", "Ngày, tháng, năm",
                 None, None, None, None, "Ghi chú"]  # fmt: skip


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def receive(
    run: Cli, procedure: str, now: str, name: str = "Trần Văn Bình", id_number: str = "001085012345"
) -> str:
    code, out, err = run(
        "receive",
        "--procedure",
        procedure,
        "--name",
        name,
        "--id-number",
        id_number,
        "--address",
        "Thôn 3, phường Đồng Nguyên",
        now=now,
    )
    assert code == 0, err
    return out.strip()


def move(run: Cli, code: str, to: str, now: str, *extra: str) -> tuple[str, str]:
    rc, out, err = run("move", code, "--to", to, *extra, now=now)
    assert rc == 0, err
    return out.strip(), err.strip()


def history(run: Cli, code: str) -> list[str]:
    from datetime import datetime

    svc = open_test_services(
        AppPaths(run.data_dir), FixedClock(datetime(2026, 3, 2, 9, 0)), seed=False
    )
    try:
        return [e.kind for e in svc.lifecycle.history(code)]
    finally:
        svc.close()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pdf_flat(path: Path) -> str:
    """The text without any white space: narrow register columns wrap long codes."""
    return "".join(pdf_text(path).split())


def test_every_move_from_the_cli_and_each_form(run: Cli, tmp_path: Path) -> None:
    # A: hand-off, supplement (clock restarts), hand-off, result, return with a rating.
    a = receive(run, "1.004873", "2026-03-02 08:30")
    assert move(run, a, "handed-over", "2026-03-02 09:00", "--unit", "Phòng Kinh tế") == (
        "Đang giải quyết",
        "",
    )
    out, err = move(
        run,
        a,
        "supplement",
        "2026-03-09 09:30",
        "--paper",
        "Giấy xác nhận tình trạng hôn nhân",
        "--paper",
        "Bản sao sổ hộ khẩu",
        "--reason",
        "Thiếu giấy tờ",
    )
    assert out == "Chờ bổ sung"
    assert err.startswith(
        "Cảnh báo: Yêu cầu bổ sung muộn"
    )  # later than 3 working days after receipt
    assert move(run, a, "supplemented", "2026-03-10 09:00")[0] == "Mới tiếp nhận"
    assert move(run, a, "handed-over", "2026-03-10 10:00")[0] == "Đang giải quyết"
    assert (
        move(run, a, "result-ready", "2026-03-11 10:00", "--unit", "Phòng Kinh tế")[0]
        == "Có kết quả"
    )
    assert (
        move(
            run,
            a,
            "returned",
            "2026-03-11 14:00",
            "--taken-by",
            "Trần Văn Bình",
            "--rating",
            "Rất hài lòng",
            "--comment",
            "Nhanh gọn",
        )[0]
        == "Đã trả kết quả"
    )
    kinds = [
        "received",
        "handed-over",
        "supplement",
        "supplemented",
        "handed-over",
        "result-ready",
        "returned",
    ]
    assert history(run, a) == kinds

    # An impossible move: exit 2, one line, nothing recorded.
    rc, out, err = run("move", a, "--to", "handed-over", now="2026-03-11 15:00")
    line = assert_one_line_error(rc, out, err)
    assert "Không thể" in line and "Đã trả kết quả" in line
    assert history(run, a) == kinds

    # B refused, C stopped, D withdrawn, E closed after an unanswered supplement request.
    b = receive(run, "1.004873", "2026-03-02 09:00", "Lê Thị Hoa", "001190054321")
    assert (
        move(run, b, "refused", "2026-03-02 10:00", "--reason", "Không thuộc thẩm quyền")[0]
        == "Từ chối"
    )
    c = receive(run, "1.004873", "2026-03-02 09:10", "Phạm Văn Cường", "001080011111")
    assert (
        move(run, c, "stopped", "2026-03-02 10:00", "--reason", "Người nộp đề nghị dừng")[0]
        == "Dừng giải quyết"
    )
    d = receive(run, "1.004873", "2026-03-02 09:20", "Vũ Thị Dung", "001192022222")
    assert (
        move(run, d, "withdrawn", "2026-03-02 10:00", "--reason", "Rút để bổ sung sau")[0]
        == "Rút hồ sơ"
    )
    e = receive(run, "1.004873", "2026-03-02 09:30", "Đỗ Văn Em", "001087033333")
    move(run, e, "supplement", "2026-03-02 10:00", "--paper", "Tờ khai")
    rc, out, err = run("move", e, "--to", "closed", now="2026-03-10 10:00")
    assert "Chưa thể đóng" in assert_one_line_error(rc, out, err)
    assert move(run, e, "closed", "2026-03-18 10:00")[0] == "Đóng"

    # Each form to PDF, carrying the dossier's code.
    for form, code in (
        ("supplement", a),
        ("control", a),
        ("refusal", b),
        ("stop", c),
        ("supplement", e),
    ):
        target = tmp_path / f"{form}-{code}.pdf"
        rc, out, err = run("print", form, code, "-o", str(target), now="2026-03-18 11:00")
        assert rc == 0, err
        assert out.strip() == str(target)
        text = pdf_text(target)
        assert code in text, (form, text[:300])
    assert "Giấy xác nhận tình trạng hôn nhân" in pdf_text(tmp_path / f"supplement-{a}.pdf")
    assert "Không thuộc thẩm quyền" in pdf_text(tmp_path / f"refusal-{b}.pdf")

    # A form the dossier has no event for: exit 2 and no file.
    target = tmp_path / "none.pdf"
    for form, code, words in (
        ("supplement", b, "chưa có yêu cầu bổ sung"),
        ("refusal", a, "chưa bị từ chối"),
        ("stop", a, "chưa được dừng"),
        ("apology", a, "chưa có phiếu xin lỗi"),
    ):
        rc, out, err = run("print", form, code, "-o", str(target), now="2026-03-18 11:00")
        assert words in assert_one_line_error(rc, out, err)
        assert not target.exists()


def test_late_scan_letters_confirm_deliver_and_print(run: Cli, tmp_path: Path) -> None:
    late = receive(run, "1.001193", "2026-03-02 08:30")  # same day: due 02/03 17:00
    soon = receive(
        run, "1.004873", "2026-03-02 08:40", "Lê Thị Hoa", "001190054321"
    )  # due Thu 05/03
    rc, out, err = run("late", now="2026-03-04 09:00")
    assert rc == 0, err
    lines = out.splitlines()
    assert lines == [
        f"{late}\tTrần Văn Bình\t02/03/2026 17:00\tquá hạn\tchưa có phiếu",
        f"{soon}\tLê Thị Hoa\t05/03/2026 08:40\tsắp đến hạn\tchưa có phiếu",
    ]
    rc, out, err = run("late", "--scan", now="2026-03-04 09:00")
    assert rc == 0, err
    assert out.splitlines()[-1] == "Đã lập 2 phiếu xin lỗi dự thảo."
    assert "có phiếu dự thảo, chưa ký" in out.splitlines()[0]
    rc, out, _ = run("late", "--scan", now="2026-03-04 09:00")
    assert out.splitlines()[-1] == "Đã lập 0 phiếu xin lỗi dự thảo."

    svc = open_test_services(
        AppPaths(run.data_dir),
        FixedClock(__import__("datetime").datetime(2026, 3, 4, 9, 0)),
        seed=False,
    )
    try:
        letter_id = next(x.id for x in svc.apologies.letters() if x.dossier_code == late)
        head = svc.settings.office().head_name
    finally:
        svc.close()
    # The draft prints with its DỰ THẢO mark.
    target = tmp_path / "xin-loi-du-thao.pdf"
    rc, out, err = run("print", "apology", late, "-o", str(target), now="2026-03-04 09:10")
    assert rc == 0, err
    text = pdf_text(target)
    assert late in text and "DỰ THẢO" in text
    # --by names the head of office, who logs in to sign (the service checks it is them)
    rc, out, err = run(
        "apology", "confirm", str(letter_id), "--by", head, now="2026-03-04 09:15", user="an"
    )
    assert rc == 0, err
    assert out.startswith("01/2026/PXL\t" + late)
    rc, out, err = run("apology", "confirm", str(letter_id), now="2026-03-04 09:16")
    assert "đã được ký" in assert_one_line_error(rc, out, err)
    rc, out, err = run(
        "apology", "deliver", str(letter_id), "--method", "Trao trực tiếp", now="2026-03-04 09:20"
    )
    assert rc == 0, err
    assert out.strip().endswith("Đã gửi")
    rc, out, _ = run("late", now="2026-03-04 09:30")
    assert (
        f"{late}\tTrần Văn Bình\t02/03/2026 17:00\tquá hạn\tđã có phiếu số 01/2026/PXL"
        in out.splitlines()
    )
    target = tmp_path / "xin-loi.pdf"
    rc, out, err = run("print", "apology", late, "-o", str(target), now="2026-03-04 09:30")
    assert rc == 0, err
    text = pdf_text(target)
    assert late in text and "01/2026/PXL" in text and "DỰ THẢO" not in text


def test_ledger_and_explanation_list_to_excel_and_pdf(run: Cli, tmp_path: Path) -> None:
    codes = [
        receive(run, "1.001193", f"2026-03-02 {8 + i:02d}:00", f"Nguyễn Văn {n}", f"00108501234{i}")
        for i, n in enumerate(("An", "Bình", "Cường"))
    ]
    move(run, codes[0], "result-ready", "2026-03-02 10:30")  # on time
    move(run, codes[1], "result-ready", "2026-03-03 09:00")  # late
    move(run, codes[1], "returned", "2026-03-03 10:00", "--rating", "hai long")
    now = "2026-03-04 09:00"  # codes[2] is still open and overdue

    book = tmp_path / "so-theo-doi.xlsx"
    rc, out, err = run(
        "ledger", "--from", "2026-03-01", "--to", "2026-03-31", "-o", str(book), now=now
    )
    assert rc == 0, err
    assert out.strip() == f"Đã ghi 3 hồ sơ vào {book}"
    assert "Đang lập: 3/3 hồ sơ (100%)" in err  # progress on stderr, the result on stdout
    values = [list(r) for r in load_workbook(book).active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    head = next(i for i, r in enumerate(values) if r[0] == "TT")
    assert values[head] == LEDGER_HEADER
    body = values[head + 2 :]
    assert [r[1] for r in body] == codes  # one row per dossier, in ledger order

    pdf = tmp_path / "so-theo-doi.pdf"
    rc, out, err = run(
        "ledger", "--from", "2026-03-01", "--to", "2026-03-31", "-o", str(pdf), now=now
    )
    assert rc == 0, err
    assert err.splitlines()[-1] == "Đang lập: 3/3 hồ sơ (100%)"
    assert "SỔ THEO DÕI HỒ SƠ" in pdf_text(pdf)
    assert all(c in pdf_flat(pdf) for c in codes)

    for suffix, public in (("xlsx", False), ("pdf", False), ("xlsx", True), ("pdf", True)):
        target = tmp_path / f"giai-trinh-{public}.{suffix}"
        extra = ("--public",) if public else ()
        rc, out, err = run(
            "explain",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "-o",
            str(target),
            *extra,
            now=now,
        )
        assert rc == 0, err
        assert out.strip() == f"Đã ghi 2 hồ sơ quá hạn vào {target}"
        if suffix == "xlsx":
            cells = {c for r in load_workbook(target).active.iter_rows(values_only=True) for c in r}  # type: ignore[union-attr]
            assert {codes[1], codes[2]} <= cells and codes[0] not in cells
        else:
            text = pdf_flat(target)
            assert codes[1] in text and codes[2] in text and codes[0] not in text

    # Wrong suffix or a missing folder: exit 2, one line, nothing written.
    bad = tmp_path / "so.csv"
    rc, out, err = run(
        "ledger", "--from", "2026-03-01", "--to", "2026-03-31", "-o", str(bad), now=now
    )
    assert assert_one_line_error(rc, out, err) == "tthc-desk: Chỉ xuất được tệp .xlsx hoặc .pdf."
    assert not bad.exists()
    rc, out, err = run(
        "explain",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "-o",
        str(tmp_path / "no" / "x.pdf"),
        now=now,
    )
    assert "không tồn tại" in assert_one_line_error(rc, out, err)


def test_late_scan_on_a_demo_database_leaves_no_late_dossier_without_a_letter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None)  # tthc-desk demo makes it the demo's
    now = "2026-03-02 16:00"
    rc, _, err = run("demo", "--dossiers", "800", "--seed", "4", now=now)
    assert rc == 0, err
    rc, out, _ = run("late", now=now)

    def late_without_letter(lines: list[str]) -> list[str]:
        return [
            line
            for line in lines
            if line.endswith("chưa có phiếu")
            and ("\tquá hạn\t" in line or "\tđã giải quyết quá hạn\t" in line)
        ]

    missing = late_without_letter(out.splitlines())
    assert any("\tquá hạn\t" in line for line in missing)
    assert any("\tđã giải quyết quá hạn\t" in line for line in missing)
    rc, out, err = run("late", "--scan", now=now)
    assert rc == 0, err
    lines = out.splitlines()
    created = int(lines[-1].split()[2])
    assert lines[-1] == f"Đã lập {created} phiếu xin lỗi dự thảo." and created >= len(missing)
    assert late_without_letter(lines[:-1]) == []
    rc, out, _ = run("late", "--scan", now=now)
    assert out.splitlines()[-1] == "Đã lập 0 phiếu xin lỗi dự thảo."


def test_late_scan_keeps_to_the_look_back_and_never_proposes_a_past_date(run: Cli) -> None:
    """Settled late two years ago: no draft, said so; settled late last week: a draft whose new
    appointment is after now. The window's background scan uses the same service and window."""
    old = receive(run, "1.001193", "2024-03-04 08:30")  # due 04/03/2024 17:00
    move(run, old, "result-ready", "2024-03-06 09:00")  # settled late
    recent = receive(run, "1.001193", "2026-02-23 08:30", "Lê Thị Hoa", "001190054321")
    move(run, recent, "result-ready", "2026-02-25 09:00")  # settled late, last week
    now = "2026-03-04 09:00"
    rc, out, err = run("late", now=now)
    assert out.splitlines() == [
        f"{recent}\tLê Thị Hoa\t23/02/2026 17:00\tđã giải quyết quá hạn\tchưa có phiếu"
    ]
    rc, out, err = run("late", "--scan", now=now)
    assert rc == 0, err
    assert out.splitlines()[-2:] == [
        "Tự lập phiếu cho hồ sơ đến hạn từ 15/01/2026 (2 tháng báo cáo gần nhất).",
        "Đã lập 1 phiếu xin lỗi dự thảo.",
    ]
    svc = open_test_services(AppPaths(run.data_dir), FixedClock(datetime(2026, 3, 4, 9, 0)))
    try:
        [letter] = svc.apologies.letters()
        assert letter.dossier_code == recent
        assert letter.proposed_due_at >= datetime(2026, 3, 4, 9, 0)
        assert letter.proposed_due_at == datetime(2026, 3, 6, 9, 0)  # 2 working days on
        # Twelve reporting months back: the old one stays out (due in 2024), still none.
        svc.apologies.save_lookback_months(24)
        assert svc.apologies.lookback_since() == datetime(2024, 3, 15)
        assert svc.apologies.scan() == 0
    finally:
        svc.close()


def test_late_scan_after_the_first_looks_at_what_changed_and_full_on_demand(run: Cli) -> None:
    """The second ``late --scan`` starts where the first left off (what changed since, and
    the dossiers that fell due): the same drafts, the same lines as ``--scan --full``."""
    first = receive(run, "1.001193", "2026-03-02 08:30")  # same day: due 02/03 17:00
    rc, out, err = run("late", "--scan", now="2026-03-02 09:00")
    assert rc == 0, err
    assert out.splitlines()[-1] == "Đã lập 0 phiếu xin lỗi dự thảo."
    second = receive(run, "1.001193", "2026-03-02 09:30", "Lê Thị Hoa", "001190054321")
    move(run, second, "result-ready", "2026-03-03 08:00")  # settled late: changed since
    rc, out, err = run("late", "--scan", now="2026-03-03 09:00")  # first fell due since
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[-1] == "Đã lập 2 phiếu xin lỗi dự thảo."
    assert lines[:-2] == [
        f"{first}\tTrần Văn Bình\t02/03/2026 17:00\tquá hạn\tcó phiếu dự thảo, chưa ký",
    ]
    rc, again, _ = run("late", "--scan", now="2026-03-03 09:05")
    rc, full, _ = run("late", "--scan", "--full", now="2026-03-03 09:05")
    assert rc == 0 and again == full and again.splitlines()[-1].startswith("Đã lập 0 ")
    rc, out, err = run("late", "--full", now="2026-03-03 09:05")
    assert "--full chỉ dùng cùng --scan" in assert_one_line_error(rc, out, err)
