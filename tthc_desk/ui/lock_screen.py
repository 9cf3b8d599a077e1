"""The locked screen and the watch that locks it when nobody touches the PC (issue 9 §4).

A citizen at the counter must never see another citizen's data on an unattended screen: after
``idle_lock_minutes`` without a key press or a mouse action anywhere in the application (0:
never), or at once with Ctrl+L, the main window covers itself with :class:`LockScreen`. It shows
the office's name and a login: the person who locked it types their password, or someone else
logs in. Every try is an ``AccountService.login``, so wrong passwords count toward the lock-out.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from tthc_desk.services.container import Services
from tthc_desk.ui.display import heading_font, muted_label
from tthc_desk.ui.login_dialog import LoginForm, office_heading

#: What counts as someone using the PC.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
CHECK_INTERVAL_MS = 5_000


class IdleWatch(QObject):
    """``idle()`` once ``minutes`` pass without input anywhere in the application.

    An application-wide event filter notes the moment of the last input (cheap: no timer is
    restarted per event); a slow timer compares it with the limit. ``clock`` gives monotonic
    seconds (tests set their own)."""

    idle = Signal()

    def __init__(
        self,
        minutes: int,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self._last = clock()
        self._minutes = 0
        self._paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.set_minutes(minutes)

    @property
    def minutes(self) -> int:
        return self._minutes

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def set_minutes(self, minutes: int) -> None:
        """Lock after ``minutes`` without input; 0 never locks."""
        self._minutes = max(0, minutes)
        self._update_timer()

    def pause(self) -> None:
        """While the screen is locked there is nothing to watch."""
        self._paused = True
        self._update_timer()

    def resume(self) -> None:
        self._paused = False
        self._last = self.clock()
        self._update_timer()

    def stop(self) -> None:
        """For good (the window closes): no timer, no filter."""
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def idle_seconds(self) -> float:
        return self.clock() - self._last

    def check(self) -> None:
        if self._paused or not self._minutes:
            return
        if self.idle_seconds() >= self._minutes * 60:
            self.pause()
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self._last = self.clock()
        return False

    def _update_timer(self) -> None:
        if self._minutes and not self._paused:
            self._timer.start()
        else:
            self._timer.stop()


class LockScreen(QWidget):
    """The office's name and a login over the whole window; ``unlocked(Account)`` once
    someone logged in (the same person or another: the window tells them apart)."""

    unlocked = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#lockScreen { background: #0d47a1; }"
            "#lockPanel { background: white; border-radius: 8px; }"
        )
        self.office_label = QLabel(office_heading(services))
        self.office_label.setObjectName("officeName")
        self.office_label.setFont(heading_font(self.font(), 1.5))
        self.office_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.office_label.setWordWrap(True)
        self.state_label = muted_label()
        self.state_label.setObjectName("lockState")
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setWordWrap(False)  # short lines; the panel grows for a long name
        self.form = LoginForm(services)
        self.form.submit_button.setText(self.tr("Mở khóa"))
        self.form.logged_in.connect(self.unlocked)

        panel = QFrame()
        panel.setObjectName("lockPanel")
        panel.setMinimumWidth(520)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        inner.addWidget(self.office_label)
        inner.addWidget(self.state_label)
        inner.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.form.submit_button)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def start(self, username: str | None, full_name: str = "") -> None:
        """Locked while ``username`` was working (None: after a log-out; the name remembered
        on this PC is offered)."""
        if username:
            self.state_label.setText(
                self.tr(
                    "Màn hình đã khóa.\n{0} nhập mật khẩu để mở khóa, hoặc người khác đăng nhập."
                ).format(full_name)
            )
        else:
            self.state_label.setText(self.tr("Đã đăng xuất. Đăng nhập để làm việc."))
        self.office_label.setText(office_heading(self._services))
        self.form.start(username)
