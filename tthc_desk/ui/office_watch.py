"""The live office: says when another counter PC changed the data, so the screens can follow.

A thread of its own waits on :meth:`ChangesService.wait` (SQLite: the change numbers read every
second and a half; PostgreSQL: woken by the server's notification) and emits ``office_changed``
with what changed; the signal reaches the window on the GUI thread, which never waits for the
database here. What this process wrote itself is not reported (its screens refreshed already),
and a burst of saves elsewhere makes at most one refresh a second.

What this process wrote itself is said by ``own_changed`` instead (from the change signal, after
each commit): a screen that shows counts (the attention bar, its summary line) follows a save made
on any other screen of the window, not only the ones that remember to say so.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from tthc_desk.services.changes_service import ChangeMark, ChangesService

log = logging.getLogger(__name__)

#: After a refresh, the next one waits at least this long (seconds).
MIN_GAP_SECONDS = 1.0
#: After a failed read (the server out of reach), the next try waits this long.
RETRY_SECONDS = 5.0


class OfficeWatch(QObject):
    """``office_changed(OfficeChanges)`` when another PC (or process) changed the office's data;
    ``own_changed(frozenset[str])``, the kinds of data, after each of this process's own writes."""

    office_changed = Signal(object)
    own_changed = Signal(object)

    def __init__(self, changes: ChangesService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changes = changes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Emitted on the writing thread; Qt queues it to the window's thread.
        self._changes.watch_own(self._on_own_write)
        self.destroyed.connect(lambda: changes.unwatch_own(self._on_own_write))

    def _on_own_write(self, kinds: frozenset[str]) -> None:
        self.own_changed.emit(kinds)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._changes.watch_own(self._on_own_write)
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="office-watch", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching (the window closes); returns once the thread ended."""
        self._changes.unwatch_own(self._on_own_write)
        thread, self._thread = self._thread, None
        self._stop.set()
        self._changes.wake()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        mark: ChangeMark | None = None
        failing = False
        while not self._stop.is_set():
            try:
                if mark is None:
                    mark = self._changes.mark()
                found = self._changes.wait(mark)
            except Exception as e:  # the server out of reach, the file locked for long
                if not failing:
                    log.warning("Không đọc được thay đổi của các máy khác: %s", e)
                failing = True
                self._stop.wait(RETRY_SECONDS)
                continue
            if failing:
                log.info("Đọc lại được thay đổi của các máy khác")
                failing = False
            mark = found.mark
            if found and not self._stop.is_set():
                self.office_changed.emit(found)
                self._stop.wait(MIN_GAP_SECONDS)
