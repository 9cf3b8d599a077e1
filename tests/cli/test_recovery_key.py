"""``tthc-desk recovery-key print`` and ``check``: the administrator's sheet as a PDF whose path
is the last line, and a key typed into a text file checked against this folder's database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import dbfiles
from tests.cli.test_cli import Cli, assert_one_line_error
from tests.conftest import TEST_PASSWORD
from tests.printing.support import pdf_text
from tthc_desk.domain.recovery_key import format_key


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys, user="quantri")


def _key(run: Cli) -> str:
    key = dbfiles.folder_key(run.data_dir)
    assert key is not None
    return format_key(key)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_print_writes_the_sheet_and_ends_with_its_path(run: Cli, tmp_path: Path) -> None:
    target = tmp_path / "phiếu khóa.pdf"
    code, out, err = run("recovery-key", "print", "--out", str(target))
    assert code == 0, err
    assert out.splitlines()[-1] == str(target)
    assert "chứa khóa mở toàn bộ dữ liệu" in err and "xóa tệp" in err
    text = pdf_text(target.read_bytes())
    assert "PHIẾU KHÓA KHÔI PHỤC DỮ LIỆU" in text and "Ngày in: 02/03/2026" in text
    for group in _key(run).split("-"):
        assert group in text

    code, out, err = run("recovery-key", "print")  # into the data folder's output folder
    assert code == 0, err
    path = Path(out.splitlines()[-1])
    assert path.parent == run.data_dir / "output" and path.suffix == ".pdf" and path.is_file()


def test_print_into_a_missing_folder_is_refused(run: Cli, tmp_path: Path) -> None:
    line = assert_one_line_error(
        *run("recovery-key", "print", "--out", str(tmp_path / "khong-co" / "k.pdf"))
    )
    assert "không tồn tại" in line


def test_check_says_whether_the_typed_key_opens_this_database(run: Cli, tmp_path: Path) -> None:
    typed = tmp_path / "khoa.txt"
    written = _key(run)
    # As someone types it in Notepad: lower case, spaces, a BOM, a line break.
    typed.write_text("\ufeff" + written.lower().replace("-", " ") + "\r\n", encoding="utf-8")
    code, out, err = run("recovery-key", "check", str(typed))
    assert code == 0, err
    assert out.startswith("Khóa khôi phục đúng dạng và mở được cơ sở dữ liệu")

    typed.write_text(format_key(bytes(32)), encoding="utf-8")  # another office's key
    line = assert_one_line_error(*run("recovery-key", "check", str(typed)))
    assert "không mở được cơ sở dữ liệu" in line

    typed.write_text(written[:-1] + ("0" if written[-1] != "0" else "1"), encoding="utf-8")
    assert "gõ sai" in assert_one_line_error(*run("recovery-key", "check", str(typed)))

    typed.write_text("7K3M-Q9XA", encoding="utf-8")
    assert "cần đủ 56 ký tự" in assert_one_line_error(*run("recovery-key", "check", str(typed)))

    missing = tmp_path / "khong-co.txt"
    assert "Không tìm thấy tệp" in assert_one_line_error(
        *run("recovery-key", "check", str(missing))
    )


def test_a_clerk_can_neither_print_nor_check(run: Cli, tmp_path: Path) -> None:
    typed = tmp_path / "khoa.txt"
    typed.write_text(_key(run), encoding="utf-8")
    line = assert_one_line_error(*run("recovery-key", "check", str(typed), user="cuong"))
    assert line == (
        "tthc-desk: Chỉ Quản trị được kiểm tra khóa khôi phục; tài khoản “cuong” không có "
        "quyền này."
    )
    line = assert_one_line_error(*run("recovery-key", "print", user="cuong"))
    assert "Chỉ Quản trị được in phiếu khóa khôi phục dữ liệu" in line
    assert not (run.data_dir / "output").exists() or not any((run.data_dir / "output").iterdir())


def test_the_demo_database_has_no_recovery_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = Cli(tmp_path / "data", capsys, office="demo")
    line = assert_one_line_error(*demo("recovery-key", "print"))
    assert "Dữ liệu mẫu không được mã hóa" in line


def test_use_keeps_the_key_on_a_new_pc_for_an_administrator(run: Cli, tmp_path: Path) -> None:
    """The data folder on a PC without its key: every command says what to do; ``use`` with the
    recovery key and an administrator's password keeps the key, and the journal says who."""
    import os

    written = _key(run)
    for f in Path(os.environ["TTHC_DESK_KEY_DIR"]).glob("database-key-*.key"):
        f.unlink()  # a new PC: this Windows account has no key for the folder
    line = assert_one_line_error(*run("search", "Nhung"))
    assert "không có khóa" in line and "recovery-key use TỆP_KHÓA" in line

    typed = tmp_path / "khoa.txt"
    typed.write_text(format_key(bytes(32)), encoding="utf-8")  # another office's key

    def use(user: str, password: str = TEST_PASSWORD) -> tuple[int, str, str]:
        login = ["--user", user, "--password-stdin"]
        return run(*login, "recovery-key", "use", str(typed), user=None, stdin=password + "\n")

    line = assert_one_line_error(*use("quantri"))
    assert "không mở được cơ sở dữ liệu" in line
    typed.write_text(f"Khóa: {written}\n", encoding="utf-8")  # a line copied from the sheet
    line = assert_one_line_error(*use("cuong"))
    assert "được dùng khóa khôi phục trên máy này" in line  # a clerk may not
    line = assert_one_line_error(*use("quantri", "sai-mat-khau"))
    assert "Sai tên đăng nhập hoặc mật khẩu" in line

    code, out, err = use("quantri")
    assert code == 0, err
    assert "đã được lưu trên máy này" in out
    code, out, err = run("journal", "list", "--kind", "recovery_key", user="quantri")
    assert code == 0, err
    assert "dùng khóa khôi phục trên máy này" in out and "quantri" in out
    code, _, err = run("search", "Nhung")  # the folder opens as usual now
    assert code == 0, err


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only
