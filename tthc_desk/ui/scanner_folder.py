"""The scanner folder of this PC: where the office's copier or scanner saves its scans.

Most copiers and scanners of a commune office save each scan as a file in a shared folder
("scan to folder"). The folder is a setting of this PC (``scanning/folder`` in
:func:`~tthc_desk.ui.login_dialog.pc_settings`), chosen in *Hệ thống → Thư mục máy quét…*
(:class:`ScannerFolderDialog`).

:class:`ScannerFolderWatcher` says which files arrive there (``files_arrived``), each once and
only when the scanner has finished writing it (:class:`~tthc_desk.scanning.folder.FolderInbox`
judges that). The operating system's notice of a change (``QFileSystemWatcher``) makes it look at
once; a timer looks every second anyway, since a notice never comes from some network shares.
A folder that cannot be read is said once (``folder_failed``) and looked for again on each tick:
a share that comes back is used again without a word from the clerk.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.folder import FolderInbox
from tthc_desk.ui.display import dialog_buttons, error_label, muted_label
from tthc_desk.ui.login_dialog import pc_settings

log = logging.getLogger(__name__)

FOLDER_KEY = "scanning/folder"
POLL_MS = 1000


def scanner_folder() -> Path | None:
    """The scanner folder set on this PC (None when none is set)."""
    value = pc_settings().value(FOLDER_KEY, "")
    return Path(value) if isinstance(value, str) and value else None


def set_scanner_folder(folder: Path | None) -> None:
    """Keep ``folder`` as this PC's scanner folder (None: no scanner folder)."""
    settings = pc_settings()
    if folder is None:
        settings.remove(FOLDER_KEY)
    else:
        settings.setValue(FOLDER_KEY, str(folder))
    settings.sync()


class ScannerFolderWatcher(QObject):
    """``files_arrived(list[Path])``: new scan files of ``folder``, settled, oldest first;
    ``folder_failed(str)``: why the folder cannot be read (said once until it can again)."""

    files_arrived = Signal(list)
    folder_failed = Signal(str)

    def __init__(
        self,
        folder: Path,
        parent: QObject | None = None,
        *,
        settle_seconds: float = 1.0,
        poll_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self._settle_seconds = settle_seconds
        #: Why the folder cannot be read ("" when it can).
        self.problem = ""
        self._inbox: FolderInbox | None = None
        self._fs = QFileSystemWatcher(self)
        self._fs.directoryChanged.connect(self._on_fs_directory_changed)
        self._open_inbox()
        self._watch()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        # After a change, look again once the file may have settled (not a whole tick later).
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(round(settle_seconds * 1000) + 100)
        self._settle_timer.timeout.connect(self.poll)

    def stop(self) -> None:
        self._timer.stop()
        self._settle_timer.stop()
        if self._fs.directories():
            self._fs.removePaths(self._fs.directories())

    def poll(self) -> list[Path]:
        """Look at the folder now; returns (and emits) the files that arrived."""
        if self._inbox is None and not self._open_inbox():
            return []
        assert self._inbox is not None
        try:
            arrived = self._inbox.poll()
        except ScanError as exc:
            self._inbox = None
            self._fail(exc.message)
            return []
        if arrived:
            log.info("Scanner folder: %d new file(s)", len(arrived))
            self.files_arrived.emit(arrived)
        return arrived

    def _open_inbox(self) -> bool:
        try:
            self._inbox = FolderInbox(self.folder, settle_seconds=self._settle_seconds)
        except ScanError as exc:
            self._fail(exc.message)
            return False
        if self.problem:
            self.problem = ""
            self._watch()  # the folder is back: ask for its notices again
        return True

    def _fail(self, message: str) -> None:
        if message != self.problem:
            self.problem = message
            log.warning("Scanner folder: %s", message)
            self.folder_failed.emit(message)

    def _watch(self) -> None:
        if not self._fs.directories() and self.folder.is_dir():
            self._fs.addPath(str(self.folder))

    def _on_fs_directory_changed(self, _path: str) -> None:
        self.poll()
        self._settle_timer.start()


class ScannerFolderDialog(QDialog):
    """*Hệ thống → Thư mục máy quét…*: choose this PC's scanner folder, or none.
    ``folder_chosen(Path | None)`` after it was kept."""

    folder_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scannerFolderDialog")
        self.setWindowTitle(self.tr("Thư mục máy quét"))
        self.setMinimumWidth(620)
        intro = QLabel(
            self.tr(
                "Máy photocopy hay máy quét của cơ quan lưu mỗi bản quét thành một tệp trong một "
                "thư mục (thường là thư mục dùng chung trên mạng). Chọn thư mục đó cho máy tính "
                "này: khi đang thêm bản quét cho một giấy tờ, tệp mới quét xong được đưa vào "
                "ngay, không phải tìm tệp."
            )
        )
        intro.setWordWrap(True)
        current = scanner_folder()
        self.folder_edit = QLineEdit("" if current is None else str(current))
        self.folder_edit.setObjectName("scannerFolderEdit")
        self.folder_edit.setPlaceholderText(self.tr("Ví dụ: \\\\may-photo\\scan hoặc D:\\Scan"))
        self.browse_button = QPushButton(self.tr("Chọn thư mục…"))
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.clear_button = QPushButton(self.tr("Không dùng"))
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.clear_button)
        self.error = error_label()
        self.error.setObjectName("scannerFolderError")
        note = muted_label(
            self.tr(
                "Chỉ áp dụng cho máy tính này. Tệp nhận: PDF, JPEG, PNG, TIFF. Bản quét vẫn nằm "
                "trong thư mục này: hãy dọn thư mục theo quy định của cơ quan."
            )
        )
        box, self.ok_button, _cancel = dialog_buttons(self, self.tr("Lưu"), self.tr("Hủy"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(box)

    def chosen(self) -> Path | None:
        text = self.folder_edit.text().strip()
        return Path(text) if text else None

    def choose_folder(self) -> str:
        """The system's folder dialog (blocking, as it is); tests replace it."""
        return QFileDialog.getExistingDirectory(
            self, self.tr("Chọn thư mục máy quét"), self.folder_edit.text()
        )

    def _on_browse_button_clicked(self) -> None:
        chosen = self.choose_folder()
        if chosen:
            self.folder_edit.setText(str(Path(chosen)))

    def _on_clear_button_clicked(self) -> None:
        self.folder_edit.clear()
        self.error.hide()

    def accept(self) -> None:
        folder = self.chosen()
        if folder is not None and not folder.is_dir():
            self.error.setText(
                self.tr(
                    "Không tìm thấy thư mục “{0}”. Hãy kiểm tra đường dẫn (ổ mạng đã kết nối "
                    "chưa) hoặc bấm “Chọn thư mục…”."
                ).format(folder)
            )
            self.error.show()
            self.folder_edit.setFocus()
            return
        set_scanner_folder(folder)
        self.folder_chosen.emit(folder)
        super().accept()
