"""Digitised papers at the counter (issue 15, "Done when"), with real parts: a data folder and
SQLite file of a test run, a scanner folder on disk watched for real, the page as a clerk drives
it by keyboard. A file written into the scanner folder lands on the right paper, its pages are
put in order, the dossier is saved with its scans; the next dossier of the same person offers
the earlier copy, records its reuse, and the receipt says so."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import make_draft
from tests.ui.keys import press, type_text
from tests.ui.scans import inches, page_file
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import PaperItem
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.domain.scans import AttachmentSlot, Validity
from tthc_desk.scanning.compose import compose_files
from tthc_desk.services.container import Services
from tthc_desk.ui.intake_page import IntakePage
from tthc_desk.ui.pdf_pages import page_sizes
from tthc_desk.ui.scan_sources import ScanSources
from tthc_desk.ui.tasks import TaskRunner

CTRL = Qt.KeyboardModifier.ControlModifier
NO_KEYS = Qt.KeyboardModifier.NoModifier
ID_NUMBER = "001190012345"
NAME = "Nguyễn Thị Hồng Nhung"
DPI = 150


@pytest.fixture
def scan_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "máy quét"
    folder.mkdir()
    return folder


@pytest.fixture
def sources(scan_folder: Path) -> ScanSources:
    sources = ScanSources(scan_folder, settle_seconds=0.2, poll_ms=100)
    yield sources
    sources.stop()


@pytest.fixture
def page(qtbot, services: Services, sources: ScanSources) -> IntakePage:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    page = IntakePage(services, runner, scan_sources=sources)
    page._test_runner = runner  # keep the runner alive as long as the page
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def start_dossier(qtbot, page: IntakePage) -> None:  # type: ignore[no-untyped-def]
    page.picker.edit.setFocus()
    qtbot.keyClicks(page.picker.edit, "khai sinh")
    press(page.picker.popup(), Qt.Key.Key_Return)
    type_text(page.applicant.id_number, ID_NUMBER)
    if not page.applicant.full_name.text():
        type_text(page.applicant.full_name, NAME)
        type_text(page.applicant.phone, "0912345678")
    QApplication.processEvents()  # the checklist's new lines are shown by the event loop
    page.activateWindow()  # the procedure's list of choices had the keys
    qtbot.waitUntil(page.isActiveWindow)


def scan_line(qtbot, page: IntakePage, index: int):  # type: ignore[no-untyped-def]
    """Ctrl+D on the paper's line: its scan dialog, active."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    check = page.papers.row_widgets(index)[0]
    check.setFocus()
    qtbot.keyClick(check, Qt.Key.Key_D, CTRL)
    dialog = page.scan_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def arrive(qtbot, sources: ScanSources, folder: Path, tmp: Path, name: str, size: str) -> Path:  # type: ignore[no-untyped-def]
    """A scan written elsewhere and moved into the scanner folder, as copiers do; back once
    the watcher has seen it settle."""
    assert sources.watcher is not None
    with qtbot.waitSignal(sources.watcher.files_arrived, timeout=5000):
        made = page_file(tmp, name, size)
        made.rename(folder / name)
    return folder / name


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def sizes(data: bytes) -> list[tuple[float, float]]:
    return [inches((s.width, s.height)) for s in page_sizes(data)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_scans_from_the_scanner_folder_are_saved_on_their_papers_and_reused_next_time(
    qtbot,  # type: ignore[no-untyped-def]
    page: IntakePage,
    services: Services,
    sources: ScanSources,
    scan_folder: Path,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    start_dossier(qtbot, page)
    assert page.papers.row_name(1) == "Giấy chứng sinh"
    assert not page.papers.reuse_offer(0).isVisible()  # a first visit: nothing to reuse

    # Paper 1: the scanner folder is watched while its dialog is open; two sheets arrive.
    dialog = scan_line(qtbot, page, 0)
    assert "máy quét" in dialog.folder_label.text()
    arrive(qtbot, sources, scan_folder, tmp_path, "scan0001.png", "a4")
    arrive(qtbot, sources, scan_folder, tmp_path, "scan0002.png", "slip")
    assert [p.path.name for p in dialog.editor.pages()] == ["scan0001.png", "scan0002.png"]
    lst = dialog.editor.list
    lst.setCurrentRow(1)
    qtbot.keyClick(lst, Qt.Key.Key_Left, CTRL)  # the slip goes first
    with qtbot.waitSignal(dialog.pdf_composed):
        qtbot.keyClick(lst, Qt.Key.Key_Return)
    assert page.papers.scan_button(0).text() == "✓ 2 trang"
    assert sources.unclaimed() == []  # saved with paper 1: not offered again

    # Paper 2 was scanned before its dialog was opened: it is waiting there, said so.
    arrive(qtbot, sources, scan_folder, tmp_path, "chung-sinh.png", "square")
    dialog = scan_line(qtbot, page, 1)
    assert [p.path.name for p in dialog.editor.pages()] == ["chung-sinh.png"]
    assert dialog.banner.isVisible() and "trước khi mở" in dialog.banner.text()
    with qtbot.waitSignal(dialog.pdf_composed):
        qtbot.keyClick(dialog.editor.list, Qt.Key.Key_Return)
    assert page.papers.scan_button(1).text() == "✓ 1 trang"
    page.grab().save(str(tmp_path / "intake-scanned.png"))

    page.save()
    first = page.last_dossier
    assert first is not None and not page.banner.isVisible()
    scans = services.attachments.of_dossier(first.code)
    assert [(a.slot, a.paper_no, a.paper_name, a.pages) for a in scans] == [
        (AttachmentSlot.PAPER, 1, "Tờ khai đăng ký khai sinh", 2),
        (AttachmentSlot.PAPER, 2, "Giấy chứng sinh", 1),
    ]
    assert all(a.reused_from is None for a in scans)
    # The pages in the order the clerk put them: the slip, then the A4 sheet.
    assert sizes(services.attachments.content(scans[0].id)) == [(8.0, 3.0), (8.3, 11.7)]
    assert sizes(services.attachments.content(scans[1].id)) == [(4.0, 4.0)]
    receipt = page.receipt_dialog
    assert receipt is not None
    receipt.close()

    # The same person comes back a month later: once the ID number is typed, the checklist
    # offers the copies.
    clock.set(datetime(2026, 4, 2, 9, 0))
    page.reset()
    start_dossier(qtbot, page)
    offer = page.papers.reuse_offer(1)
    assert offer.isVisible() and offer.copy is not None
    assert offer.copy.dossier_code == first.code and offer.copy.validity is Validity.VALID
    assert offer.check.isChecked()  # a birth certificate does not expire: ticked
    assert first.code in offer.detail.text() and offer.validity.text() == "Còn hiệu lực"
    form = page.papers.reuse_offer(0)
    assert form.isVisible() and not form.check.isChecked()  # validity unknown: the clerk looks
    page.grab().save(str(tmp_path / "intake-reuse.png"))
    page.save()
    second = page.last_dossier
    assert second is not None and second.code != first.code
    again = services.attachments.of_dossier(second.code)
    assert [(a.paper_no, a.reused_from, a.sha256) for a in again] == [
        (2, first.code, scans[1].sha256)
    ]
    receipt = page.receipt_dialog
    assert receipt is not None
    saved = receipt.save_pdf(tmp_path / "giay-tiep-nhan.pdf")
    assert saved is not None
    text = pdf_text(saved.read_bytes())
    # On the paper's own line (the name wraps in its column, beside the count).
    assert "2 Giấy chứng sinh (dùng lại bản đã số hóa của" in text
    assert f"hồ sơ {first.code})" in text
    assert text.count("dùng lại bản đã số hóa") == 2  # two copies (liên), one paper each
    receipt.close()


def test_files_dropped_on_a_paper_line_open_its_scan_with_them(
    qtbot, page: IntakePage, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    start_dossier(qtbot, page)
    files = [page_file(tmp_path, "a.png", "a4"), page_file(tmp_path, "b.png", "square")]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    target = page.papers.row_widgets(1)[1]  # the kind of paper 2
    at = QPointF(target.mapTo(page.papers, target.rect().center()))
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, NO_KEYS)
    enter = QDragEnterEvent(at.toPoint(), *args)
    QCoreApplication.sendEvent(page.papers, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(at.toPoint(), *args)
    QCoreApplication.sendEvent(page.papers, move)
    assert move.isAccepted()  # over a paper's line
    QCoreApplication.sendEvent(page.papers, QDropEvent(at, *args))
    dialog = page.scan_dialog
    assert dialog is not None and dialog.windowTitle() == "Bản quét: Giấy chứng sinh"
    assert [p.path.name for p in dialog.editor.pages()] == ["a.png", "b.png"]
    with qtbot.waitSignal(dialog.pdf_composed):
        dialog.accept()
    assert page.papers.scan_button(1).text() == "✓ 2 trang"
    assert page.papers.scan_button(0).text() == "Số hóa…"
    # Pressed again, the scan is redone from its pages (one dropped, the other kept).
    page.papers.scan_button(1).click()
    again = page.scan_dialog
    assert again is not None and again is not dialog
    assert [p.path.name for p in again.editor.pages()] == ["a.png", "b.png"]
    again.editor.list.setCurrentRow(0)
    again.editor.delete_selected()
    with qtbot.waitSignal(again.pdf_composed):
        again.accept()
    assert page.papers.scan_button(1).text() == "✓ 1 trang"
    assert page.papers.scans()[2].pages == 1


def test_an_expired_copy_is_offered_unticked_and_reused_only_when_the_clerk_confirms(
    qtbot,  # type: ignore[no-untyped-def]
    page: IntakePage,
    services: Services,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    record = "Phiếu lý lịch tư pháp số 1"
    papers = (PaperItem("Tờ khai đăng ký khai sinh"), PaperItem(record))
    earlier = services.dossiers.receive(make_draft(papers=papers))
    pdf = compose_files([page_file(tmp_path, "ll.png", "a4")], dpi=DPI)
    services.attachments.attach_paper(earlier.code, 2, pdf)
    clock.set(datetime(2026, 10, 5, 9, 0))  # seven months on: the record is out of date

    start_dossier(qtbot, page)
    page.papers.add_extra(record, PaperKind.ORIGINAL)
    QApplication.processEvents()
    row = page.papers.row_count() - 1
    offer = page.papers.reuse_offer(row)
    assert offer.isVisible() and offer.copy is not None
    assert offer.copy.validity is Validity.EXPIRED and not offer.check.isChecked()
    assert offer.validity.text() == "Hết hiệu lực"

    offer.check.click()  # not silently: asked first, and "no" keeps the paper to be brought
    box = page.papers.expired_box
    assert box is not None and box.isVisible() and "hết thời hạn" in box.text()
    assert not offer.check.isChecked()
    next(b for b in box.buttons() if b.text() == "Không dùng lại").click()
    assert not offer.check.isChecked() and page.papers.reuses() == {}

    offer.check.click()
    box = page.papers.expired_box
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Vẫn dùng lại").click()
    assert offer.check.isChecked()
    page.save()
    saved = page.last_dossier
    assert saved is not None
    reused = services.attachments.of_dossier(saved.code)
    assert [(a.paper_no, a.paper_name, a.reused_from) for a in reused] == [
        (3, record, earlier.code)
    ]


def test_another_id_number_takes_the_offers_away(
    qtbot, page: IntakePage, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    earlier = services.dossiers.receive(make_draft())
    pdf = compose_files([page_file(tmp_path, "cs.png", "a4")], dpi=DPI)
    services.attachments.attach_paper(earlier.code, 2, pdf)
    start_dossier(qtbot, page)
    assert page.papers.reuse_offer(1).isVisible()
    press(page.applicant.id_number, Qt.Key.Key_Backspace)  # the clerk corrects the number
    assert not page.papers.reuse_offer(1).isVisible() and page.papers.reuses() == {}


@pytest.mark.sqlite_only  # the scans of a SQLite office are files beside it
def test_a_scan_that_cannot_be_stored_leaves_the_dossier_saved_and_says_which_paper(
    qtbot, page: IntakePage, services: Services, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # Where the scans go is taken by a file: storing one fails, for real.
    store = services.db.file_path.parent / "attachments"  # type: ignore[union-attr]
    shutil.rmtree(store, ignore_errors=True)
    store.write_text("không phải thư mục")
    start_dossier(qtbot, page)
    page.papers.set_scan(1, compose_files([page_file(tmp_path, "cs.png", "a4")], dpi=DPI))
    page.save()
    saved = page.last_dossier
    assert saved is not None and services.dossiers.get(saved.code).code == saved.code
    assert services.attachments.of_dossier(saved.code) == []
    text = page.banner.text()
    assert page.banner.isVisible()
    assert f"Hồ sơ {saved.code} ĐÃ ĐƯỢC LƯU" in text
    assert "giấy tờ số 2 “Giấy chứng sinh”" in text and "Bổ sung bản số hóa…" in text
    assert page.receipt_dialog is not None  # the receipt is made all the same
