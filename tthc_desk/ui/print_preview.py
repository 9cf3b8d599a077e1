"""Show a printed form (PDF bytes from the print service), print it, save it, open it.

The receipt is made by reportlab as a PDF; Qt does not draw PDFs without the optional QtPdf
module (``pyside6-pdf``), so the pages are rasterised by whichever is present:

1. QtPdf's ``QPdfDocument`` (painted on white: it renders transparent pages);
2. poppler's ``pdftoppm`` (on Debian/Ubuntu with ``poppler-utils``; often on Windows too);
3. neither: the dialog says so and offers the system PDF viewer, which can print.

"In…" opens Qt's print dialog and paints the rasterised pages at the printer's resolution (capped
at 300 dpi, which is plenty for a form). Tests pass a path to :meth:`ReceiptDialog.save_pdf` and a
``QPrinter`` to :meth:`ReceiptDialog.print_to`, so no dialog ever blocks them.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.services.container import Services
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

SCREEN_DPI = 80
PRINT_DPI_MAX = 300


def _rasterise_qtpdf(data: bytes, dpi: int) -> list[QImage] | None:
    try:
        from PySide6.QtPdf import QPdfDocument  # optional wheel: pyside6-pdf
    except ImportError:
        return None
    doc = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    pages = []
    for i in range(doc.pageCount()):
        points = doc.pagePointSize(i)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        rendered = doc.render(i, size)
        page = QImage(size, QImage.Format.Format_RGB32)
        page.fill(QColor("white"))  # QPdfDocument renders on transparent
        painter = QPainter(page)
        painter.drawImage(0, 0, rendered)
        painter.end()
        pages.append(page)
    return pages


def _rasterise_pdftoppm(data: bytes, dpi: int) -> list[QImage] | None:
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="tthc-preview-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            subprocess.run(
                [exe, "-r", str(dpi), "-png", str(src), str(Path(tmp) / "page")],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("pdftoppm failed: %s", exc)
            return None
        files = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [QImage(str(f)) for f in files]


def rasterise_pdf(data: bytes, dpi: int = SCREEN_DPI) -> list[QImage]:
    """PDF pages as white images at ``dpi``; empty when nothing on this machine can draw PDF."""
    for method in (_rasterise_qtpdf, _rasterise_pdftoppm):
        pages = method(data, dpi)
        if pages:
            return pages
    return []


class ReceiptDialog(QDialog):
    """Preview of a printed form with "In…", "Lưu PDF…", "Mở bằng trình xem PDF"."""

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
    ) -> None:
        """``secret``: the form carries a secret (the recovery key): no copy is left in the
        output folder behind the person's back ("Mở bằng trình xem PDF" is hidden), and saving
        one is only on their explicit choice, with a warning."""
        super().__init__(parent)
        self.setObjectName("receiptDialog")
        self._secret = secret
        self.pdf = pdf
        self.file_name = file_name
        self._output_dir = output_dir
        self._runner = runner
        self.pages: list[QImage] = []
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
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._pages_box)

        self.print_button = QPushButton(self.tr("In…"))
        self.print_button.setDefault(True)
        self.save_button = QPushButton(self.tr("Lưu PDF…"))
        self.open_button = QPushButton(self.tr("Mở bằng trình xem PDF"))
        self.close_button = QPushButton(self.tr("Đóng"))
        for b in (self.save_button, self.open_button, self.close_button):
            b.setAutoDefault(False)
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
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        self._runner.run(
            lambda: rasterise_pdf(pdf, SCREEN_DPI),
            self._on_pages_ready,
            self._on_pages_failed,
            label=self.tr("Xem trước bản in"),
        )

    # -- preview ------------------------------------------------------------------------------
    def _on_pages_ready(self, pages: list[QImage]) -> None:
        self.pages = pages
        if not pages:
            self.status.setText(
                self.tr(
                    "Máy này chưa xem trước được tệp PDF. Hãy bấm “Mở bằng trình xem PDF” để xem "
                    "và in, hoặc “Lưu PDF…”."
                )
            )
            return
        self.status.setText(self.tr("{0} trang · khổ A4").format(len(pages)))
        if self._secret:
            self.status.setText(
                self.tr(
                    "{0} trang · khổ A4. Phiếu có khóa giải mã dữ liệu: hãy in ra giấy; đừng lưu "
                    "tệp PDF trên máy này hay cùng chỗ với các bản sao lưu."
                ).format(len(pages))
            )
        for image in pages:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("background: white; border: 1px solid #555;")
            self._pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)

    def _on_pages_failed(self, exc: BaseException) -> None:
        log.warning("Preview failed", exc_info=exc)
        self._on_pages_ready([])

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
        """Paint every page on ``printer`` (already set up); False when there is nothing to
        paint."""
        dpi = min(printer.resolution(), PRINT_DPI_MAX)
        pages = rasterise_pdf(self.pdf, dpi)
        if not pages:
            return False
        printer.setFullPage(True)  # the PDF carries its own margins
        painter = QPainter()
        if not painter.begin(printer):
            return False
        try:
            for i, image in enumerate(pages):
                if i:
                    printer.newPage()
                area = painter.viewport()
                scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(area.x(), area.y(), scaled.width(), scaled.height())
                painter.drawImage(target, image)
        finally:
            painter.end()
        return True

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
            self.open_external()
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.windowTitle())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if self.print_to(printer):
            self.status.setText(self.tr("Đã gửi {0} trang tới máy in.").format(len(self.pages)))
        else:
            self.status.setText(self.tr("Không in được; hãy mở bằng trình xem PDF để in."))

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
) -> None:
    """Build a PDF off the GUI thread with ``make_pdf``, then show its preview (non-blocking);
    a failure goes to ``on_failed`` (default: the error dialog)."""

    def shown(pdf: bytes) -> None:
        dialog = ReceiptDialog(
            pdf,
            title=title,
            file_name=file_name,
            output_dir=output_dir,
            runner=runner,
            parent=parent,
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
    open_pdf(
        parent,
        runner,
        lambda: services.printing.receipt_pdf(code),
        title=translate("print_preview", "Giấy tiếp nhận hồ sơ {0}").format(code),
        file_name=f"giay-tiep-nhan-{code}.pdf",
        output_dir=services.paths.output_dir,
        on_open=on_open,
        label=translate("print_preview", "Tạo giấy tiếp nhận"),
        on_failed=on_failed,
    )
