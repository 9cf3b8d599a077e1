"""Draw the pages of a PDF (the print service's bytes) on screen and on a printer, with PDFium.

``pypdfium2`` ships Google's PDFium inside its wheel (Windows and Linux alike), so a commune PC
needs no PDF viewer, no poppler and no QtPdf to preview or print a form. PDFium is not
thread-safe: every call into it holds the process's one lock
(:data:`tthc_desk.scanning.render.PDFIUM_LOCK`, shared with the scans' thumbnails and composing),
since the preview renders on a worker thread while a print may render on the GUI thread.

Printing paints one page at a time (a page of A4 at 600 dpi is about 100 MB of pixels), each at
the printer's own resolution capped at :data:`PRINT_DPI_MAX`, placed at its real size from the
corner of the paper (the PDF carries its own margins) and shrunk only when the paper is smaller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrinter

from tthc_desk.scanning.pdffile import PDFIUM_LOCK  # the one lock, without Pillow at start-up

log = logging.getLogger(__name__)

SCREEN_DPI = 80
#: Sharper than any office laser prints text; a page at 600 dpi is already ~100 MB of pixels.
PRINT_DPI_MAX = 600
POINTS_PER_INCH = 72

_FORMATS = {
    1: QImage.Format.Format_Grayscale8,
    3: QImage.Format.Format_BGR888,
    4: QImage.Format.Format_RGB32,
}


class PdfRenderError(Exception):
    """PDFium is missing or could not read the bytes."""


@dataclass(frozen=True)
class PageSize:
    """A page's size in PDF points (1/72 inch)."""

    width: float
    height: float

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@contextmanager
def _document(data: bytes) -> Iterator[Any]:
    """The PDF open in PDFium, under the lock; closed afterwards."""
    try:
        import pypdfium2 as pdfium  # a wheel with PDFium inside; see pyproject.toml
    except Exception as exc:  # a broken install or bundle: the dialog offers the PDF viewer
        raise PdfRenderError(f"pypdfium2 cannot be loaded: {exc}") from exc
    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PdfRenderError(str(exc)) from exc
        try:
            yield doc
        finally:
            doc.close()


def _render(doc: Any, index: int, dpi: float, *, for_print: bool = False) -> QImage:
    page = doc[index]
    try:
        bitmap = page.render(
            scale=dpi / POINTS_PER_INCH,
            fill_color=(255, 255, 255, 255),  # opaque white, 3 bytes a pixel (BGR)
            optimize_mode="print" if for_print else None,
            may_draw_forms=False,
        )
        # PDFium's BGR is Qt's BGR888 (its BGRx, were it chosen, Qt's RGB32 on x86); copy() so
        # the image owns its pixels once the bitmap is closed.
        image = QImage(
            bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, _FORMATS[bitmap.n_channels]
        ).copy()
        bitmap.close()
        return image
    finally:
        page.close()


def page_sizes(data: bytes) -> list[PageSize]:
    """Each page's size in points; raises :class:`PdfRenderError`."""
    with _document(data) as doc:
        return [PageSize(*doc.get_page_size(i)) for i in range(len(doc))]


def rasterise_pdf(data: bytes, dpi: float = SCREEN_DPI) -> list[QImage]:
    """Every page as an opaque image at ``dpi``; empty when PDFium is missing or the bytes are
    not a PDF it can read (logged)."""
    try:
        with _document(data) as doc:
            return [_render(doc, i, dpi) for i in range(len(doc))]
    except PdfRenderError as exc:
        log.warning("Cannot render the PDF: %s", exc)
        return []


def print_dpi(printer: QPrinter) -> int:
    """The resolution pages are rasterised at for ``printer``: its own, at most 600 dpi."""
    return max(1, min(printer.resolution(), PRINT_DPI_MAX))


def match_orientation(printer: QPrinter, first: PageSize) -> None:
    """Turn the paper like the document's first page (the postal handover list is landscape)."""
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if first.landscape else QPageLayout.Orientation.Portrait
    )


def print_pdf(data: bytes, printer: QPrinter) -> int:
    """Paint every page of ``data`` on ``printer`` (already set up: paper, duplex, copies), one
    page at a time at :func:`print_dpi`; returns the number of pages of the PDF. Raises
    :class:`PdfRenderError` when the PDF cannot be read and ``OSError`` when the printer refuses
    the job."""
    dpi = print_dpi(printer)
    printer.setFullPage(True)  # the PDF carries its own margins
    # A printer driver makes the copies asked for in the dialog; a PDF file needs them painted.
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    with _document(data) as doc:
        count = len(doc)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(f"printer {printer.printerName()!r} refused the job")
        try:
            for n, i in enumerate(i for _ in range(copies) for i in range(count)):
                if n:
                    printer.newPage()
                image = _render(doc, i, dpi, for_print=True)
                painter.drawImage(_target(painter, printer, PageSize(*doc.get_page_size(i))), image)
                del image  # one page of pixels at a time
        finally:
            painter.end()
    return count


def _target(painter: QPainter, printer: QPrinter, page: PageSize) -> QRectF:
    """Where a page goes on the paper, in device pixels: its real size from the paper's corner,
    scaled down (keeping its shape) only when the paper is smaller."""
    res = printer.resolution()
    size = QSizeF(page.width * res / POINTS_PER_INCH, page.height * res / POINTS_PER_INCH)
    area = QSizeF(painter.viewport().size())
    if size.width() > area.width() * 1.01 or size.height() > area.height() * 1.01:
        size = size.scaled(area, Qt.AspectRatioMode.KeepAspectRatio)
    return QRectF(0, 0, size.width(), size.height())
