"""The scan of one paper: its pages gathered, put in order, turned, then made into one PDF.

Pages come from three places: files chosen with "Thêm tệp…" (Ctrl+O) or dropped on the pages;
the scanner folder of this PC (:mod:`tthc_desk.ui.scanner_folder`), whose new files are added
the moment the scanner has finished writing them, with an amber line saying so; and "Quét…",
shown only when this PC reaches a scanner directly (:func:`tthc_desk.scanning.scanner.
system_scanner`). The pages are edited in a :class:`~tthc_desk.ui.page_editor.PageEditor`.

"Lưu bản quét" composes the pages (:func:`tthc_desk.scanning.compose.compose`: seconds for a
long paper) on a worker of the window's task runner, then closes the dialog; the PDF is in
``pdf`` and ``pdf_composed(ComposedPdf)`` carries it. Nothing is stored here: the caller attaches
it to the dossier. Pages scanned by "Quét…" live in a temporary folder removed with the dialog.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.compose import ComposedPdf, compose
from tthc_desk.scanning.pages import SUPPORTED, PageRef
from tthc_desk.scanning.scanner import Scanner, ScannerDevice
from tthc_desk.ui.display import ERROR_COLOR, dialog_buttons, heading_font, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.page_editor import PageEditor
from tthc_desk.ui.scanner_folder import ScannerFolderWatcher, scanner_folder
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

DEFAULT_DPI = 200
BANNER_STYLE = "background: #fff4d6; border: 1px solid #e0a800; border-radius: 4px; padding: 6px;"


class PaperScanDialog(QDialog):
    """One paper's pages; ``pdf_composed(ComposedPdf)`` once "Lưu bản quét" has made its PDF.

    ``watcher``: the scanner folder's watcher to take new files from (default: one over this PC's
    scanner folder, while the dialog is open, when one is set); ``scanner``: a scanner this PC
    reaches directly ("Quét…" is shown only then); ``pages``: pages to start from (a scan being
    redone)."""

    pdf_composed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        paper_name: str,
        parent: QWidget | None = None,
        *,
        scanner: Scanner | None = None,
        watcher: ScannerFolderWatcher | None = None,
        pages: Sequence[PageRef] = (),
        dpi: int = DEFAULT_DPI,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("paperScanDialog")
        self.setWindowTitle(self.tr("Bản quét: {0}").format(paper_name))
        self._runner = runner
        self._scanner = scanner
        self._dpi = dpi
        self._scan_dir: tempfile.TemporaryDirectory[str] | None = None
        #: The PDF made by "Lưu bản quét" (None until then).
        self.pdf: ComposedPdf | None = None
        heading = QLabel(paper_name)
        heading.setObjectName("paperName")
        heading.setFont(heading_font(self.font(), 1.2))
        heading.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setObjectName("scanBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.add_button = QPushButton(self.tr("Thêm tệp…"))
        self.add_button.setToolTip(self.tr("Chọn tệp PDF, JPEG, PNG, TIFF (Ctrl+O)"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        QShortcut(QKeySequence("Ctrl+O"), self).activated.connect(self._on_add_button_clicked)
        self.scan_button = QPushButton(self.tr("Quét…"))
        self.scan_button.setAutoDefault(False)
        self.scan_button.setVisible(scanner is not None)
        self.scan_button.clicked.connect(self._on_scan_button_clicked)
        self.folder_label = muted_label()
        self.folder_label.setObjectName("scannerFolderLabel")
        sources = QHBoxLayout()
        sources.addWidget(self.add_button)
        sources.addWidget(self.scan_button)
        sources.addWidget(self.folder_label, 1)
        self.editor = PageEditor(runner)
        self.editor.list.placeholder = self.tr(
            "Chưa có trang nào.\nKéo thả tệp PDF, JPEG, PNG, TIFF vào đây, bấm “Thêm tệp…” "
            "(Ctrl+O), hoặc quét vào thư mục máy quét: tệp mới quét xong hiện ở đây ngay."
        )
        self.editor.pages_changed.connect(self._on_editor_pages_changed)
        box, self.ok_button, self.cancel_button = dialog_buttons(
            self, self.tr("Lưu bản quét"), self.tr("Hủy")
        )
        self.ok_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(sources)
        layout.addWidget(self.banner)
        layout.addWidget(self.editor, 1)
        layout.addWidget(box)
        self._fit_screen()
        self.watcher = watcher
        self._own_watcher = False
        self._watch(watcher)
        if pages:
            self.editor.add_pages(pages)
        self._on_editor_pages_changed()
        self.finished.connect(self._on_self_finished)
        self.editor.list.setFocus()

    def _fit_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is None:
            self.resize(1100, 680)
        else:
            self.resize(min(1100, screen.width() - 60), min(680, screen.height() - 60))

    # -- the scanner folder ---------------------------------------------------------------------
    def _watch(self, watcher: ScannerFolderWatcher | None) -> None:
        if watcher is None:
            folder = scanner_folder()
            if folder is None:
                self.folder_label.setText(
                    self.tr(
                        "Chưa chọn thư mục máy quét cho máy này (Hệ thống → Thư mục máy quét…)."
                    )
                )
                return
            watcher = ScannerFolderWatcher(folder, self)
            self.watcher, self._own_watcher = watcher, True
        watcher.files_arrived.connect(self._on_watcher_files_arrived)
        watcher.folder_failed.connect(self._on_watcher_folder_failed)
        if watcher.problem:
            self._on_watcher_folder_failed(watcher.problem)
        else:
            self._show_folder()

    def _show_folder(self) -> None:
        assert self.watcher is not None
        self.folder_label.setStyleSheet("")
        self.folder_label.setText(
            self.tr("Thư mục máy quét: {0} — tệp mới quét xong được thêm ngay.").format(
                self.watcher.folder
            )
        )

    def _on_watcher_files_arrived(self, paths: list[Path]) -> None:
        if self.watcher is not None and not self.watcher.problem:
            self._show_folder()
        added = self.editor.add_files(paths)
        if added:
            self.banner.setText(
                self.tr("Đã thêm {0} trang từ thư mục máy quét: {1}.").format(
                    len(added), ", ".join(p.name for p in paths)
                )
            )
            self.banner.show()
            QApplication.alert(self)  # the taskbar button flashes if the window is behind

    def _on_watcher_folder_failed(self, message: str) -> None:
        self.folder_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.folder_label.setText(message)

    # -- files and the scanner ------------------------------------------------------------------
    def add_files(self, paths: Iterable[Path]) -> list[PageRef]:
        """Add every page of ``paths`` at the end (a file that cannot be used is said)."""
        return self.editor.add_files(paths)

    def choose_files(self) -> list[Path]:
        """The system's file dialog (blocking, as it is); tests replace it."""
        patterns = " ".join(f"*{s}" for s in SUPPORTED)
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Chọn tệp bản quét"),
            str(scanner_folder() or ""),
            self.tr("Bản quét ({0})").format(patterns),
        )
        return [Path(n) for n in names]

    def _on_add_button_clicked(self) -> None:
        paths = self.choose_files()
        if paths:
            self.add_files(paths)
        self.editor.list.setFocus()

    def choose_device(self, devices: list[ScannerDevice]) -> ScannerDevice | None:
        """Which scanner, when this PC reaches several (blocking); tests replace it."""
        labels = [d.label for d in devices]
        label, ok = QInputDialog.getItem(
            self, self.tr("Chọn máy quét"), self.tr("Máy quét:"), labels, 0, False
        )
        return devices[labels.index(label)] if ok and label in labels else None

    def scan(self) -> None:
        """Find the scanners (off the GUI thread), then scan every page of the chosen one."""
        scanner = self._scanner
        if scanner is None:
            return
        self._runner.run(
            scanner.devices,
            self._on_devices_found,
            self._on_scan_failed,
            label=self.tr("Tìm máy quét"),
            trigger=self.scan_button,
        )

    def _on_scan_button_clicked(self) -> None:
        self.scan()

    def _on_devices_found(self, devices: list[ScannerDevice]) -> None:
        if not isValid(self) or self._scanner is None:
            return
        if not devices:
            show_error(
                self,
                ScanError(
                    self.tr(
                        "Không thấy máy quét nào. Hãy kiểm tra máy quét đã bật và nối với máy "
                        "tính, rồi bấm “Quét…” lại; hoặc quét vào thư mục máy quét."
                    )
                ),
            )
            return
        device = devices[0] if len(devices) == 1 else self.choose_device(devices)
        if device is None:
            return
        if self._scan_dir is None:
            self._scan_dir = tempfile.TemporaryDirectory(
                prefix="tthc-quet-", ignore_cleanup_errors=True
            )
        folder, scanner, dpi = Path(self._scan_dir.name), self._scanner, self._dpi
        self._runner.run(
            lambda: scanner.scan(device.name, dpi=dpi, folder=folder),
            self._on_pages_scanned,
            self._on_scan_failed,
            label=self.tr("Quét giấy tờ"),
            trigger=self.scan_button,
        )

    def _on_pages_scanned(self, paths: list[Path]) -> None:
        if isValid(self):
            added = self.add_files(paths)
            self.banner.setText(self.tr("Đã quét {0} trang.").format(len(added)))
            self.banner.show()

    def _on_scan_failed(self, exc: BaseException) -> None:
        if isValid(self):
            show_error(self, exc)

    # -- the PDF --------------------------------------------------------------------------------
    def _on_editor_pages_changed(self) -> None:
        self.ok_button.setEnabled(self.editor.count() > 0)

    def accept(self) -> None:
        """Compose the pages off the GUI thread; the dialog closes once the PDF is made."""
        pages = self.editor.pages()
        if not pages or not self.ok_button.isEnabled():
            return
        dpi = self._dpi
        self._runner.run(
            lambda: compose(pages, dpi=dpi),
            self._on_compose_done,
            self._on_compose_failed,
            label=self.tr("Ghép bản quét"),
            trigger=self.ok_button,
        )

    def _on_compose_done(self, pdf: ComposedPdf) -> None:
        if not isValid(self):
            return
        self.pdf = pdf
        self.pdf_composed.emit(pdf)
        super().accept()

    def _on_compose_failed(self, exc: BaseException) -> None:
        if isValid(self):
            show_error(self, exc)

    def _on_self_finished(self, _result: int) -> None:
        if self.watcher is not None:
            if self._own_watcher:
                self.watcher.stop()
            else:
                self.watcher.files_arrived.disconnect(self._on_watcher_files_arrived)
                self.watcher.folder_failed.disconnect(self._on_watcher_folder_failed)
        if self._scan_dir is not None:  # the PDF, if made, holds the pages already
            self._scan_dir.cleanup()
            self._scan_dir = None
