"""Durable files (issue 11): fsynced before the rename, the folder after it, and what a killed
write leaves cleaned at the next start (only our temporary names, only in our folders)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import Cli
from tests.kill import kill_loop
from tthc_desk import durable
from tthc_desk.durable import atomic_path, clean_leftovers, part_name, write


def _ended_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_file_and_its_folder_are_synced_before_and_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bao-cao.xlsx"
    calls: list[tuple[str, Path, bool]] = []
    monkeypatch.setattr(durable, "fsync_file", lambda p: calls.append(("file", p, target.exists())))
    monkeypatch.setattr(durable, "fsync_dir", lambda p: calls.append(("dir", p, target.exists())))
    write(target, b"du lieu")
    assert calls == [("file", part_name(target), False), ("dir", tmp_path, True)]
    assert target.read_bytes() == b"du lieu"


def test_a_failed_write_leaves_neither_the_file_nor_its_temporary(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.xlsx"
    with pytest.raises(OSError), atomic_path(target) as tmp:
        tmp.write_bytes(b"nua chung")
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_only_our_leftovers_of_ended_writers_are_removed(tmp_path: Path) -> None:
    ended = _ended_pid()
    ours = tmp_path / f".bao-cao.{ended}.part.xlsx"
    ours_pdf = tmp_path / f".giay.{ended}.part.pdf"
    running = tmp_path / f".dang-ghi.{os.getpid()}.part.xlsx"
    strangers = [tmp_path / "bao-cao.part", tmp_path / "ghi-chu.part.txt", tmp_path / ".x.part"]
    below = tmp_path / "con" / f".bao-cao.{ended}.part.xlsx"
    below.parent.mkdir()
    for f in (ours, ours_pdf, running, below, *strangers):
        f.write_bytes(b"x")
    assert sorted(clean_leftovers([tmp_path, tmp_path / "khong-co"])) == sorted([ours, ours_pdf])
    assert running.exists() and below.exists() and all(f.exists() for f in strangers)
    # a leftover an hour old goes even when its pid names a running process now
    old = time.time() - durable.STALE_SECONDS - 1
    os.utime(running, (old, old))
    assert clean_leftovers([tmp_path]) == [running]


def test_a_command_cleans_the_leftovers_in_reports_and_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Cli(tmp_path / "data", capsys)
    ended = _ended_pid()
    reports, output = run.data_dir / "reports", run.data_dir / "output"
    reports.mkdir(exist_ok=True)
    output.mkdir(exist_ok=True)
    left = [reports / f".bao-cao-thang.{ended}.part.xlsx", output / f".giay.{ended}.part.pdf"]
    for f in left:
        f.write_bytes(b"nua chung")
    assert run("catalog", "list")[0] == 0
    assert not any(f.exists() for f in left)


_CHILD = """
import sys
from pathlib import Path
from openpyxl import Workbook
from tthc_desk.durable import atomic_path

target = Path(sys.argv[1])
wb = Workbook()
ws = wb.active
for r in range(6000):
    ws.append([r, "Nguyễn Thị Hồng Nhung", "Số 5 đường Trần Phú", r * 3, "Hộ tịch"])
print("ready", flush=True)
for _ in range(3):
    with atomic_path(target) as tmp:
        wb.save(tmp)
"""


def test_a_report_build_killed_at_any_moment_leaves_a_whole_file_or_none(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    target = reports / "bao-cao-thang-03.xlsx"
    seen: list[int] = []

    def reset() -> None:
        target.unlink(missing_ok=True)

    def check() -> None:
        if target.exists():
            load_workbook(target, read_only=True).close()  # whole, never half a workbook
        seen.append(len(clean_leftovers([reports])))
        assert [p.name for p in reports.iterdir() if p != target] == []

    env_argv = [sys.executable, "-c", _CHILD, str(target)]
    assert kill_loop(env_argv, reset, check, seed=11) >= 1
    assert sum(seen) >= 1, "no kill fell inside a write: the test proved nothing"
