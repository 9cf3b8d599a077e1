"""`tthc-desk destination|outbox|upload`, run as a script would, against a real WebDAV server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import Cli, assert_one_line_error
from tests.sync.conftest import OFFICE, MemoryKeyring
from tests.sync.servers import PASSWORD, USER, WebDavServer


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys)


def _workbook(tmp_path: Path, content: bytes = b"PK tuan 9") -> str:
    f = tmp_path / "tuan9.xlsx"
    f.write_bytes(content)
    return str(f)


def test_destination_upload_and_status(
    run: Cli,
    tmp_path: Path,
    webdav: WebDavServer,
    os_keyring: MemoryKeyring,
) -> None:
    # The administrator logs in with the first line of stdin; the destination's password is
    # the next one.
    code, out, err = run(
        "destination",
        "set",
        "--kind",
        "webdav",
        "--url",
        webdav.url,
        "--user",
        USER,
        "--password-stdin",
        "--timeout",
        "2",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert "Mật khẩu đã lưu trong kho mật khẩu" in out
    assert list(os_keyring.data.values()) == [PASSWORD]
    code, out, _ = run("destination", "show")
    assert "đã lưu trong kho mật khẩu" in out and PASSWORD not in out
    code, out, err = run("destination", "test")
    assert code == 0 and out.startswith("Kết nối được: 207"), err

    code, out, err = run(
        "outbox",
        "add",
        _workbook(tmp_path),
        "--kind",
        "weekly",
        "--period",
        "2026-W09",
        "--office",
        OFFICE,
    )
    assert out == f"1\t{OFFICE}_tuan_2026-W09.xlsx\tĐang chờ gửi\n", err
    webdav.switch.mode = "500"
    code, out, _ = run("upload")
    assert code == 0
    assert out.startswith(f"{OFFICE}_tuan_2026-W09.xlsx\tChờ gửi lại lúc 02/03/2026 09:01\tMáy chủ")
    code, out, _ = run("upload")  # still backing off
    assert out == "Không có báo cáo nào đến lượt gửi.\n"
    webdav.switch.mode = None
    code, out, _ = run("upload", "--all")
    assert out.startswith(f"{OFFICE}_tuan_2026-W09.xlsx\tĐã gửi\t201")
    code, out, _ = run("upload", "status")
    first = out.splitlines()[0].split("\t")
    assert first[:4] == ["1", f"{OFFICE}_tuan_2026-W09.xlsx", "Đã gửi", "2"]
    assert [f.name for f in webdav.files()] == [f"{OFFICE}_tuan_2026-W09.xlsx"]


def test_no_keyring_refuses_to_store_unless_told(
    run: Cli, webdav: WebDavServer, tmp_path: Path
) -> None:
    code, out, err = run(
        "destination",
        "set",
        "--kind",
        "webdav",
        "--url",
        webdav.url,
        "--user",
        USER,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert "keyring" in assert_one_line_error(code, out, err)
    code, out, err = run("destination", "show")
    assert "Chưa đặt nơi nhận" in assert_one_line_error(code, out, err)  # nothing was saved

    code, out, err = run(
        "destination", "set", "--kind", "webdav", "--url", webdav.url, "--user", USER, "--no-store"
    )
    assert code == 0 and "sẽ được hỏi mỗi lần gửi" in out, err
    run(
        "outbox",
        "add",
        _workbook(tmp_path),
        "--kind",
        "weekly",
        "--period",
        "2026-W09",
        "--office",
        OFFICE,
    )
    code, out, err = run("upload")  # no secret at hand: refused, nothing tried
    assert "Chưa có mật khẩu" in assert_one_line_error(code, out, err)
    code, out, err = run("upload", "--password-stdin", stdin=PASSWORD + "\n")
    assert "\tĐã gửi\t" in out, err


def test_bad_destination_and_bad_outbox_input(run: Cli, tmp_path: Path) -> None:
    code, out, err = run(
        "destination", "set", "--kind", "webdav", "--url", "http://tinh.gov.vn/dav"
    )
    assert "https://" in assert_one_line_error(code, out, err)
    code, out, err = run("destination", "set", "--kind", "smtp", "--smtp-host", "mail.tinh.gov.vn")
    line = assert_one_line_error(code, out, err)
    assert "người gửi" in line and "người nhận" in line
    code, out, err = run(
        "outbox",
        "add",
        _workbook(tmp_path),
        "--kind",
        "weekly",
        "--period",
        "tuần 9",
        "--office",
        OFFICE,
    )
    assert "Kỳ báo cáo" in assert_one_line_error(code, out, err)
    code, out, err = run("upload")
    assert "Chưa đặt nơi nhận" in assert_one_line_error(code, out, err)


def test_folder_destination_from_the_cli(run: Cli, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    assert run("destination", "set", "--kind", "folder", "--folder", str(share))[0] == 0
    run(
        "outbox",
        "add",
        _workbook(tmp_path),
        "--kind",
        "period",
        "--period",
        "2026-Q1",
        "--office",
        OFFICE,
    )
    run(
        "outbox",
        "add",
        _workbook(tmp_path, b"corrected"),
        "--kind",
        "period",
        "--period",
        "2026-Q1",
        "--office",
        OFFICE,
    )
    code, out, _ = run("upload")
    assert code == 0
    # Corrected before the first went: only the correction reaches the province.
    assert [line.split("\t")[:2] for line in out.splitlines()] == [
        [f"{OFFICE}_06a_quy_2026-Q1_v2.xlsx", "Đã gửi"]
    ]
    assert sorted(p.name for p in share.iterdir()) == [f"{OFFICE}_06a_quy_2026-Q1_v2.xlsx"]
    code, out, _ = run("upload", "status")
    assert "Không gửi: đã có bản mới thay thế" in out
