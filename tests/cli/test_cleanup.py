"""``tthc-desk cleanup``: the administrator removes old files, a dry run removes nothing, a bad
number of days ends with exit 2 and one Vietnamese line."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli, assert_one_line_error
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.privacy import REPORTS_DAYS_KEY
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services

NOW = datetime(2026, 3, 2, 8, 0)  # the helper's --now


def aged(path: Path, days: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 2048)
    stamp = (NOW - timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def admin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "data", capsys, user="quantri")


def test_dry_run_lists_and_removes_nothing_then_the_run_removes(admin: Cli) -> None:
    old = aged(admin.data_dir / "output" / "giay-tiep-nhan-cu.pdf", 40)
    young = aged(admin.data_dir / "output" / "giay-tiep-nhan-moi.pdf", 3)
    code, out, err = admin("cleanup", "--dry-run")
    assert code == 0, err
    assert "sẽ xóa\toutput/giay-tiep-nhan-cu.pdf\t21/01/2026" in out
    assert "Chạy thử: 1 tệp (2 KB) sẽ bị xóa; chưa xóa tệp nào." in out
    assert old.exists() and young.exists()
    code, out, err = admin("cleanup")
    assert code == 0, err
    assert out.splitlines() == ["đã xóa\toutput/giay-tiep-nhan-cu.pdf\t21/01/2026",
                                "Đã xóa 1 tệp (2 KB)."]  # fmt: skip
    assert not old.exists() and young.exists()


def test_days_given_on_the_line_are_saved_except_in_a_dry_run(admin: Cli) -> None:
    pdf = aged(admin.data_dir / "output" / "ds.pdf", 10)
    code, out, _ = admin("cleanup", "--dry-run", "--output-days", "5")
    assert code == 0 and "sẽ xóa\toutput/ds.pdf" in out and pdf.exists()
    code, out, _ = admin("cleanup")
    assert code == 0 and "Đã xóa 0 tệp" in out and pdf.exists()  # 30 days still
    code, out, _ = admin("cleanup", "--output-days", "5")
    assert code == 0 and "đã xóa\toutput/ds.pdf" in out and not pdf.exists()


def test_a_clerk_may_not_clean(admin: Cli) -> None:
    old = aged(admin.data_dir / "output" / "cu.pdf", 40)
    line = assert_one_line_error(*admin("cleanup", user="cuong"))
    assert "Quản trị" in line and "dọn tệp cũ" in line
    assert old.exists()


@pytest.mark.parametrize("bad", ["abc", "-3", "4000", "1,5"])
def test_a_bad_number_of_days_is_exit_2_and_changes_nothing(admin: Cli, bad: str) -> None:
    old = aged(admin.data_dir / "output" / "cu.pdf", 40)
    line = assert_one_line_error(*admin("cleanup", f"--reports-days={bad}"))
    assert line.startswith("tthc-desk: Thời hạn giữ tệp chưa hợp lệ")
    assert "Số ngày giữ báo cáo (thư mục reports)" in line
    assert old.exists()


def test_a_damaged_stored_setting_is_exit_2_until_repaired(admin: Cli) -> None:
    svc = open_services(AppPaths(admin.data_dir), FixedClock(NOW))
    try:
        svc.settings.set_value(REPORTS_DAYS_KEY, "chín mươi")
    finally:
        svc.close()
    old = aged(admin.data_dir / "output" / "cu.pdf", 40)
    line = assert_one_line_error(*admin("cleanup"))
    assert "“chín mươi” không hợp lệ" in line and old.exists()
    code, out, _ = admin("cleanup", "--reports-days", "90")
    assert code == 0 and "đã xóa\toutput/cu.pdf" in out
