"""The scanner folder with real files and modified times: new supported files, each once, when
their size and time have settled; temporary and hidden names ignored; a missing folder said."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.folder import FolderInbox

SETTLE = 1.0


def _write(path: Path, data: bytes = b"%PDF-1.4 scan", mtime: float | None = None) -> Path:
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_files_already_there_are_not_new(tmp_path: Path) -> None:
    _write(tmp_path / "cu.pdf")
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    assert inbox.poll(now) == []
    assert inbox.poll(now + 10) == []


def test_a_new_file_once_settled_and_only_once(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    scan = _write(tmp_path / "scan0001.pdf")
    assert inbox.poll(now) == []  # just seen: the scanner may still be writing
    assert inbox.poll(now + 0.5) == []
    assert inbox.poll(now + 1.0) == [scan]
    assert inbox.poll(now + 2.0) == []
    assert inbox.poll(now + 60) == []


def test_a_file_still_growing_waits(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    scan = _write(tmp_path / "scan0002.tif", b"II*\x00" + b"1" * 100, mtime=now)
    assert inbox.poll(now) == []
    _write(scan, b"II*\x00" + b"1" * 5000, mtime=now + 0.8)  # more pages written
    assert inbox.poll(now + 1.2) == []  # changed since: the clock starts again
    assert inbox.poll(now + 2.0) == []
    assert inbox.poll(now + 2.3) == [scan]


def test_a_rewrite_with_the_same_size_but_a_new_time_waits(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    scan = _write(tmp_path / "scan.jpg", b"A" * 64, mtime=now - 5)
    assert inbox.poll(now) == []
    _write(scan, b"B" * 64, mtime=now + 0.5)
    assert inbox.poll(now + 1.1) == []
    assert inbox.poll(now + 2.2) == [scan]


def test_an_empty_file_is_not_ready(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    scan = _write(tmp_path / "dang-ghi.pdf", b"")
    assert inbox.poll(now) == []
    assert inbox.poll(now + 5) == []
    _write(scan, b"%PDF-1.4 done")
    assert inbox.poll(now + 6) == []
    assert inbox.poll(now + 7) == [scan]


def test_a_file_written_again_under_the_same_name_is_new(tmp_path: Path) -> None:
    scan = _write(tmp_path / "scan.pdf", b"first", mtime=time.time() - 100)
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    assert inbox.poll(now) == []
    _write(scan, b"second scan", mtime=now)  # the copier always saves scan.pdf
    assert inbox.poll(now + 0.1) == []
    assert inbox.poll(now + 1.2) == [scan]
    assert inbox.poll(now + 3) == []


def test_temporary_hidden_and_other_files_are_ignored(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    for name in ("scan.pdf.part", "scan.tmp", "~$scan.pdf", ".scan.pdf", "ghi-chu.txt",
                 "anh.gif", "Thumbs.db"):  # fmt: skip
        _write(tmp_path / name)
    (tmp_path / "thu-muc.pdf").mkdir()
    assert inbox.poll(now) == []
    assert inbox.poll(now + 5) == []
    renamed = tmp_path / "scan.pdf"
    (tmp_path / "scan.pdf.part").rename(renamed)  # the scanner's rename when it is done
    assert inbox.poll(now + 6) == []
    assert inbox.poll(now + 7) == [renamed]


def test_several_files_come_oldest_first(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    b = _write(tmp_path / "b.PDF", mtime=now - 3)
    a = _write(tmp_path / "a.jpeg", mtime=now - 2)
    c = _write(tmp_path / "c.TIFF", mtime=now - 4)
    inbox.poll(now)
    assert inbox.poll(now + 1) == [c, b, a]


def test_a_file_removed_before_it_settled_is_forgotten(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, SETTLE)
    now = time.time()
    scan = _write(tmp_path / "huy.pdf")
    assert inbox.poll(now) == []
    scan.unlink()
    assert inbox.poll(now + 2) == []


def test_the_default_clock_is_the_wall_clock(tmp_path: Path) -> None:
    inbox = FolderInbox(tmp_path, settle_seconds=0.2)
    scan = _write(tmp_path / "ngay.png")
    assert inbox.poll() == []
    time.sleep(0.3)
    assert inbox.poll() == [scan]


def test_a_missing_folder_is_a_scan_error(tmp_path: Path) -> None:
    with pytest.raises(ScanError) as caught:
        FolderInbox(tmp_path / "khong-co")
    assert "không tìm thấy thư mục" in caught.value.message
    assert "Thư mục máy quét…" in caught.value.message


def test_a_folder_that_goes_away_is_a_scan_error(tmp_path: Path) -> None:
    folder = tmp_path / "o-mang"
    folder.mkdir()
    inbox = FolderInbox(folder)
    folder.rmdir()
    with pytest.raises(ScanError) as caught:
        inbox.poll()
    assert f"“{folder}”" in caught.value.message
