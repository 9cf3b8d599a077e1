"""Losing the office's server while the software runs (issue 12, part 5).

:class:`ServerMonitor` hears the database layer's watch the moment a connection fails or drops
(from whatever thread noticed: relayed to the GUI thread by a queued signal), then tries the
server again off the GUI thread every :data:`RETRY_MS` until it answers; while all is well it
looks every :data:`HEARTBEAT_MS` (once started), so a server gone while nobody clicks is noticed
too. :class:`ServerBanner` is the red line across the top that says so at once; nothing falls
back to a local database (that would give dossier codes of its own): the screens wait, and the
intake form keeps what was typed.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from tthc_desk.services.server_service import ServerService
from tthc_desk.ui.display import ERROR_COLOR

log = logging.getLogger(__name__)

RETRY_MS = 3000
HEARTBEAT_MS = 15_000


class ServerBanner(QFrame):
    """Red, for everyone, while the server cannot be reached."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverBanner")
        self.setStyleSheet(
            f"#serverBanner {{ background: {ERROR_COLOR}; }}"
            "#serverBanner QLabel { color: white; font-weight: bold; }"
        )
        self.text_label = QLabel()
        self.text_label.setObjectName("serverBannerText")
        self.text_label.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.text_label, 1)
        self.hide()

    def show_lost(self, reason: str | None) -> None:
        """``reason``: why the server cannot be reached (None: it answers, hide)."""
        if not reason:
            self.hide()
            return
        self.text_label.setText(
            self.tr(
                "Mất kết nối tới máy chủ cơ sở dữ liệu — đang thử lại; hồ sơ đang nhập vẫn được "
                "giữ (chưa lưu thì chưa có trên máy chủ). {0}"
            ).format(reason)
        )
        self.show()


class ServerMonitor(QObject):
    """``state_changed(reason)``: the reason when the server is lost, None when it is back."""

    state_changed = Signal(object)
    _heard = Signal(object)  # from any thread, queued to this object's (the GUI) thread

    def __init__(self, server: ServerService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = server
        self.retry_ms = RETRY_MS
        self.heartbeat_ms = HEARTBEAT_MS
        self._probing = threading.Lock()
        self._closed = False
        self._heartbeat = False
        self._last: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._heard.connect(self._on_heard)
        self._unsubscribe = server.subscribe(self._heard.emit)
        if server.lost:
            QTimer.singleShot(0, lambda: self._on_heard(server.lost))

    @property
    def lost(self) -> str | None:
        return self._server.lost

    def start(self) -> None:
        """Look at the server regularly even when nobody uses it (after the window shows)."""
        if self._server.watching:
            self._heartbeat = True
            self._schedule()

    def stop(self) -> None:
        self._closed = True
        self._timer.stop()
        self._unsubscribe()

    def _schedule(self) -> None:
        if self._closed:
            return
        if self._server.lost:
            self._timer.start(self.retry_ms)
        elif self._heartbeat:
            self._timer.start(self.heartbeat_ms)

    def _on_heard(self, reason: str | None) -> None:
        if self._closed:
            return
        if reason != self._last:
            self._last = reason
            self.state_changed.emit(reason)
        self._schedule()

    def _on_timer_timeout(self) -> None:
        """Probe on a thread of its own (it may wait a few seconds); the watch tells the
        outcome through ``_heard`` when it changes."""
        if not self._probing.acquire(blocking=False):
            return
        server = self._server

        def probe() -> None:
            try:
                server.probe()
            except Exception:  # a probe must never take the counter down
                log.exception("Probing the database server failed")
            finally:
                self._probing.release()
                if not self._closed:
                    with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                        self._heard.emit(server.lost)

        threading.Thread(target=probe, name="server-probe", daemon=True).start()
