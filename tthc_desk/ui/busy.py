"""What the window shows while work someone waits for is running (ui/tasks.py decides when).

Any task of the window's runner that carries a label and lasts more than 300 ms (a ledger or
report export, an import, a backup, a search over many dossiers) shows, until it ends: the busy
cursor over every window of the application, "Đang xử lý: <label>…" and a moving progress bar at
the right of the status bar. The busy cursor (arrow with an hourglass), not the plain wait
cursor: the window stays usable while the work runs on another thread.

Work done on the GUI thread itself (a small import in a dialog) uses :func:`working`: the same
cursor, and the button that started it disabled, for as long as it lasts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCursor
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QProgressBar, QWidget

from tthc_desk.ui.tasks import TaskRunner


class BusyIndicator(QWidget):
    """The status bar's "Đang xử lý: …" with a moving bar; the busy cursor while shown."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busyIndicator")
        self.label = QLabel()
        self.label.setObjectName("busyLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("busyBar")
        self.bar.setRange(0, 0)  # no end known: the bar moves
        self.bar.setMaximumWidth(120)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        self._cursor = False
        self.hide()
        runner.busy_changed.connect(self._on_runner_busy_changed)

    @property
    def busy(self) -> bool:
        return self._cursor

    def _on_runner_busy_changed(self, label: str) -> None:
        if label:
            self.label.setText(self.tr("Đang xử lý: {0}…").format(label))
            self.show()
            if not self._cursor:
                QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
                self._cursor = True
        else:
            self.hide()
            self._release()

    def _release(self) -> None:
        if self._cursor:
            QApplication.restoreOverrideCursor()
            self._cursor = False

    def stop(self) -> None:
        """The window closes: never leave the application with the busy cursor."""
        self.hide()
        self._release()


@contextmanager
def working(trigger: QWidget | QAction | None = None) -> Iterator[None]:
    """Work on the GUI thread: the busy cursor and ``trigger`` disabled while it lasts."""
    enabled = trigger is not None and trigger.isEnabled()
    if trigger is not None:
        trigger.setEnabled(False)
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        if trigger is not None and enabled:
            trigger.setEnabled(True)
