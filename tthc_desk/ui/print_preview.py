"""Show a printed form (PDF bytes from the print service), print it, save it, open it.

The pages are drawn by PDFium (:mod:`tthc_desk.ui.pdf_pages`, from the ``pypdfium2`` wheel): no
PDF viewer, poppler or QtPdf is needed on the PC. The preview renders at screen scale; "In…"
(Ctrl+P) opens the print dialog on A4, set to the printer and two-sided setting last chosen
for this kind of form on this PC (:mod:`tthc_desk.ui.printer_choice`), and paints each page at
the printer's resolution (up to 600 dpi). The receipt's preview also holds the PC's *In nhanh*
switch: with it on, saving a dossier prints its receipt at once (:func:`quick_print_receipt`).

Should PDFium be missing (a broken install), the dialog says so and offers the system PDF
viewer. Tests pass a path to :meth:`ReceiptDialog.save_pdf` and a ``QPrinter`` to
:meth:`ReceiptDialog.print_to`, and replace :meth:`ReceiptDialog.choose_printer`, so no dialog
ever blocks them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from tthc_desk.services.container import Services
from tthc_desk.ui import printer_choice
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.pdf_pages import (
    SCREEN_DPI,
    PageSize,
    PdfRenderError,
    match_orientation,
    page_sizes,
    print_pdf,
    rasterise_pdf,
)
from tthc_desk.ui.printer_choice import (
    RECEIPT_FORM,
    prepare_printer,
    quick_print_enabled,
    quick_printer,
    remember_printer,
    remembered_printer,
    set_quick_print,
)
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

A4_POINTS = (595.3, 841.9)


def _preview_pages(pdf: bytes, dpi: float) -> tuple[list[QImage], list[PageSize]]:
    """The pages at ``dpi`` and their sizes (both empty when PDFium cannot draw them)."""
    images = rasterise_pdf(pdf, dpi)
    try:
        return images, (page_sizes(pdf) if images else [])
    except PdfRenderError:
        return [], []


def paper_name(size: PageSize) -> str:
    """ "khổ A4", "khổ A4 ngang" or the size in millimetres."""
    short, long_ = sorted((size.width, size.height))
    if abs(short - A4_POINTS[0]) < 3 and abs(long_ - A4_POINTS[1]) < 3:
        if size.landscape:
            return translate("print_preview", "khổ A4 ngang")
        return translate("print_preview", "khổ A4")
    mm = 25.4 / 72
    return translate("print_preview", "khổ {0} × {1} mm").format(
        round(size.width * mm), round(size.height * mm)
    )


def printing_failed_text(printer: QPrinter, exc: BaseException) -> str:
    log.warning("Printing on %r failed", printer.printerName(), exc_info=exc)
    return translate(
        "print_preview",
        "Không in được ra máy in “{0}”. Hãy kiểm tra máy in đã bật, đã nối với máy tính và còn "
        "giấy, rồi bấm “In…” để in lại (hoặc “Lưu PDF…”).",
    ).format(printer.printerName())


def no_printer_text() -> str:
    return translate(
        "print_preview",
        "Máy tính này chưa cài máy in nào. Hãy cài máy in (Windows: Cài đặt → Bluetooth & thiết "
        "bị → Máy in và máy quét), rồi bấm “In…”; trong lúc chờ có thể bấm “Lưu PDF…”.",
    )


class ReceiptDialog(QDialog):
    """Preview of a printed form with "In…", "Lưu PDF…", "Mở bằng trình xem PDF"; ``form`` is
    the kind of form (``receipt``, ``apology``, …) the printer is remembered for."""

    def __init__(
        self,
        pdf: bytes,
        *,
        title: str,
        file_name: str,
        output_dir: Path,
        runner: TaskRunner,
        parent: QWidget | None = None,
        secret: bool = False,
        form: str = "",
        notice: str = "",
    ) -> None:
        """``secret``: the form carries a secret (the recovery key): no copy is left in the
        output folder behind the person's back ("Mở bằng trình xem PDF" is hidden), and saving
        one is only on their explicit choice, with a warning. ``notice``: said above the pages
        (why a quick print did not happen)."""
        super().__init__(parent)
        self.setObjectName("receiptDialog")
        self._secret = secret
        self.pdf = pdf
        self.file_name = file_name
        self.form = form
        self.notice = QLabel(notice)
        self.notice.setObjectName("printNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(  # the quiet amber of a thing to do, as the reminders have
            "background: #fff4d6; border: 1px solid #e0a800; border-radius: 4px; padding: 6px;"
        )
        self.notice.setVisible(bool(notice))
        self._output_dir = output_dir
        self._runner = runner
        self.pages: list[QImage] = []
        #: The last print: None while it is on its way (or none yet), then whether it went out.
        self.print_ok: bool | None = None
        self.sizes: list[PageSize] = []
        self.setWindowTitle(title)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(760, 900 if screen is None else min(900, screen.height() - 40))

        self.status = QLabel(self.tr("Đang dựng bản xem trước…"))
        self.status.setWordWrap(True)
        self._pages_box = QWidget()
        self._pages_box.setStyleSheet("background: #8a8f96;")
        self._pages_layout = QVBoxLayout(self._pages_box)
        self._pages_layout.setSpacing(16)
        self._pages_layout.setContentsMargins(16, 16, 16, 16)
        self._pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self._pages_box)

        self.print_button = QPushButton(self.tr("In… (Ctrl+P)"))
        self.print_button.setDefault(True)
        self.save_button = QPushButton(self.tr("Lưu PDF…"))
        self.open_button = QPushButton(self.tr("Mở bằng trình xem PDF"))
        self.close_button = QPushButton(self.tr("Đóng"))
        for b in (self.save_button, self.open_button, self.close_button):
            b.setAutoDefault(False)
        self.quick_print_check = QCheckBox(self.tr("In nhanh giấy tiếp nhận (không hỏi máy in)"))
        self.quick_print_check.setToolTip(
            self.tr(
                "Trên máy tính này: lưu hồ sơ ở màn hình Tiếp nhận là in ngay giấy tiếp nhận ra "
                "máy in đã chọn lần trước (hoặc máy in mặc định), không mở bản xem trước. Bấm "
                "“In lại giấy tiếp nhận” khi cần xem trước hay chọn máy in khác."
            )
        )
        self.quick_print_check.setChecked(quick_print_enabled())
        self.quick_print_check.setVisible(form == RECEIPT_FORM)
        self.quick_print_check.toggled.connect(self._on_quick_print_check_toggled)
        self.printer_label = QLabel()
        self.printer_label.setObjectName("printerLabel")
        self._show_printer()
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.close_button.clicked.connect(self.accept)
        for key, slot in (
            (QKeySequence.StandardKey.Print, self._on_print_button_clicked),
            (QKeySequence.StandardKey.Save, self._on_save_button_clicked),
        ):
            QShortcut(QKeySequence(key), self).activated.connect(slot)

        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.open_button)
        self.open_button.setVisible(not secret)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        options = QHBoxLayout()
        options.addWidget(self.printer_label, 1)
        options.addWidget(self.quick_print_check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(options)
        layout.addLayout(buttons)

        ratio = self.devicePixelRatioF()  # sharp pages on a scaled (125 %, 150 %) screen
        self._runner.run(
            lambda: _preview_pages(pdf, SCREEN_DPI * ratio),
            lambda result: self._on_pages_ready(*result, ratio=ratio),
            self._on_pages_failed,
            label=self.tr("Xem trước bản in"),
        )

    # -- preview ------------------------------------------------------------------------------
    def _on_pages_ready(
        self, pages: list[QImage], sizes: list[PageSize], *, ratio: float = 1.0
    ) -> None:
        self.pages, self.sizes = pages, sizes
        if not pages:
            self.status.setText(
                self.tr(
                    "Không dựng được bản xem trước của tệp PDF. Hãy bấm “Mở bằng trình xem PDF” "
                    "để xem và in, hoặc “Lưu PDF…”."
                )
            )
            return
        text = self.tr("{0} trang · {1}").format(len(pages), paper_name(sizes[0]))
        if self._secret:
            text += self.tr(
                ". Phiếu có khóa giải mã dữ liệu: hãy in ra giấy; đừng lưu tệp PDF trên máy này "
                "hay cùng chỗ với các bản sao lưu."
            )
        self.status.setText(text)
        for image in pages:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label = QLabel()
            label.setPixmap(pixmap)
            label.setStyleSheet("background: white; border: 1px solid #555;")
            self._pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)

    def _on_pages_failed(self, exc: BaseException) -> None:
        log.warning("Preview failed", exc_info=exc)
        self._on_pages_ready([], [])

    def _show_printer(self) -> None:
        name = remembered_printer(self.form)
        self.printer_label.setText(
            self.tr("Máy in cho loại phiếu này: {0}").format(name) if name else ""
        )

    # -- actions ------------------------------------------------------------------------------
    def save_pdf(self, path: Path | None = None) -> Path | None:
        """Write the PDF to ``path``, or ask where (returns None when the clerk cancels)."""
        if path is None:
            suggested = str(self._output_dir / self.file_name)
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Lưu bản in"), suggested, self.tr("Tệp PDF (*.pdf)")
            )
            if not chosen:
                return None
            path = Path(chosen)
            if path.suffix.lower() != ".pdf":
                path = path.with_suffix(".pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.pdf)
        self.status.setText(self.tr("Đã lưu: {0}").format(path))
        return path

    def print_to(self, printer: QPrinter) -> bool:
        """Send every page to ``printer`` (already set up) at its resolution, off the GUI thread
        (a long register must not freeze the window); the status line says when it is done or
        why it failed. False when it has failed already (at once with the tests' synchronous
        runner)."""
        self.print_ok = None
        self.print_button.setEnabled(False)
        self.status.setText(self.tr("Đang gửi tới máy in…"))
        pdf = self.pdf
        self._runner.run(
            lambda: print_pdf(pdf, printer),
            self._on_print_done,
            lambda exc: self._on_print_failed(printer, exc),
            label=self.tr("In bản in"),
        )
        return self.print_ok is not False

    def _on_print_done(self, count: int) -> None:
        if isValid(self):  # the dialog may have been closed while the printer worked
            self.print_ok = True
            self.print_button.setEnabled(True)
            self.status.setText(self.tr("Đã gửi {0} trang tới máy in.").format(count))

    def _on_print_failed(self, printer: QPrinter, exc: BaseException) -> None:
        if not isinstance(exc, OSError | PdfRenderError):
            raise exc
        text = printing_failed_text(printer, exc)
        if isValid(self):
            self.print_ok = False
            self.print_button.setEnabled(True)
            self.status.setText(text)

    def make_printer(self) -> QPrinter:
        """The printer the print dialog opens on: A4, this form's remembered printer and
        two-sided setting, the paper turned like the first page."""
        printer = prepare_printer(self.form, self.file_name, self.new_printer())
        if self.sizes:
            match_orientation(printer, self.sizes[0])
        return printer

    def new_printer(self) -> QPrinter:
        """A blank high-resolution printer (the system default); tests give a PDF file."""
        return QPrinter(QPrinter.PrinterMode.HighResolution)

    def choose_printer(self, printer: QPrinter) -> bool:
        """The print dialog (blocking, as print dialogs are); tests replace it."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.windowTitle())
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_with_dialog(self) -> bool:
        """Ask which printer (offering the remembered one), remember it, print."""
        if not printer_choice.installed_printers():  # module-qualified: tests replace it
            self.status.setText(no_printer_text())
            return False
        printer = self.make_printer()
        if not self.choose_printer(printer):
            return False
        remember_printer(self.form, printer)
        self._show_printer()
        return self.print_to(printer)

    def open_external(self, opener: Callable[[QUrl], bool] = QDesktopServices.openUrl) -> Path:
        """Write the PDF to the output folder and hand it to the system viewer."""
        path = self._output_dir / self.file_name
        self.save_pdf(path)
        if not opener(QUrl.fromLocalFile(str(path))):
            self.status.setText(
                self.tr("Không mở được trình xem PDF. Tệp đã lưu ở: {0}").format(path)
            )
        return path

    def _on_print_button_clicked(self) -> None:
        if not self.pages:
            self._on_open_button_clicked()
            return
        self.print_with_dialog()

    def _on_quick_print_check_toggled(self, on: bool) -> None:
        set_quick_print(on)

    def _on_save_button_clicked(self) -> None:
        try:
            self.save_pdf()
        except OSError as exc:
            show_error(self, exc)

    def _on_open_button_clicked(self) -> None:
        try:
            self.open_external()
        except OSError as exc:
            show_error(self, exc)


def open_pdf(
    parent: QWidget,
    runner: TaskRunner,
    make_pdf: Callable[[], bytes],
    *,
    title: str,
    file_name: str,
    output_dir: Path,
    on_open: Callable[[ReceiptDialog], None] | None = None,
    label: str | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    form: str = "",
) -> None:
    """Build a PDF off the GUI thread with ``make_pdf``, then show its preview (non-blocking);
    a failure goes to ``on_failed`` (default: the error dialog). ``form``: the kind of form the
    printer is remembered for."""

    def shown(pdf: bytes) -> None:
        dialog = ReceiptDialog(
            pdf,
            title=title,
            file_name=file_name,
            output_dir=output_dir,
            runner=runner,
            parent=parent,
            form=form,
        )
        open_dialog(dialog)
        if on_open is not None:
            on_open(dialog)

    if label is None:
        label = translate("print_preview", "Tạo bản in")

    def failed(exc: BaseException) -> None:
        if on_failed is None:
            show_error(parent, exc)
        else:
            on_failed(exc)

    runner.run(make_pdf, shown, failed, label=label)


def _receipt_names(code: str) -> tuple[str, str]:
    title = translate("print_preview", "Giấy tiếp nhận hồ sơ {0}").format(code)
    return title, f"giay-tiep-nhan-{code}.pdf"


def open_receipt(
    parent: QWidget,
    services: Services,
    runner: TaskRunner,
    code: str,
    on_open: Callable[[ReceiptDialog], None] | None = None,
    *,
    on_failed: Callable[[BaseException], None] | None = None,
) -> None:
    """Build the receipt of ``code`` off the GUI thread, then show its preview (non-blocking)."""
    title, file_name = _receipt_names(code)
    open_pdf(
        parent,
        runner,
        lambda: services.printing.receipt_pdf(code),
        title=title,
        file_name=file_name,
        output_dir=services.paths.output_dir,
        on_open=on_open,
        label=translate("print_preview", "Tạo giấy tiếp nhận"),
        on_failed=on_failed,
        form=RECEIPT_FORM,
    )


PrinterSource = Callable[[str, str], "QPrinter | None"]


def quick_print_receipt(
    parent: QWidget,
    services: Services,
    runner: TaskRunner,
    code: str,
    *,
    on_printed: Callable[[str], None],
    on_open: Callable[[ReceiptDialog], None],
    on_failed: Callable[[BaseException], None],
    printer_source: PrinterSource = quick_printer,
) -> None:
    """Build the receipt of ``code`` off the GUI thread and send it straight to the receipt
    printer, no dialog (``on_printed`` gets the sentence to show). The PDF already holds its
    copies (one liên a page), so one copy of it is printed. No printer, or a printer that
    refuses: the preview opens instead (``on_open``), saying why."""
    title, file_name = _receipt_names(code)

    def preview(pdf: bytes, notice: str) -> None:
        dialog = ReceiptDialog(
            pdf,
            title=title,
            file_name=file_name,
            output_dir=services.paths.output_dir,
            runner=runner,
            parent=parent,
            form=RECEIPT_FORM,
            notice=notice,
        )
        open_dialog(dialog)
        on_open(dialog)

    def made(pdf: bytes) -> None:
        printer = printer_source(RECEIPT_FORM, file_name)
        if printer is None:
            preview(pdf, no_printer_text())
            return

        def printed(count: int) -> None:
            on_printed(
                translate(
                    "print_preview", "Đã in giấy tiếp nhận ({0} trang) ra máy in “{1}”."
                ).format(count, printer.printerName() or printer.outputFileName())
            )

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, OSError | PdfRenderError):
                raise exc
            preview(pdf, printing_failed_text(printer, exc))

        runner.run(
            lambda: print_pdf(pdf, printer),
            printed,
            failed,
            label=translate("print_preview", "In giấy tiếp nhận"),
        )

    runner.run(
        lambda: services.printing.receipt_pdf(code),
        made,
        on_failed,
        label=translate("print_preview", "Tạo giấy tiếp nhận"),
    )
