"""This PC's scan sources (issue 15): the main window watches the scanner folder for the whole
session, so a paper scanned before its dialog is opened is offered in it; a scan saved takes
what arrived, a dialog cancelled leaves it for the next one, and an old scan is not offered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.scans import page_file
from tthc_desk.services.container import Services
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.scan_sources import KEEP_SECONDS, ScanSources, paper_dialog, sources_of
from tthc_desk.ui.scanner_folder import ScannerFolderDialog, set_scanner_folder
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "quét A", tmp_path / "quét B"
    a.mkdir()
    b.mkdir()
    return a, b


def test_the_window_watches_the_folder_set_and_follows_a_change(
    qtbot, services: Services, folders: tuple[Path, Path]
) -> None:  # type: ignore[no-untyped-def]
    set_scanner_folder(folders[0])
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    sources = window.scan_sources
    assert sources.watcher is not None and sources.watcher.folder == folders[0]
    assert window.intake.scan_sources is sources and sources_of(window.intake.papers) is sources
    dialog = window.open_scanner_folder()
    assert isinstance(dialog, ScannerFolderDialog)
    dialog.folder_edit.setText(str(folders[1]))
    dialog.accept()
    assert sources.watcher is not None and sources.watcher.folder == folders[1]
    dialog = window.open_scanner_folder()
    assert isinstance(dialog, ScannerFolderDialog)
    dialog.folder_edit.clear()  # "Không dùng"
    dialog.accept()
    assert sources.watcher is None
    window.close()


def test_what_arrived_before_a_dialog_is_offered_until_a_scan_is_saved(
    qtbot, folders: tuple[Path, Path], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    sources = ScanSources(folders[0], settle_seconds=0.2, poll_ms=100, clock=lambda: now[0])
    assert sources.watcher is not None
    runner = TaskRunner(synchronous=True)
    with qtbot.waitSignal(sources.watcher.files_arrived, timeout=5000):
        made = page_file(tmp_path, "truoc.png", "a4")
        made.rename(folders[0] / made.name)
    waiting = folders[0] / "truoc.png"
    assert sources.unclaimed() == [waiting]

    cancelled = paper_dialog(runner, "Giấy chứng sinh", None, sources=sources)
    qtbot.addWidget(cancelled)
    assert [p.path for p in cancelled.editor.pages()] == [waiting]
    cancelled.reject()
    assert sources.unclaimed() == [waiting]  # not used: still offered

    saved = paper_dialog(runner, "Giấy chứng sinh", None, sources=sources)
    qtbot.addWidget(saved)
    assert [p.path for p in saved.editor.pages()] == [waiting]
    assert "trước khi mở" in saved.banner.text()
    with qtbot.waitSignal(saved.pdf_composed):
        saved.accept()
    assert sources.unclaimed() == []  # taken by the scan saved

    with qtbot.waitSignal(sources.watcher.files_arrived, timeout=5000):
        page_file(folders[0], "cu.png", "slip")
    assert sources.unclaimed() == [folders[0] / "cu.png"]
    now[0] += KEEP_SECONDS + 1  # a quarter of an hour later: another citizen's, likely
    assert sources.unclaimed() == []
    fresh = paper_dialog(runner, "Tờ khai", None, sources=sources)
    qtbot.addWidget(fresh)
    assert fresh.editor.count() == 0 and not fresh.banner.isVisibleTo(fresh)
    fresh.reject()
    sources.stop()


def test_the_scanner_is_looked_for_with_the_first_scan_not_at_start(
    qtbot, folders: tuple[Path, Path]
) -> None:  # type: ignore[no-untyped-def]
    from tthc_desk.scanning.scanner import FakeScanner

    asked: list[int] = []

    def find() -> FakeScanner:
        asked.append(1)
        return FakeScanner()

    sources = ScanSources(None, find_scanner=find)
    assert asked == [] and sources.watcher is None
    dialog = paper_dialog(TaskRunner(synchronous=True), "Tờ khai", None, sources=sources)
    qtbot.addWidget(dialog)
    assert asked == [1] and not dialog.scan_button.isHidden()  # "Quét…" offered
    assert sources.scanner is not None and asked == [1]  # looked for once
