"""The scan of one paper (issue 15): the scanner folder watched, pages edited, one PDF made."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.scans import DPI, inches, page_file
from tthc_desk.scanning.compose import ComposedPdf
from tthc_desk.scanning.render import render_pdf_page
from tthc_desk.scanning.scanner import FakeScanner, ScannerDevice
from tthc_desk.ui.errors import ErrorDialog
from tthc_desk.ui.paper_scan_dialog import PaperScanDialog
from tthc_desk.ui.pdf_pages import page_sizes
from tthc_desk.ui.scanner_folder import (
    ScannerFolderDialog,
    ScannerFolderWatcher,
    scanner_folder,
    set_scanner_folder,
)
from tthc_desk.ui.tasks import TaskRunner

CTRL = Qt.KeyboardModifier.ControlModifier
PAPER = "Tờ khai đăng ký khai sinh"


@pytest.fixture
def scan_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "máy quét"
    folder.mkdir()
    return folder


def make_dialog(qtbot, **kw: object) -> PaperScanDialog:  # type: ignore[no-untyped-def]
    dialog = PaperScanDialog(TaskRunner(synchronous=True), PAPER, dpi=DPI, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # the keys go to the active window
    return dialog


def error_messages() -> list[str]:
    return [w.message for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)] + [
        d.message
        for w in QApplication.topLevelWidgets()
        for d in w.findChildren(ErrorDialog)
        if d.isVisible()
    ]


def test_a_file_saved_in_the_scanner_folder_arrives_in_the_open_dialog(
    qtbot,  # type: ignore[no-untyped-def]
    scan_folder: Path,
    tmp_path: Path,
) -> None:
    page_file(scan_folder, "cũ.png", "a4")  # there before: not offered
    watcher = ScannerFolderWatcher(scan_folder, settle_seconds=0.2, poll_ms=100)
    dialog = make_dialog(qtbot, watcher=watcher)
    assert "máy quét" in dialog.folder_label.text() and dialog.editor.count() == 0
    with qtbot.waitSignal(watcher.files_arrived, timeout=5000) as arrived:
        # Written elsewhere and moved in, as a scanner writing a temp name and renaming does.
        made = page_file(tmp_path, "scan0001.png", "slip")
        made.rename(scan_folder / made.name)
    assert arrived.args == [[scan_folder / "scan0001.png"]]
    assert [p.path.name for p in dialog.editor.pages()] == ["scan0001.png"]
    assert dialog.banner.isVisible()
    assert "1 trang" in dialog.banner.text() and "scan0001.png" in dialog.banner.text()
    dialog.reject()
    with qtbot.assertNotEmitted(dialog.editor.pages_changed, wait=400):
        page_file(scan_folder, "sau.png", "a4")  # the dialog is closed: no longer its pages
        qtbot.wait(500)
    watcher.stop()


def test_the_pc_setting_gives_the_dialog_its_own_watcher(qtbot, scan_folder: Path) -> None:  # type: ignore[no-untyped-def]
    assert scanner_folder() is None
    dialog = make_dialog(qtbot)
    assert dialog.watcher is None and "Chưa chọn thư mục máy quét" in dialog.folder_label.text()
    set_scanner_folder(scan_folder)
    assert scanner_folder() == scan_folder
    dialog = make_dialog(qtbot)
    assert dialog.watcher is not None and dialog.watcher.folder == scan_folder
    page_file(scan_folder, "mới.png", "a4")
    with qtbot.waitSignal(dialog.editor.pages_changed, timeout=6000):
        pass
    assert [p.path.name for p in dialog.editor.pages()] == ["mới.png"]


def test_a_missing_scanner_folder_is_said_in_the_dialog(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    watcher = ScannerFolderWatcher(tmp_path / "không có", poll_ms=100)
    dialog = make_dialog(qtbot, watcher=watcher)
    assert "không tìm thấy thư mục" in dialog.folder_label.text()
    (tmp_path / "không có").mkdir()  # the share comes back
    qtbot.waitUntil(lambda: watcher.problem == "", timeout=3000)
    watcher.stop()


def test_ok_gives_one_pdf_with_the_pages_in_the_edited_order(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = [
        page_file(tmp_path, "a.png", "a4"),
        page_file(tmp_path, "b.png", "slip"),
        page_file(tmp_path, "c.png", "square"),
    ]
    dialog = make_dialog(qtbot)
    dialog.choose_files = lambda: files  # type: ignore[method-assign]
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.editor.list, Qt.Key.Key_O, CTRL)
    assert dialog.editor.count() == 3 and dialog.ok_button.isEnabled()
    lst = dialog.editor.list
    lst.setCurrentRow(1)  # the slip: first, then turned upright
    qtbot.keyClick(lst, Qt.Key.Key_Left, CTRL)
    qtbot.keyClick(lst, Qt.Key.Key_BracketRight, CTRL)
    lst.setCurrentRow(2)  # the square: dropped
    qtbot.keyClick(lst, Qt.Key.Key_Delete)
    with qtbot.waitSignal(dialog.pdf_composed) as made:
        qtbot.keyClick(lst, Qt.Key.Key_Return)  # Enter is "Lưu bản quét"
    pdf = made.args[0]
    assert isinstance(pdf, ComposedPdf) and dialog.pdf is pdf
    assert dialog.result() == dialog.DialogCode.Accepted
    assert pdf.pages == 2 and pdf.data.startswith(b"%PDF")
    sizes = [inches((s.width, s.height)) for s in page_sizes(pdf.data)]
    assert sizes == [(3.0, 8.0), (8.3, 11.7)]  # the slip turned, then the A4
    # Rendered: the dark bars, drawn across each original, run down the turned slip.
    slip = render_pdf_page(pdf.data, 0, width_px=3 * DPI).convert("L")
    a4 = render_pdf_page(pdf.data, 1, width_px=round(8.27 * DPI)).convert("L")
    assert crossings(slip, across=True) >= 10 and crossings(slip, across=False) <= 2
    assert crossings(a4, across=False) >= 10 and crossings(a4, across=True) <= 2


def crossings(image: Image.Image, *, across: bool) -> int:
    """How often a line through the middle of ``image`` (across it or down it) goes from light
    to dark."""
    if across:
        y = image.height // 2 + 3
        values = [image.getpixel((x, y)) for x in range(image.width)]
    else:
        x = image.width // 2
        values = [image.getpixel((x, y)) for y in range(image.height)]
    dark = [int(v) < 128 for v in values]  # type: ignore[arg-type]
    return sum(1 for a, b in itertools.pairwise(dark) if b and not a)


def test_quet_scans_every_page_of_the_scanner(qtbot) -> None:  # type: ignore[no-untyped-def]
    scanner = FakeScanner(pages=2)
    dialog = make_dialog(qtbot, scanner=scanner)
    assert dialog.scan_button.isVisible()
    dialog.scan_button.click()
    assert len(scanner.calls) == 1 and scanner.calls[0][1] == DPI
    assert dialog.editor.count() == 2 and "Đã quét 2 trang" in dialog.banner.text()
    scan_dir = scanner.calls[0][2]
    assert scan_dir.is_dir()
    dialog.reject()
    assert not scan_dir.exists()  # the scanned pages go with the dialog


def test_no_scanner_found_is_said(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, scanner=FakeScanner(devices=()))
    dialog.scan_button.click()
    assert any("Không thấy máy quét" in m for m in error_messages())
    two = FakeScanner(devices=(ScannerDevice("a", "Máy A"), ScannerDevice("b", "Máy B")))
    dialog = make_dialog(qtbot, scanner=two)
    dialog.choose_device = lambda devices: devices[1]  # type: ignore[method-assign]
    dialog.scan_button.click()
    assert two.calls[0][0] == "b"


def test_no_scan_button_without_a_scanner(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot)
    assert not dialog.scan_button.isVisible()


def test_the_folder_dialog_keeps_the_folder(qtbot, scan_folder: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ScannerFolderDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder_edit.setText(str(tmp_path / "không có"))
    dialog.ok_button.click()
    assert dialog.isVisible() and "Không tìm thấy thư mục" in dialog.error.text()
    dialog.choose_folder = lambda: str(scan_folder)  # type: ignore[method-assign]
    dialog.browse_button.click()
    with qtbot.waitSignal(dialog.folder_chosen) as chosen:
        dialog.ok_button.click()
    assert chosen.args == [scan_folder] and scanner_folder() == scan_folder
    again = ScannerFolderDialog()
    qtbot.addWidget(again)
    assert again.folder_edit.text() == str(scan_folder)
    again.clear_button.click()
    again.accept()
    assert scanner_folder() is None
