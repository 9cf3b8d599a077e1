"""The dossier page's digitised papers (issue 15): the strip, the viewer, printing, attaching
later, exporting, the result at *Có kết quả*; who sees images and what is journalled. Real
parts: the test run's SQLite file (or PostgreSQL), its blob store, synthetic scans composed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from tests.conftest import TEST_PASSWORD, make_draft
from tests.ui.scans import page_file
from tthc_desk.domain.journal import JournalKind
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.scans import AttachmentSlot
from tthc_desk.presentation import journal_details
from tthc_desk.scanning.compose import compose_files
from tthc_desk.services.container import Services
from tthc_desk.services.journal_service import JournalFilter
from tthc_desk.ui import printer_choice
from tthc_desk.ui.dossier_detail_dialog import DossierDetailDialog
from tthc_desk.ui.move_dialogs import ResultReadyDialog
from tthc_desk.ui.tasks import TaskRunner

DPI = 150


def views(services: Services) -> list[object]:
    """The journal's views of scans (read as the head of office, who may)."""
    who = services.accounts.current
    services.accounts.login("binh", TEST_PASSWORD)
    found = list(services.journal.entries(JournalFilter(kinds=[JournalKind.VIEW.value])))
    if who is not None and who.username != "binh":
        services.accounts.login(who.username, TEST_PASSWORD)
    return found


@pytest.fixture
def code(services: Services, tmp_path: Path) -> str:
    """A dossier with its two papers scanned (2 pages and 1 page)."""
    code = services.dossiers.receive(make_draft()).code
    two = [page_file(tmp_path, "a.png", "a4"), page_file(tmp_path, "b.png", "slip")]
    services.attachments.attach_paper(code, 1, compose_files(two, dpi=DPI))
    one = [page_file(tmp_path, "c.png", "square")]
    services.attachments.attach_paper(code, 2, compose_files(one, dpi=DPI))
    return code


def open_detail(qtbot, services: Services, code: str) -> DossierDetailDialog:  # type: ignore[no-untyped-def]
    detail = DossierDetailDialog(services, TaskRunner(synchronous=True), code)
    qtbot.addWidget(detail)
    detail.resize(1366, 740)
    detail.show()
    qtbot.waitExposed(detail)
    return detail


def test_the_strip_shows_every_scan_as_one_view_and_opening_one_is_another(
    qtbot, services: Services, code: str, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    detail = open_detail(qtbot, services, code)
    assert detail.tabs.tabText(detail.scans_tab) == "Bản số hóa (2)"
    assert views(services) == []  # the dossier opened: no scan shown, nothing journalled
    tab = detail.show_scans()
    strip = tab.strip
    assert strip.count() == 2 and strip.isVisible() and not tab.no_images.isVisible()
    assert [strip.list.item(i).text() for i in range(2)] == [
        "1. Tờ khai đăng ký khai sinh",
        "2. Giấy chứng sinh",
    ]
    icon = strip.list.item(0).icon().pixmap(strip.list.iconSize()).toImage()
    w, h = icon.width(), icon.height()
    # Inside the sheet's frame, the grey of the text lines, not the even blank of a sheet.
    inside = [
        icon.pixelColor(x, y).value() for x in range(w // 4, 3 * w // 4) for y in range(10, h - 10)
    ]
    assert min(inside) < 225, "the first page is drawn, not a blank sheet"
    seen = views(services)
    assert len(seen) == 1  # one view for the whole strip
    assert seen[0].subject == code and "ảnh thu nhỏ của 2 bản số hóa" in journal_details(seen[0])
    QApplication.processEvents()  # laid out as on screen
    detail.grab().save(str(tmp_path / "dossier-strip.png"))
    tab.show_images()  # shown again, nothing new: not journalled again
    assert len(views(services)) == 1

    first = services.attachments.of_dossier(code)[0]
    strip.open_attachment(first.id)
    viewer = strip.viewer
    assert viewer is not None and viewer.isVisible() and viewer.page_count() == 2
    seen = views(services)
    assert len(seen) == 2 and "“Tờ khai đăng ký khai sinh”, 2 trang" in journal_details(seen[0])

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
    with qtbot.waitSignal(viewer.printed):
        assert viewer.print_with_dialog()
    seen = views(services)
    assert len(seen) == 3
    assert seen[0].action == "in bản số hóa “Tờ khai đăng ký khai sinh”"
    assert "đã in 2 trang" in journal_details(seen[0])
    viewer.close()


def test_an_account_without_the_right_sees_the_list_but_no_image(
    qtbot, services: Services, code: str
) -> None:  # type: ignore[no-untyped-def]
    services.accounts.login("quantri", TEST_PASSWORD)  # the administrator only
    detail = open_detail(qtbot, services, code)
    tab = detail.show_scans()
    assert not tab.strip.isVisible() and tab.no_images.isVisible()
    assert tab.strip.count() == 0
    rows = [[tab.model.index(r, c).data() for c in range(3)] for r in range(tab.model.rowCount())]
    assert rows == [["1. Tờ khai đăng ký khai sinh", "2", ""], ["2. Giấy chứng sinh", "1", ""]]
    assert not tab.export_button.isEnabled() and not tab.add_button.isEnabled()
    assert "Chỉ" in tab.export_button.toolTip()
    assert views(services) == []


def test_export_writes_the_cover_and_every_page(
    qtbot, services: Services, code: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    detail = open_detail(qtbot, services, code)
    tab = detail.show_scans()
    out = tmp_path / "xuất" / f"{code}.pdf"
    out.parent.mkdir()
    tab.choose_export_path = lambda: out  # type: ignore[method-assign]
    tab.export_button.click()
    assert out.is_file() and str(out) in tab.status.text()
    reader = PdfReader(out)
    assert len(reader.pages) == 1 + 2 + 1  # the cover, then the papers' pages
    assert code in reader.pages[0].extract_text()
    services.accounts.login("binh", TEST_PASSWORD)
    exports = list(services.journal.entries(JournalFilter(kinds=[JournalKind.EXPORT.value])))
    assert len(exports) == 1 and exports[0].subject == code


def test_a_paper_scanned_later_is_attached_from_the_dossier_page(
    qtbot, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(make_draft()).code
    detail = open_detail(qtbot, services, code)
    tab = detail.show_scans()
    assert tab.strip.count() == 0 and tab.strip.empty_label.isVisible()
    assert not tab.export_button.isEnabled()  # nothing to export yet
    assert not tab.result_button.isEnabled()  # no result yet
    tab.choose_paper = lambda: 2  # type: ignore[method-assign]
    tab.add_button.click()
    dialog = tab.scan_dialog
    assert dialog is not None and dialog.windowTitle() == "Bản quét: Giấy chứng sinh"
    dialog.add_files([page_file(tmp_path, "cs.png", "a4")])  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.pdf_composed):  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]
    saved = services.attachments.of_dossier(code)
    assert [(a.paper_no, a.pages) for a in saved] == [(2, 1)]
    assert tab.strip.count() == 1 and detail.tabs.tabText(detail.scans_tab) == "Bản số hóa (1)"
    assert "giấy tờ số 2" in tab.status.text() and tab.export_button.isEnabled()


def test_the_result_is_scanned_at_co_ket_qua_and_attached_with_the_move(
    qtbot, services: Services, code: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    detail = open_detail(qtbot, services, code)
    move = detail.open_move(Move.RESULT_READY)
    assert isinstance(move, ResultReadyDialog) and move.scan_button.text() == "Số hóa kết quả…"
    scan = move.scan_result()
    scan.add_files([page_file(tmp_path, "kq1.png", "a4"), page_file(tmp_path, "kq2.png", "a4")])  # type: ignore[attr-defined]
    with qtbot.waitSignal(scan.pdf_composed):  # type: ignore[attr-defined]
        scan.accept()  # type: ignore[attr-defined]
    assert move.scan_button.text() == "✓ 2 trang"
    assert services.attachments.of_dossier(code)[-1].slot is AttachmentSlot.PAPER  # not yet
    move.ok_button.click()
    result = services.attachments.of_dossier(code)[-1]
    assert result.slot is AttachmentSlot.RESULT and result.pages == 2
    assert detail.dossier.settled_at is not None
    tab = detail.show_scans()
    assert tab.strip.count() == 3 and tab.strip.list.item(2).text() == "Kết quả giải quyết"
    assert tab.result_button.isEnabled()  # a result: it can be scanned again


def test_a_result_that_cannot_be_stored_leaves_the_move_recorded_with_a_warning(
    qtbot, services: Services, code: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    detail = open_detail(qtbot, services, code)
    move = detail.open_move(Move.RESULT_READY)
    assert isinstance(move, ResultReadyDialog)
    move._on_result_scanned(_Broken())  # what a damaged scan would be: refused by the service
    move.ok_button.click()
    assert detail.dossier.settled_at is not None  # the move is recorded
    assert all(a.slot is AttachmentSlot.PAPER for a in services.attachments.of_dossier(code))
    assert "chưa lưu được bản số hóa kết quả" in detail.warning_label.text()
    assert detail.warning_label.isVisible()


class _Broken:
    """A scan whose bytes are not a PDF (the service refuses it)."""

    data = b"GIF89a not a pdf"
    pages = 1
