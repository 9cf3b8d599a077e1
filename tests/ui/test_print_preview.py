"""Printing that works on any PC: PDFium (pypdfium2) draws the forms, with no program on PATH;
prints are sharp (the printer's resolution, up to 600 dpi), the printer is remembered per form
on this PC, and *In nhanh* sends a saved dossier's receipt to the printer without a dialog."""

from __future__ import annotations

import io
import sys
import threading
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialog
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from tests.conftest import make_draft
from tests.ui.test_intake_page import fill_applicant, pick_procedure
from tthc_desk.services.container import Services
from tthc_desk.ui import print_preview, printer_choice
from tthc_desk.ui.intake_page import IntakePage
from tthc_desk.ui.pdf_pages import PRINT_DPI_MAX, print_dpi, print_pdf, rasterise_pdf
from tthc_desk.ui.print_preview import ReceiptDialog
from tthc_desk.ui.printer_choice import (
    prepare_printer,
    quick_print_enabled,
    remember_printer,
    remembered_printer,
)
from tthc_desk.ui.tasks import TaskRunner

A4_RATIO = 841.89 / 595.28


def dark_fraction(image: QImage) -> float:
    """Share of the pixels darker than mid-grey (text, lines)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data, stride, width = bytes(gray.constBits()), gray.bytesPerLine(), gray.width()
    dark = 0
    for y in range(gray.height()):
        row = data[y * stride : y * stride + width]
        dark += width - len(row.translate(None, bytes(range(128))))
    return dark / (width * gray.height())


def ink_mismatch(a: QImage, b: QImage) -> float:
    """Of the pixels dark in either image, the share that is dark in only one of them."""
    w, h = min(a.width(), b.width()), min(a.height(), b.height())
    rows = []
    for image in (a, b):
        gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
        data, stride = bytes(gray.constBits()), gray.bytesPerLine()
        rows.append([data[y * stride : y * stride + w] for y in range(h)])
    either = only_one = 0
    for row_a, row_b in zip(*rows, strict=True):
        for pa, pb in zip(row_a, row_b, strict=True):
            if pa < 160 or pb < 160:
                either += 1
                only_one += (pa < 160) != (pb < 160)
    return only_one / max(either, 1)


def pdf_printer(path: Path, mode: QPrinter.PrinterMode) -> QPrinter:
    printer = QPrinter(mode)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


class NamedPrinter(QPrinter):
    """A printer as the print dialog leaves it on a PC with printers: a name, a duplex choice
    (Qt keeps no name of a printer that is not installed, so this one remembers it itself)."""

    def __init__(self, name: str = "") -> None:
        super().__init__(QPrinter.PrinterMode.ScreenResolution)  # quick: not a sharpness test
        self._name = name
        self._duplex = QPrinter.DuplexMode.DuplexNone

    def printerName(self) -> str:
        return self._name

    def setPrinterName(self, name: str) -> None:
        self._name = name

    def duplex(self) -> QPrinter.DuplexMode:
        return self._duplex

    def setDuplex(self, duplex: QPrinter.DuplexMode) -> None:
        self._duplex = duplex

    def outputFormat(self) -> QPrinter.OutputFormat:
        return QPrinter.OutputFormat.NativeFormat


def _dialog(qtbot, pdf: bytes, form: str = "receipt") -> ReceiptDialog:  # type: ignore[no-untyped-def]
    dialog = ReceiptDialog(
        pdf,
        title="Giấy tiếp nhận",
        file_name="giay-tiep-nhan.pdf",
        output_dir=Path("/nonexistent"),
        runner=TaskRunner(synchronous=True),
        form=form,
    )
    qtbot.addWidget(dialog)
    return dialog


@pytest.fixture
def receipt_pdf(services: Services) -> bytes:
    return services.printing.receipt_pdf(services.dossiers.receive(make_draft()).code)


def test_preview_renders_the_receipt_with_no_program_on_path(
    qtbot, receipt_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no pdftoppm, no viewer: PDFium is in the wheel
    assert "PySide6.QtPdf" not in sys.modules
    dialog = _dialog(qtbot, receipt_pdf)
    dialog.resize(1366, 728)
    dialog.show()
    assert len(dialog.pages) == 2  # Liên 1 and Liên 2
    assert dialog.status.text() == "2 trang · khổ A4"
    for image in dialog.pages:
        assert abs(image.height() / image.width() - A4_RATIO) < 0.01
        assert 0.005 < dark_fraction(image) < 0.5  # text on white, neither blank nor black
    # the receipt's own words are on the page: the top half has far more ink than a margin strip
    assert dark_fraction(dialog.pages[0].copy(0, 0, 600, 400)) > 0.01
    dialog.grab().save(str(tmp_path / "preview.png"))


def test_printing_at_high_resolution_is_sharp_and_page_for_page(
    qtbot, receipt_pdf: bytes, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, receipt_pdf)
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out, QPrinter.PrinterMode.HighResolution)
    assert dialog.print_to(printer)
    assert dialog.status.text() == "Đã gửi 2 trang tới máy in."

    source, printed = PdfReader(io.BytesIO(receipt_pdf)), PdfReader(out)
    assert len(printed.pages) == len(source.pages) == 2
    dpi = print_dpi(printer)
    assert dpi == PRINT_DPI_MAX  # Qt's PDF printer says 1200 dpi; pages go at 600
    for page in printed.pages:
        assert abs(float(page.mediabox.width) - 595.3) < 1  # A4, portrait
        images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        widest = max(int(x["/Width"]) for x in images)
        assert widest >= 0.9 * (595.28 / 72) * dpi  # a 600 dpi raster, not a screen one

    # what came out looks like the source, page for page: the same ink in the same places (Qt
    # rounds A4 to whole points, hence a pixel of slack in size)
    again = rasterise_pdf(out.read_bytes(), 60)
    for before, after in zip(rasterise_pdf(receipt_pdf, 60), again, strict=True):
        assert abs(before.width() - after.width()) <= 1
        assert abs(before.height() - after.height()) <= 1
        shifted = after.copy(3, 0, after.width(), after.height())  # 1.3 mm to the side
        assert ink_mismatch(before, after) < 0.45 < ink_mismatch(before, shifted)


def test_printing_runs_off_the_gui_thread(
    qtbot, receipt_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    threads: list[threading.Thread] = []

    def spy(data: bytes, printer: QPrinter) -> int:
        threads.append(threading.current_thread())
        return print_pdf(data, printer)

    monkeypatch.setattr(print_preview, "print_pdf", spy)
    runner = TaskRunner()
    dialog = ReceiptDialog(
        receipt_pdf,
        title="Giấy tiếp nhận",
        file_name="r.pdf",
        output_dir=tmp_path,
        runner=runner,
        form="receipt",
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.pages) == 2, timeout=10_000)
    out = tmp_path / "printed.pdf"
    assert dialog.print_to(pdf_printer(out, QPrinter.PrinterMode.HighResolution))
    assert not dialog.print_button.isEnabled()  # one job at a time
    qtbot.waitUntil(lambda: dialog.print_ok is True, timeout=30_000)
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.print_button.isEnabled()
    assert dialog.status.text() == "Đã gửi 2 trang tới máy in."
    assert len(PdfReader(out).pages) == 2
    runner.wait()


def test_copies_asked_for_are_printed_once_each(qtbot, receipt_pdf: bytes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, receipt_pdf)
    out = tmp_path / "two-copies.pdf"
    printer = pdf_printer(out, QPrinter.PrinterMode.ScreenResolution)
    printer.setCopyCount(2)  # a PDF file makes no copies itself: they are painted
    assert not printer.supportsMultipleCopies()
    assert dialog.print_to(printer)
    assert len(PdfReader(out).pages) == 4  # Liên 1, Liên 2, Liên 1, Liên 2


def test_a_landscape_form_prints_on_turned_paper(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4))
    c.drawString(72, 500, "Danh sach ban giao")
    c.showPage()
    c.save()
    dialog = _dialog(qtbot, buffer.getvalue(), form="postal_handover")
    assert dialog.status.text() == "1 trang · khổ A4 ngang"
    out = tmp_path / "handover.pdf"
    dialog.new_printer = lambda: pdf_printer(out, QPrinter.PrinterMode.HighResolution)  # type: ignore[method-assign]
    assert dialog.print_to(dialog.make_printer())
    box = PdfReader(out).pages[0].mediabox
    assert float(box.width) > float(box.height)


def test_the_printer_chosen_for_a_form_is_offered_again_for_that_form_only(
    qtbot, receipt_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pc_settings: Path
) -> None:  # type: ignore[no-untyped-def]
    installed = ["Máy in quầy 1", "Máy in phòng lưu trữ"]
    monkeypatch.setattr(printer_choice, "installed_printers", lambda: list(installed))
    dialog = _dialog(qtbot, receipt_pdf)
    assert dialog.printer_label.text() == ""
    offered: list[tuple[str, QPrinter.DuplexMode]] = []

    def choose(printer: QPrinter) -> bool:  # the clerk picks a printer and two-sided
        offered.append((printer.printerName(), printer.duplex()))
        printer.setPrinterName("Máy in quầy 1")
        printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide)
        return True

    out = tmp_path / "printed.pdf"

    def named() -> QPrinter:
        printer = NamedPrinter()
        printer.setOutputFileName(str(out))  # the pixels still go to a file
        return printer

    dialog.new_printer = named  # type: ignore[method-assign]
    dialog.choose_printer = choose  # type: ignore[method-assign]
    assert dialog.print_with_dialog()
    assert offered == [("", QPrinter.DuplexMode.DuplexNone)]  # nothing remembered yet
    assert len(PdfReader(out).pages) == 2
    assert dialog.printer_label.text() == "Máy in cho loại phiếu này: Máy in quầy 1"
    assert (pc_settings / "TTHC Desk" / "tthc-desk.ini").exists()  # this PC's settings file

    # Next time (a new dialog, settings read back from the file): the same printer, two-sided.
    again = _dialog(qtbot, receipt_pdf)
    again.new_printer = named  # type: ignore[method-assign]
    again.choose_printer = choose  # type: ignore[method-assign]
    assert again.printer_label.text() == "Máy in cho loại phiếu này: Máy in quầy 1"
    assert again.print_with_dialog()
    assert offered[-1] == ("Máy in quầy 1", QPrinter.DuplexMode.DuplexLongSide)
    # Another form keeps its own choice; a printer since removed is not offered.
    assert prepare_printer("apology", "x.pdf", NamedPrinter()).printerName() == ""
    assert remembered_printer("apology") == ""
    remember_printer("apology", NamedPrinter("Máy in phòng lưu trữ"))
    assert prepare_printer("receipt", "x.pdf", NamedPrinter()).printerName() == "Máy in quầy 1"
    assert (
        prepare_printer("apology", "x.pdf", NamedPrinter()).printerName() == "Máy in phòng lưu trữ"
    )
    installed.remove("Máy in quầy 1")
    assert prepare_printer("receipt", "x.pdf", NamedPrinter()).printerName() == ""


def test_a_pc_without_printers_says_so_and_opens_no_dialog(
    qtbot, receipt_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(printer_choice, "installed_printers", lambda: [])
    dialog = _dialog(qtbot, receipt_pdf)
    dialog.choose_printer = lambda printer: pytest.fail("no dialog without a printer")  # type: ignore[method-assign]
    dialog.show()
    assert not dialog.print_with_dialog()
    assert "chưa cài máy in nào" in dialog.status.text()


@pytest.fixture
def intake(qtbot, services: Services) -> IntakePage:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    page = IntakePage(services, runner)
    page._test_runner = runner  # keep the runner alive as long as the page
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def _save_an_intake(qtbot, page: IntakePage) -> None:  # type: ignore[no-untyped-def]
    pick_procedure(qtbot, page, "khai sinh")
    fill_applicant(page, "Trần Văn Bình", "001200054321", "0987 654 321")
    page.save_button.click()
    assert page.last_dossier is not None


def test_quick_print_sends_the_receipt_to_the_printer_without_any_dialog(
    qtbot, intake: IntakePage, receipt_pdf: bytes, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # The clerk turns it on in a receipt's preview; it is this PC's setting from then on.
    preview = _dialog(qtbot, receipt_pdf)
    assert preview.quick_print_check.isVisibleTo(preview) and not quick_print_enabled()
    preview.quick_print_check.click()
    assert quick_print_enabled()
    assert not _dialog(qtbot, receipt_pdf, form="apology").quick_print_check.isVisibleTo(preview)
    preview.close()

    out = tmp_path / "may-in.pdf"
    used: list[QPrinter] = []

    def printer_source(form: str, doc_name: str) -> QPrinter:
        assert form == "receipt" and doc_name.startswith("giay-tiep-nhan-")
        used.append(pdf_printer(out, QPrinter.PrinterMode.HighResolution))
        return used[-1]

    intake.quick_printer = printer_source
    _save_an_intake(qtbot, intake)
    assert intake.receipt_dialog is None
    assert QApplication.activeModalWidget() is None
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
    ]
    # one copy of the PDF, which already holds the two liên: two pages, not four
    assert used[0].copyCount() == 1
    printed = PdfReader(out)
    assert len(printed.pages) == 2
    assert intake.success.printed_label.isVisible()
    assert intake.success.printed_label.text().startswith("Đã in giấy tiếp nhận (2 trang)")

    # "In lại giấy tiếp nhận" still opens the preview, whose Ctrl+P opens the print dialog
    intake.success.reprint_button.click()
    assert intake.receipt_dialog is not None and intake.receipt_dialog.isVisible()
    assert len(used) == 1


def test_quick_print_with_no_printer_opens_the_preview_saying_why(
    qtbot, intake: IntakePage, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    printer_choice.set_quick_print(True)
    monkeypatch.setattr(printer_choice, "installed_printers", lambda: [])
    intake.quick_printer = printer_choice.quick_printer  # the real one: finds no printer
    _save_an_intake(qtbot, intake)
    dialog = intake.receipt_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.notice.isVisible()
    assert dialog.notice.text().startswith("Máy tính này chưa cài máy in nào.")
    assert dialog.status.text() == "2 trang · khổ A4"
    assert not intake.success.printed_label.isVisible()


def test_quick_print_on_a_printer_that_refuses_opens_the_preview(
    qtbot, intake: IntakePage, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    printer_choice.set_quick_print(True)
    intake.quick_printer = lambda form, name: pdf_printer(  # a folder nobody can write in
        tmp_path / "missing" / "x.pdf", QPrinter.PrinterMode.HighResolution
    )
    _save_an_intake(qtbot, intake)
    dialog = intake.receipt_dialog
    assert dialog is not None and "Không in được ra máy in" in dialog.notice.text()


def test_without_pdfium_the_dialog_offers_the_system_viewer(
    qtbot, receipt_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # a broken install: import fails
    dialog = _dialog(qtbot, receipt_pdf)
    assert dialog.pages == [] and "trình xem PDF" in dialog.status.text()
    monkeypatch.undo()
    assert len(pdfium.PdfDocument(receipt_pdf)) == 2
