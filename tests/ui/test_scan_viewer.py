"""The scan viewer and the dossier's thumbnail strip (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from tests.ui.scans import DPI, page_file
from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.compose import compose_files
from tthc_desk.ui import printer_choice
from tthc_desk.ui.errors import ErrorDialog
from tthc_desk.ui.pdf_pages import page_sizes
from tthc_desk.ui.scan_strip import ScanStrip
from tthc_desk.ui.scan_viewer import ScanViewer
from tthc_desk.ui.tasks import TaskRunner

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def pdf(tmp_path: Path) -> bytes:
    files = [
        page_file(tmp_path, "a.png", "a4"),
        page_file(tmp_path, "b.png", "slip"),
        page_file(tmp_path, "c.png", "square"),
    ]
    return compose_files(files, dpi=DPI).data


def open_viewer(qtbot, pdf: bytes) -> ScanViewer:  # type: ignore[no-untyped-def]
    viewer = ScanViewer(pdf, TaskRunner(synchronous=True), title="Bản số hóa: Giấy khai sinh")
    qtbot.addWidget(viewer)
    viewer.resize(1000, 700)
    viewer.show()
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)  # the keys go to the active window
    return viewer


def test_pages_by_pgup_pgdn(qtbot, pdf: bytes) -> None:  # type: ignore[no-untyped-def]
    viewer = open_viewer(qtbot, pdf)
    assert viewer.page_count() == 3 and viewer.page == 0
    assert viewer.page_label.text() == "Trang 1/3" and not viewer.previous_button.isEnabled()
    assert viewer.image is not None and viewer.image.height() > viewer.image.width()  # the A4
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_PageDown)
    assert viewer.page == 1 and viewer.page_label.text() == "Trang 2/3"
    assert viewer.image.width() > 2 * viewer.image.height()  # the slip
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_End)
    assert viewer.page == 2 and not viewer.next_button.isEnabled()
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_PageDown)  # no page after the last
    assert viewer.page == 2
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_PageUp)
    assert viewer.page == 1
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_Home)
    assert viewer.page == 0


def test_zoom_in_out_and_fit(qtbot, pdf: bytes) -> None:  # type: ignore[no-untyped-def]
    viewer = open_viewer(qtbot, pdf)
    assert viewer.fitting
    fitted = viewer.zoom
    # The whole A4 page fits in the window.
    area = viewer.scroll_area.viewport().size()
    assert viewer.image is not None
    shown = viewer.image.height() / viewer.devicePixelRatioF()
    assert shown <= area.height() and shown > area.height() * 0.8
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_Plus, CTRL)
    assert not viewer.fitting and viewer.zoom == pytest.approx(fitted * 1.25)
    assert viewer.zoom_label.text() == f"{round(fitted * 125)} %"
    wider = viewer.image.width()
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_Plus, CTRL)
    assert viewer.image.width() > wider
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_Minus, CTRL)
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_Minus, CTRL)
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_Minus, CTRL)
    assert viewer.zoom == pytest.approx(fitted / 1.25)
    qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_0, CTRL)
    assert viewer.fitting and viewer.zoom == pytest.approx(fitted)
    viewer.set_zoom(100)
    assert viewer.zoom == 4.0  # at most 400 %
    viewer.set_zoom(1.0)  # real size: an A4 at 96 dpi
    assert viewer.width_px() == round(8.27 * 96)


def test_print_sends_every_page(qtbot, pdf: bytes, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    viewer = open_viewer(qtbot, pdf)
    out = tmp_path / "in.pdf"

    def pdf_printer() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(150)
        return printer

    monkeypatch.setattr(printer_choice, "installed_printers", lambda: ["Máy in A"])
    viewer.new_printer = pdf_printer  # type: ignore[method-assign]
    viewer.choose_printer = lambda printer: True  # type: ignore[method-assign]
    with qtbot.waitSignal(viewer.printed) as printed:
        qtbot.keyClick(viewer.scroll_area, Qt.Key.Key_P, CTRL)
    assert printed.args == [3] and "Đã gửi 3 trang" in viewer.status.text()
    assert len(page_sizes(out.read_bytes())) == 3
    monkeypatch.setattr(printer_choice, "installed_printers", lambda: [])
    assert not viewer.print_with_dialog()
    assert "chưa cài máy in" in viewer.status.text()


def test_a_damaged_pdf_is_said(qtbot) -> None:  # type: ignore[no-untyped-def]
    viewer = open_viewer(qtbot, b"%PDF-1.4 broken")
    assert viewer.page_count() == 0 and "bị hỏng" in viewer.status.text()
    assert not viewer.print_button.isEnabled()


# -- the strip ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    id: int
    paper_no: int | None
    paper_name: str
    pages: int
    reused_from: str | None = None


def test_the_strip_shows_one_thumbnail_per_paper_and_opens_one(qtbot, pdf: bytes) -> None:  # type: ignore[no-untyped-def]
    loads: list[int] = []
    thumbs: list[int] = []

    def load(attachment_id: int) -> bytes:
        loads.append(attachment_id)
        if attachment_id == 9:
            raise ScanError("Bản quét “Giấy khám sức khỏe” bị hỏng.")
        return pdf

    def load_thumbnail(attachment_id: int) -> bytes:
        thumbs.append(attachment_id)
        return load(attachment_id)

    strip = ScanStrip(load, TaskRunner(synchronous=True), load_thumbnail=load_thumbnail)
    qtbot.addWidget(strip)
    strip.resize(900, 240)
    strip.show()
    assert strip.count() == 0 and strip.empty_label.isVisible()
    rows = [
        Row(5, 1, "Tờ khai đăng ký khai sinh", 3),
        Row(7, 2, "Giấy chứng sinh", 1, reused_from="H05.26.0001"),
        Row(9, 3, "Giấy khám sức khỏe", 2),
        Row(11, None, "Trích lục khai sinh", 1),
    ]
    strip.set_attachments(rows)
    assert strip.count() == 4 and not strip.empty_label.isVisible()
    texts = [strip.list.item(i).text() for i in range(4)]
    assert texts == [
        "1. Tờ khai đăng ký khai sinh",
        "2. Giấy chứng sinh",
        "3. Giấy khám sức khỏe",
        "Kết quả giải quyết",
    ]
    assert "H05.26.0001" in strip.list.item(1).toolTip()
    assert thumbs == [5, 7, 9, 11]
    strip.set_attachments(rows)  # shown again: the thumbnails are not drawn again
    assert thumbs == [5, 7, 9, 11]
    loads.clear()
    strip.list.setCurrentRow(1)
    with qtbot.waitSignal(strip.attachment_opened) as opened:
        qtbot.keyClick(strip.list, Qt.Key.Key_Return)
    assert opened.args == [7] and loads == [7]
    assert strip.viewer is not None and strip.viewer.page_count() == 3
    assert strip.viewer.windowTitle() == "Bản số hóa: 2. Giấy chứng sinh"
    strip.viewer.close()
    strip.open_attachment(9)
    errors = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    errors += strip.findChildren(ErrorDialog)
    assert any("bị hỏng" in e.message for e in errors)
