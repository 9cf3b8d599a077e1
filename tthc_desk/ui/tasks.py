"""Run slow work off the GUI thread and hand the result back on the GUI thread.

Every screen gets one :class:`TaskRunner` from the composition root. Reads (a search over a
million dossiers, a count, rasterising a PDF) run on a shared thread pool; database writes run
on a pool of exactly one thread, so two saves from the same window never race each other for
SQLite's write lock. Long checks nobody waits for (the journal's full check at start-up) run
with ``low_priority`` on a third pool of one low-priority thread, so they never hold up a search.
Results and errors always come back through a queued signal and are
delivered on the GUI thread, where it is safe to touch widgets.

Tests build the runner with ``synchronous=True``: the work runs inline and the callbacks fire
before :meth:`TaskRunner.run` returns, so a test can assert straight after a click.

Each task opens its own database session through the services (the services never share a
session between calls), so running them on another thread is safe.

Busy state, for every task alike: a task with a ``label`` (work someone asked for and waits on;
not ``low_priority``) that is still running after :data:`BUSY_DELAY_MS` makes the runner emit
``busy_changed(label)``, and ``busy_changed("")`` once no such task is left; the window shows it
(ui/busy.py: busy cursor, the label in the status bar, a moving progress bar). ``trigger`` (the
button or menu action that started the task) is disabled until the task ends, so an export is
never started twice by an impatient second click.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

#: Work that lasts longer than this shows the busy state (shorter work would only flicker).
BUSY_DELAY_MS = 300

# What a callback returns is ignored (``show_error`` returns its dialog, a slot may return a flag).
Callback = Callable[[Any], object]
ErrorCallback = Callable[[BaseException], object]


@dataclass
class _Pending:
    on_done: Callback | None
    on_error: ErrorCallback | None
    label: str
    started: float
    shows_busy: bool = False
    trigger: QWidget | QAction | None = None


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from a worker are queued to it."""

    task_finished = Signal(int, object)
    task_failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task_id = task_id
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # reported on the GUI thread, never lost in a worker
            self._relay.task_failed.emit(self._task_id, exc)
        else:
            self._relay.task_finished.emit(self._task_id, result)


class TaskRunner(QObject):
    """``run(fn, on_done, on_error)``: ``fn`` on a worker, the callbacks on the GUI thread.

    ``on_error`` defaults to the runner's ``default_error_handler`` (the main window shows the
    error dialog); without one the error is logged and re-raised into the excepthook.
    """

    task_started = Signal(str)
    task_ended = Signal(str)
    #: The label of the oldest work still running past BUSY_DELAY_MS; "" when none is left.
    busy_changed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self.default_error_handler: ErrorCallback | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._relay = _Relay(self)
        self._relay.task_finished.connect(self._on_relay_task_finished)
        self._relay.task_failed.connect(self._on_relay_task_failed)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(2)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)  # database writes go through one worker, in order
        self._idle = QThreadPool(self)
        self._idle.setMaxThreadCount(1)
        self._idle.setThreadPriority(QThread.Priority.LowestPriority)
        self.busy_label = ""
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._update_busy)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: ErrorCallback | None = None,
        *,
        write: bool = False,
        low_priority: bool = False,
        label: str = "",
        trigger: QWidget | QAction | None = None,
    ) -> int:
        """Start ``fn``; returns a task id (handy to ignore stale answers). ``low_priority``:
        a long read nobody waits for, on its own low-priority thread. ``label``: what the busy
        state says if it lasts; ``trigger``: disabled while it runs."""
        task_id = next(self._ids)
        if trigger is not None and not trigger.isEnabled():
            trigger = None  # disabled by someone else: theirs to enable again
        pending = _Pending(on_done, on_error, label, time.perf_counter())
        pending.shows_busy, pending.trigger = bool(label) and not low_priority, trigger
        self._pending[task_id] = pending
        if trigger is not None:
            trigger.setEnabled(False)
        if label:
            self.task_started.emit(label)
        if pending.shows_busy and not self.synchronous and not self._busy_timer.isActive():
            self._busy_timer.start()
        if self.synchronous:
            try:
                result = fn()
            except Exception as exc:
                self._on_relay_task_failed(task_id, exc)
            else:
                self._on_relay_task_finished(task_id, result)
            return task_id
        pool = self._writer if write else (self._idle if low_priority else self._readers)
        pool.start(_Job(task_id, fn, self._relay))
        return task_id

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every started job is done (used when closing the window)."""
        ok = self._writer.waitForDone(msecs)
        ok = self._idle.waitForDone(msecs) and ok
        return self._readers.waitForDone(msecs) and ok

    def _update_busy(self) -> None:
        """The busy state from the work still running: the oldest that shows it, or none."""
        now = time.perf_counter()
        shown = [
            p.label
            for p in self._pending.values()
            if p.shows_busy and (now - p.started) * 1000 >= BUSY_DELAY_MS - 5
        ]
        label = shown[0] if shown else ""
        if not any(p.shows_busy for p in self._pending.values()):
            self._busy_timer.stop()
        elif not shown:  # work started since: look again when it is due
            self._busy_timer.start()
        if label != self.busy_label:
            self.busy_label = label
            self.busy_changed.emit(label)

    def _end(self, task_id: int) -> _Pending | None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return None
        trigger = pending.trigger
        if trigger is not None and not any(p.trigger is trigger for p in self._pending.values()):
            with contextlib.suppress(RuntimeError):  # its dialog was closed and deleted meanwhile
                trigger.setEnabled(True)
        if pending.shows_busy and self.busy_label:
            self._update_busy()
        return pending

    @Slot(int, object)
    def _on_relay_task_finished(self, task_id: int, result: Any) -> None:
        pending = self._end(task_id)
        if pending is None:
            return
        self._log_duration(pending)
        if pending.on_done is not None:
            pending.on_done(result)

    @Slot(int, object)
    def _on_relay_task_failed(self, task_id: int, exc: BaseException) -> None:
        pending = self._end(task_id)
        if pending is None:
            return
        self._log_duration(pending)
        handler = pending.on_error or self.default_error_handler
        if handler is not None:
            handler(exc)
            return
        log.error("Công việc nền bị lỗi", exc_info=exc)
        raise exc

    def _log_duration(self, pending: _Pending) -> None:
        if pending.label:
            elapsed = time.perf_counter() - pending.started
            log.debug("%s: %.0f ms", pending.label, elapsed * 1000)
            self.task_ended.emit(pending.label)
