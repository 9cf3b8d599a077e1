"""The CLI at the text gate after intake (issue 11 item 1): a move, an apology letter, the
return contact, the office setup, an account, a report destination and a backup destination
holding a control or invisible character are refused with one Vietnamese line naming the field,
exit 2 and nothing written; an ordinary Vietnamese value still saves."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.test_accounts import ADMIN_PASSWORD, SETUP, open_folder
from tests.cli.test_cli import Cli, assert_one_line_error
from tests.cli.test_cli import run as run  # the fixture
from tests.cli.test_cli_gate import assert_nothing_written
from tests.conftest import open_test_services
from tests.services.gate_helpers import table_counts
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths

GATE = "chứa ký tự điều khiển hoặc ký tự ẩn"


def _received(run: Cli) -> str:
    code, out, err = run.receive()
    assert code == 0, err
    return out.strip().splitlines()[0]


@pytest.mark.parametrize(
    "unit",
    ["Phòng\x07 Kinh tế", "Phòng\x1b Kinh tế", "Phòng \u202eKinh tế", "Phòng\u200b Kinh tế"],
    ids=["bel", "esc", "rlo", "zwsp"],
)
def test_a_move_to_a_unit_the_gate_refuses(run: Cli, unit: str) -> None:
    code = _received(run)
    before = table_counts(run.data_dir)
    line = assert_one_line_error(*run("move", code, "--to", "handed-over", "--unit", unit))
    assert "Đơn vị " + GATE in line
    line = assert_one_line_error(*run("move", code, "--to", "refused", "--reason", "Thiếu " * 200))
    assert "Lý do dài 1199 ký tự, quá giới hạn 500 ký tự" in line
    assert_nothing_written(run, before)
    rc, _, err = run("move", code, "--to", "handed-over", "--unit", "Phòng Kinh tế")
    assert rc == 0, err


def test_an_apology_letter_the_gate_refuses(run: Cli) -> None:
    code = _received(run)
    svc = open_test_services(
        AppPaths(run.data_dir), FixedClock(datetime(2026, 3, 2, 9, 0)), seed=False
    )
    try:
        letter = svc.apologies.draft(code).id
    finally:
        svc.close()
    before = table_counts(run.data_dir)
    line = assert_one_line_error(
        *run(
            "apology", "confirm", str(letter), "--override-reason", "Chờ\u202e xác minh", user="an"
        )
    )
    assert "Lý do ký hẹn lại lần nữa " + GATE in line
    line = assert_one_line_error(*run("apology", "deliver", str(letter), "--method", "Trao\x07"))
    assert "Cách gửi phiếu " + GATE in line
    assert_nothing_written(run, before)
    rc, _, err = run("apology", "confirm", str(letter), user="an")
    assert rc == 0, err


def test_a_return_contact_the_gate_refuses(run: Cli) -> None:
    code = _received(run)
    before = table_counts(run.data_dir)
    argv = ["postal", "return", code, "--method", "postal"]
    line = assert_one_line_error(*run(*argv, "--recipient", "Trần\u200b Văn Bình"))
    assert "Người nhận kết quả " + GATE in line
    line = assert_one_line_error(*run(*argv, "--address", "Thôn 3,\x1b phường Đồng Nguyên"))
    assert "Địa chỉ nhận kết quả " + GATE in line
    assert_nothing_written(run, before)
    rc, _, err = run(*argv, "--recipient", "Trần Văn Bình")
    assert rc == 0, err


@pytest.mark.parametrize(
    ("option", "value", "label"),
    [
        ("--head", "Nguyễn Văn\x07 An", "Họ tên người đứng đầu"),
        ("--office", "TRUNG TÂM \u202ePHỤC VỤ", "Tên Bộ phận Một cửa"),
        ("--authority", "UBND\u200b PHƯỜNG", "Tên cơ quan chủ quản"),
        ("--admin-name", "Lê Văn\x1b Cường", "Họ và tên"),
    ],
)
def test_a_setup_the_gate_refuses_sets_nothing_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, label: str
) -> None:
    run = Cli(tmp_path / "data", capsys, office=None)
    argv = list(SETUP)
    argv[argv.index(option) + 1] = value
    line = assert_one_line_error(*run(*argv, stdin=ADMIN_PASSWORD + "\n"))
    assert f"{label} {GATE}" in line
    svc = open_folder(run.data_dir)
    try:
        assert not svc.settings.is_set_up()
        assert svc.accounts.list(include_inactive=True) == []
    finally:
        svc.close()
    assert run(*SETUP, stdin=ADMIN_PASSWORD + "\n")[0] == 0


def test_an_account_the_gate_refuses(run: Cli) -> None:
    assert run("catalog", "list")[0] == 0
    before = table_counts(run.data_dir)
    add = ["user", "add", "hoa", "--roles", "clerk", "--temporary"]
    line = assert_one_line_error(
        *run(*add, "--full-name", "Phạm\x07 Thị Hoa", user="quantri", stdin="tam-thoi-1\n")
    )
    assert "Họ và tên " + GATE in line
    line = assert_one_line_error(
        *run(
            "user",
            "add",
            "ho\u200ba",
            "--full-name",
            "Phạm Thị Hoa",
            "--roles",
            "clerk",
            "--temporary",
            user="quantri",
            stdin="tam-thoi-1\n",
        )
    )
    assert "Tên đăng nhập " + GATE in line
    assert_nothing_written(run, before)
    rc, _, err = run(*add, "--full-name", "Phạm Thị Hoa", user="quantri", stdin="tam-thoi-1\n")
    assert rc == 0, err


def test_a_destination_the_gate_refuses(run: Cli, tmp_path: Path) -> None:
    assert run("catalog", "list")[0] == 0
    before = table_counts(run.data_dir)
    dest = ["destination", "set", "--kind"]
    line = assert_one_line_error(
        *run(*dest, "folder", "--folder", str(tmp_path / "bao\x1bcao"), user="quantri")
    )
    assert "Thư mục nhận báo cáo " + GATE in line
    line = assert_one_line_error(
        *run(*dest, "webdav", "--url", "https://dav.tinh.gov.vn/\nxa/", user="quantri")
    )
    assert "Địa chỉ máy chủ (URL) " + GATE in line
    usb = str(tmp_path / "usb\x07")
    line = assert_one_line_error(*run("backup", "settings", "--destination", usb, user="quantri"))
    assert "Nơi sao lưu thứ hai thứ 1 " + GATE in line
    assert_nothing_written(run, before)
    rc, _, err = run(*dest, "folder", "--folder", str(tmp_path / "báo-cáo"), user="quantri")
    assert rc == 0, err
    rc, _, err = run("backup", "settings", "--destination", str(tmp_path / "ổ USB"), user="quantri")
    assert rc == 0, err
