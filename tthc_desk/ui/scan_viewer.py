"""A digitised paper on screen: one page at a time, zoomed, and printed.

Keyboard first: PgDn / PgUp the next and previous page (Home / End the first and last), Ctrl++
and Ctrl+- zoom in and out, Ctrl+0 fits the whole page in the window (as it opens), Ctrl+P
prints. Pages are drawn by PDFium (:func:`tthc_desk.scanning.render.render_pdf_page`, under the
process's one PDFium lock) on a worker of the window's task runner, at the size shown: a zoomed
scan stays sharp, and only the newest request is shown when keys are pressed quickly.

"In…" is the print preview's printing (:mod:`tthc_desk.ui.pdf_pages`): the print dialog opens
on A4 with the printer last chosen for scans on this PC, and each page is painted at the
printer's resolution. ``printed(pages)`` says a print went out (the caller may journal it).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from tthc_desk.scanning.render import render_pdf_page
from tthc_desk.ui import printer_choice
from tthc_desk.ui.pdf_pages import (
    PageSize,
    PdfRenderError,
    match_orientation,
    page_sizes,
    print_pdf,
)
from tthc_desk.ui.print_preview import no_printer_text, printing_failed_text
from tthc_desk.ui.printer_choice import prepare_printer, remember_printer
from tthc_desk.ui.scan_images import to_qimage
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

#: The printer remembered for scans (ui/printer_choice.py), apart from the forms'.
SCAN_FORM = "scan"
#: At 100 %, a page is its real size on an ordinary screen.
SCREEN_DPI = 96
POINTS_PER_INCH = 72
ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.2, 4.0
_MARGIN = 24  # around the page in the grey area


class ScanViewer(QDialog):
    """The pages of one PDF (``data``: a paper's scan). ``page`` (0-based), ``zoom`` (1.0: real
    size) and ``fitting`` (the whole page fitted in the window) say what is shown."""

    page_shown = Signal(int)
    printed = Signal(int)

    def __init__(
        self,
        data: bytes,
        runner: TaskRunner,
        *,
        title: str,
        file_name: str = "ban-quet.pdf",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scanViewer")
        self.setWindowTitle(title)
        self.data = data
        self.file_name = file_name
        self._runner = runner
        self.page = 0
        self.zoom = 1.0
        self.fitting = True
        self._request = 0
        self._failed = False  # the last print failed
        #: The image shown (None until the first page is drawn).
        self.image: QImage | None = None
        try:
            self.sizes: list[PageSize] = page_sizes(data)
        except PdfRenderError as exc:
            log.warning("Scan viewer cannot read the PDF: %s", exc)
            self.sizes = []
        self.view = QLabel()
        self.view.setObjectName("scanPage")
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area.setStyleSheet("QScrollArea { background: #8a8f96; }")
        self.view.setStyleSheet("background: #8a8f96;")
        self.scroll_area.setWidget(self.view)
        self.status = QLabel()
        self.status.setObjectName("scanStatus")
        self.status.setWordWrap(True)
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(self._tools)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.status)
        self._bind_keys()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(900, 700 if screen is None else min(900, screen.height() - 40))
        if not self.sizes:
            self.status.setText(
                self.tr("Không hiển thị được bản quét: tệp PDF bị hỏng hoặc không đọc được.")
            )
        self._update_controls()

    def _build_buttons(self) -> None:
        self.previous_button = QPushButton(self.tr("◀ Trang trước (PgUp)"))
        self.page_label = QLabel()
        self.page_label.setObjectName("scanPageLabel")
        self.next_button = QPushButton(self.tr("Trang sau ▶ (PgDn)"))
        self.zoom_out_button = QPushButton(self.tr("− Thu nhỏ (Ctrl+-)"))
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("scanZoomLabel")
        self.zoom_in_button = QPushButton(self.tr("+ Phóng to (Ctrl++)"))
        self.fit_button = QPushButton(self.tr("Vừa khung (Ctrl+0)"))
        self.print_button = QPushButton(self.tr("In… (Ctrl+P)"))
        self.close_button = QPushButton(self.tr("Đóng"))
        self._tools = QHBoxLayout()
        for button, slot in (
            (self.previous_button, self.previous_page),
            (self.next_button, self.next_page),
            (self.zoom_out_button, self.zoom_out),
            (self.zoom_in_button, self.zoom_in),
            (self.fit_button, self.fit_page),
            (self.print_button, self.print_with_dialog),
            (self.close_button, self.accept),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
        for w in (self.previous_button, self.page_label, self.next_button):
            self._tools.addWidget(w)
        self._tools.addSpacing(16)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            self._tools.addWidget(w)
        self._tools.addStretch(1)
        self._tools.addWidget(self.print_button)
        self._tools.addWidget(self.close_button)

    def _bind_keys(self) -> None:
        keys = (
            (["PgDown"], self.next_page),
            (["PgUp"], self.previous_page),
            (["Home"], lambda: self.show_page(0)),
            (["End"], lambda: self.show_page(len(self.sizes) - 1)),
            (["Ctrl++", "Ctrl+="], self.zoom_in),
            (["Ctrl+-"], self.zoom_out),
            (["Ctrl+0"], self.fit_page),
            (["Ctrl+P"], self.print_with_dialog),
        )
        for sequences, slot in keys:
            for text in sequences:
                QShortcut(QKeySequence(text), self).activated.connect(slot)

    # -- pages and zoom -------------------------------------------------------------------------
    def page_count(self) -> int:
        return len(self.sizes)

    def show_page(self, index: int) -> bool:
        """Show page ``index`` (0-based); False when there is no such page."""
        if not 0 <= index < len(self.sizes):
            return False
        self.page = index
        self._render()
        self.page_shown.emit(index)
        return True

    def next_page(self) -> bool:
        return self.show_page(self.page + 1)

    def previous_page(self) -> bool:
        return self.show_page(self.page - 1)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def set_zoom(self, zoom: float) -> None:
        """Show the page at ``zoom`` (1.0: its real size), no longer fitted."""
        self.fitting = False
        self.zoom = min(ZOOM_MAX, max(ZOOM_MIN, zoom))
        self._render()

    def fit_page(self) -> None:
        """The whole page in the window (and kept so when the window is resized)."""
        self.fitting = True
        self._render()

    def _fit_zoom(self) -> float:
        size = self.sizes[self.page]
        area = self.scroll_area.viewport().size()
        w = size.width * SCREEN_DPI / POINTS_PER_INCH
        h = size.height * SCREEN_DPI / POINTS_PER_INCH
        room_w, room_h = max(50, area.width() - _MARGIN), max(50, area.height() - _MARGIN)
        return min(ZOOM_MAX, max(ZOOM_MIN, min(room_w / w, room_h / h)))

    def width_px(self) -> int:
        """The shown page's width in logical pixels at the current zoom."""
        size = self.sizes[self.page]
        return max(1, round(size.width * SCREEN_DPI / POINTS_PER_INCH * self.zoom))

    def _render(self) -> None:
        if not self.sizes:
            return
        if self.fitting:
            self.zoom = self._fit_zoom()
        self._update_controls()
        ratio = self.devicePixelRatioF()
        width = round(self.width_px() * ratio)
        data, index = self.data, self.page
        self._request += 1
        request = self._request
        self._runner.run(
            lambda: to_qimage(render_pdf_page(data, index, width_px=width)),
            lambda image: self._on_page_drawn(request, image, ratio),
            self._on_page_failed,
        )

    def _on_page_drawn(self, request: int, image: QImage, ratio: float) -> None:
        if not isValid(self) or request != self._request:
            return  # a newer page or zoom was asked for meanwhile
        self.image = image
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.view.setPixmap(pixmap)

    def _on_page_failed(self, exc: BaseException) -> None:
        log.warning("Scan page failed", exc_info=exc)
        if isValid(self):
            self.status.setText(
                self.tr("Không hiển thị được trang {0} của bản quét.").format(self.page + 1)
            )

    def _update_controls(self) -> None:
        n = len(self.sizes)
        self.page_label.setText(self.tr("Trang {0}/{1}").format(self.page + 1 if n else 0, n))
        self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < n - 1)
        for b in (self.zoom_in_button, self.zoom_out_button, self.fit_button, self.print_button):
            b.setEnabled(n > 0)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.image is None:
            self.show_page(self.page)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitting and self.image is not None:
            self._render()

    # -- printing -------------------------------------------------------------------------------
    def new_printer(self) -> QPrinter:
        """A blank high-resolution printer (the system default); tests give a PDF file."""
        return QPrinter(QPrinter.PrinterMode.HighResolution)

    def choose_printer(self, printer: QPrinter) -> bool:
        """The print dialog (blocking, as print dialogs are); tests replace it."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.windowTitle())
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_with_dialog(self) -> bool:
        """Ask which printer (offering the one last used for scans), remember it, print."""
        if not self.sizes:
            return False
        if not printer_choice.installed_printers():  # module-qualified: tests replace it
            self.status.setText(no_printer_text())
            return False
        printer = prepare_printer(SCAN_FORM, self.file_name, self.new_printer())
        match_orientation(printer, self.sizes[0])
        if not self.choose_printer(printer):
            return False
        remember_printer(SCAN_FORM, printer)
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Send every page to ``printer`` (already set up), off the GUI thread."""
        self.print_button.setEnabled(False)
        self.status.setText(self.tr("Đang gửi tới máy in…"))
        data = self.data
        self._failed = False
        self._runner.run(
            lambda: print_pdf(data, printer),
            self._on_print_done,
            lambda exc: self._on_print_failed(printer, exc),
            label=self.tr("In bản quét"),
        )
        return not self._failed

    def _on_print_done(self, count: int) -> None:
        if isValid(self):
            self.print_button.setEnabled(True)
            self.status.setText(self.tr("Đã gửi {0} trang tới máy in.").format(count))
            self.printed.emit(count)

    def _on_print_failed(self, printer: QPrinter, exc: BaseException) -> None:
        if not isinstance(exc, OSError | PdfRenderError):
            raise exc
        text = printing_failed_text(printer, exc)
        if isValid(self):
            self._failed = True
            self.print_button.setEnabled(True)
            self.status.setText(text)
