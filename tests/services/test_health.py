"""A damaged database file is caught by the checks, and writes stop until a backup is restored."""

from __future__ import annotations

import os
from contextlib import suppress
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli
from tests.conftest import make_draft, open_test_services
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import DatabaseDamagedError
from tthc_desk.paths import AppPaths

NOW = datetime(2026, 3, 2, 8, 0)
NAMES = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Lan", "Minh", "Nga")


def _office(data_dir: Path, n: int = 60) -> list[str]:
    svc = open_test_services(AppPaths(data_dir), FixedClock(NOW))
    try:
        return [
            svc.dossiers.receive(
                make_draft(
                    applicant=Person(
                        full_name=f"Người Thứ {NAMES[i % 10]}{NAMES[i // 10 % 10]}",
                        id_number=f"0011900{i:05d}",
                    )
                )
            ).code
            for i in range(n)
        ]
    finally:
        svc.close()


def _overwrite_pages(path: Path, fraction: float = 0.6, pages: int = 3) -> None:
    """Four kilobytes of garbage over a few pages in the middle of the file (a bad disk sector,
    a stray write), as the file lies on disk after the office closed it."""
    size = path.stat().st_size
    page = 4096
    first = int(size / page * fraction)
    with path.open("r+b") as f:
        for n in range(first, first + pages):
            f.seek(n * page)
            f.write(os.urandom(page))


def test_a_sound_file_passes_and_the_daily_check_is_recorded(data_dir: Path) -> None:
    _office(data_dir, 5)
    svc = open_test_services(AppPaths(data_dir), FixedClock(NOW))
    try:
        assert svc.health.start_check().ok
        assert svc.health.full_check_due()
        report = svc.health.check(full=True)
        assert report.ok and report.complete, report.details
        assert "không có lỗi" in report.summary()
        assert not svc.health.full_check_due() and svc.health.damaged is None
        svc.dossiers.receive(make_draft())  # writes go on
    finally:
        svc.close()


@pytest.mark.parametrize("where", [0.3, 0.6, 0.9])
def test_overwritten_pages_stop_writes_and_say_what_to_do(data_dir: Path, where: float) -> None:
    """Wherever the damage lies, nothing more is written: either opening reads a damaged page
    and refuses, or the check finds it and every write is refused, both saying what to do."""
    codes = _office(data_dir, 120)
    _overwrite_pages(AppPaths(data_dir).database_file, where)
    try:
        svc = open_test_services(AppPaths(data_dir), FixedClock(NOW))
    except DatabaseDamagedError as e:
        assert "bị hỏng" in e.message and "tthc-desk restore" in e.message
        return
    try:
        report = svc.health.check(full=True)
        assert not report.ok
        message = report.summary()
        assert "bị hỏng" in message and "dừng ghi" in message and "tthc-desk restore" in message
        with pytest.raises(DatabaseDamagedError, match="dừng ghi"):
            svc.dossiers.receive(make_draft())
        svc.accounts.logout()
        svc.accounts.login("cuong", "mat-khau-1")  # people still log in to look things up
        with suppress(DatabaseDamagedError):  # unless that dossier's page was among the damaged
            assert svc.dossiers.get(codes[0]).code == codes[0]
    finally:
        svc.close()


def test_a_cut_short_file_is_caught_by_the_header_check(data_dir: Path) -> None:
    _office(data_dir, 5)
    path = AppPaths(data_dir).database_file
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size - 100)
    from tthc_desk.domain.errors import DatabaseFileError

    with pytest.raises(DatabaseFileError, match="cắt cụt"):
        open_test_services(AppPaths(data_dir), FixedClock(NOW))


def test_the_cli_refuses_to_write_into_a_damaged_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = Cli(tmp_path / "data", capsys, user="cuong")
    code, out, err = cli(
        "receive", "--procedure", "1.001193", "--name", "Lê Thị Hoa", "--id-number", "001190054321"
    )
    assert code == 0, out + err
    for i in range(40):
        name = f"Người {NAMES[i % 10]} {NAMES[i // 10]}"
        cli("receive", "--procedure", "1.001193", "--name", name, "--id-number", f"0011900{i:05d}")
    path = AppPaths(tmp_path / "data").database_file
    _overwrite_pages(path, 0.5, pages=6)
    code, out, err = cli(
        "receive", "--procedure", "1.001193", "--name", "Lê Thị Hoa", "--id-number", "001190054321"
    )
    assert code == 2, out + err
    assert "bị hỏng" in err and "dừng ghi" in err and "Traceback" not in err


# About the SQLite file itself (its key, copies, damage): not run on PostgreSQL.
pytestmark = pytest.mark.sqlite_only
