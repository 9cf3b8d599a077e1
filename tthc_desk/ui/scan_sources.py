"""Where this PC's scans come from, for every paper scan dialog of the window.

The main window keeps one :class:`ScanSources`: one long-lived watcher of the PC's scanner folder
(made at start when the folder is set, made again when it is changed in *Hệ thống → Thư mục máy
quét…*) and the scanner the PC reaches directly, if any. The watcher runs while no dialog is
open, so a paper the clerk scanned *before* pressing "Số hóa…" is not lost: files that arrived
in the last :data:`KEEP_SECONDS` and that no saved scan took yet ("unclaimed") are added to the
next :class:`~tthc_desk.ui.paper_scan_dialog.PaperScanDialog` at once, with a line saying so.
Once a dialog saves its scan, everything that arrived until then is claimed (it was in that
dialog: the clerk kept or deleted each page); a dialog cancelled leaves them for the next one.

A widget reaches the window's sources through its parents (:func:`sources_of`); a dialog made
without a window (tests) falls back to the dialog's own watcher of the folder setting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from tthc_desk.ui.scanner_folder import POLL_MS, ScannerFolderWatcher
from tthc_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the dialog and its page editor load with the first scan, not at start-up
    from tthc_desk.scanning.pages import PageRef
    from tthc_desk.scanning.scanner import Scanner
    from tthc_desk.ui.paper_scan_dialog import PaperScanDialog

log = logging.getLogger(__name__)

#: Files scanned with no dialog open are offered to the next dialog for this long (seconds): a
#: scan older than that belongs to another citizen more likely than to this paper.
KEEP_SECONDS = 15 * 60
#: At most this many unclaimed files are kept (a copier left scanning a whole book).
KEEP_FILES = 50


class ScanSources(QObject):
    """The scanner folder's watcher (``watcher``, None when no folder is set), the scanner
    (``scanner``), and the files that arrived with no scan saved since (:meth:`unclaimed`).

    ``find_scanner`` looks for the scanner when a dialog first needs it (not at start-up);
    ``scanner`` gives one outright."""

    def __init__(
        self,
        folder: Path | None,
        scanner: Scanner | None = None,
        parent: QObject | None = None,
        *,
        find_scanner: Callable[[], Scanner | None] | None = None,
        settle_seconds: float = 1.0,
        poll_ms: int = POLL_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._scanner = scanner
        self._find_scanner = find_scanner
        self._settle_seconds = settle_seconds
        self._poll_ms = poll_ms
        self._clock = clock
        self._arrived: list[tuple[float, Path]] = []
        self.watcher: ScannerFolderWatcher | None = None
        self.set_folder(folder)

    @property
    def scanner(self) -> Scanner | None:
        """The scanner this PC reaches directly (looked for once, on first use)."""
        if self._find_scanner is not None:
            find, self._find_scanner = self._find_scanner, None
            try:
                self._scanner = find()
            except Exception:  # no scanner then: the folder and files still work
                log.exception("Looking for a scanner failed")
        return self._scanner

    def set_folder(self, folder: Path | None) -> None:
        """Watch ``folder`` from now on (None: no scanner folder); files that arrived in the
        previous folder are no longer offered."""
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.deleteLater()
            self.watcher = None
        self._arrived = []
        if folder is not None:
            self.watcher = ScannerFolderWatcher(
                folder, self, settle_seconds=self._settle_seconds, poll_ms=self._poll_ms
            )
            self.watcher.files_arrived.connect(self._on_watcher_files_arrived)
            log.info("Watching the scanner folder %s", folder)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def unclaimed(self) -> list[Path]:
        """Files that arrived lately and that no saved scan took, oldest first."""
        now = self._clock()
        self._arrived = [
            (at, p) for at, p in self._arrived if now - at <= KEEP_SECONDS and p.exists()
        ][-KEEP_FILES:]
        return [p for _at, p in self._arrived]

    def claim(self) -> None:
        """A scan was saved: what arrived until now was in its dialog, so offer it no more."""
        self._arrived = []

    def _on_watcher_files_arrived(self, paths: list[Path]) -> None:
        now = self._clock()
        self._arrived += [(now, Path(p)) for p in paths]

    # -- dialogs -------------------------------------------------------------------------------
    def paper_dialog(
        self,
        runner: TaskRunner,
        paper_name: str,
        parent: QWidget | None = None,
        *,
        pages: Sequence[PageRef] = (),
        files: Sequence[Path] = (),
    ) -> PaperScanDialog:
        """A scan dialog for ``paper_name`` over this PC's folder and scanner, holding the
        unclaimed files (said in its banner), then ``files`` (dropped on the paper's line)."""
        from tthc_desk.ui.paper_scan_dialog import PaperScanDialog

        dialog = PaperScanDialog(
            runner, paper_name, parent, scanner=self.scanner, watcher=self.watcher, pages=pages
        )
        waiting = [p for p in self.unclaimed() if p not in files]
        if waiting:
            added = dialog.add_files(waiting)
            if added:
                dialog.banner.setText(
                    dialog.tr("Đã thêm {0} trang quét trước khi mở cửa sổ này: {1}.").format(
                        len(added), ", ".join(p.name for p in waiting)
                    )
                )
                dialog.banner.show()
        if files:
            dialog.add_files(files)
        dialog.pdf_composed.connect(lambda _pdf: self.claim())
        return dialog


def sources_of(widget: QWidget | None) -> ScanSources | None:
    """The window's scan sources, found through ``widget``'s parents (None outside a window
    that has them)."""
    while widget is not None:
        found = getattr(widget, "scan_sources", None)
        if isinstance(found, ScanSources):
            return found
        widget = widget.parentWidget()
    return None


def paper_dialog(
    runner: TaskRunner,
    paper_name: str,
    parent: QWidget | None,
    *,
    sources: ScanSources | None = None,
    pages: Sequence[PageRef] = (),
    files: Sequence[Path] = (),
) -> PaperScanDialog:
    """A scan dialog for ``paper_name`` over the window's sources (``sources``, else those
    found through ``parent``); without any, the dialog watches the folder setting itself."""
    found = sources or sources_of(parent)
    if found is not None:
        return found.paper_dialog(runner, paper_name, parent, pages=pages, files=files)
    from tthc_desk.ui.paper_scan_dialog import PaperScanDialog

    dialog = PaperScanDialog(runner, paper_name, parent, pages=pages)
    if files:
        dialog.add_files(files)
    return dialog
