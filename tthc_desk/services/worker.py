"""The weekly report built in a process of its own, so that the window never waits for it.

Building last week's report reads a week of a large office's history: seconds of work and, on a
million dossiers, hundreds of megabytes. Done in the window's process, that work holds Python's
interpreter lock (the window stutters while it runs) and leaves the process that much bigger.
The window therefore has a child process build it (:class:`WeeklyReportWorker`):
``multiprocessing`` with the *spawn* start method, the same on Windows and Linux and in the frozen
build (whose entry calls ``multiprocessing.freeze_support()`` first, so that the child runs this
module's function instead of the application). The child opens the same data folder
(:class:`WorkerSpec`: the folder, whether it is the demo's, the stopped clock of the tests or of
``--now``) with the same key (this PC's keyring, or the key folder ``TTHC_DESK_KEY_DIR``) or the
same server (the folder's setting, or ``TTHC_DESK_DATABASE_URL``, inherited), builds and queues the
report as the system (``ReportService.run_schedule``: once per office, whatever the number of
counter PCs), sends back the queued item or why it failed, and exits; its memory goes back to
the system with it. Its log goes to ``logs/tthc-desk-worker.log`` of the data folder.

When the child cannot open the database at all (it cannot reach a key this process could), the
report is built here as before rather than not at all.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from logging.handlers import RotatingFileHandler
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tthc_desk.domain.clock import Clock, FixedClock, SystemClock
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.outbox import OutboxItem

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)

#: The child's log, beside the window's (two processes never share one rotating file).
WORKER_LOG = "tthc-desk-worker.log"
#: How often the waiting thread looks whether the child is still alive.
_POLL_SECONDS = 0.5
#: How long a child asked to stop (the window closing, a restore) is given before it is killed.
_STOP_SECONDS = 5.0


class WorkerError(TthcError):
    """The child process failed (the reason in Vietnamese, as the application said it)."""


@dataclass(frozen=True)
class WorkerSpec:
    """What the child needs to open the same office as this process."""

    data_dir: Path
    demo: bool = False
    #: The moment of a stopped clock (tests, ``--now``); None: the system clock.
    now: datetime | None = None

    @classmethod
    def of(cls, services: Services) -> WorkerSpec:
        clock = services.clock
        now = None if isinstance(clock, SystemClock) else clock.now()
        return cls(services.paths.data_dir, services.settings.is_demo(), now)

    def clock(self) -> Clock:
        return SystemClock() if self.now is None else FixedClock(self.now)


@dataclass(frozen=True)
class WorkerOutcome:
    """What the child sends back: the queued item (None: nothing was due, or another counter PC
    has it), or ``error``; ``opened`` False when it could not open the database at all."""

    item: OutboxItem | None = None
    error: str = ""
    opened: bool = True
    #: The child's peak memory (kilobytes; 0 where the system does not say), and its process id.
    peak_rss_kb: int = 0
    pid: int = 0


class WeeklyReportWorker:
    """Builds last week's report, when due, in a child process; one child at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._stopping = False
        #: The outcome of the last child (the benchmark reads its memory).
        self.last: WorkerOutcome | None = None

    @property
    def running(self) -> bool:
        with self._lock:
            return self._process is not None

    def run(self, spec: WorkerSpec, fallback: Callable[[], OutboxItem | None]) -> OutboxItem | None:
        """Build and queue last week's report if it is due, in a child process opening ``spec``;
        blocks until the child ends (call it on a worker thread, never on the GUI thread).
        ``fallback`` builds it in this process when the child cannot open the database. Raises
        :class:`WorkerError` when the child failed; returns None when it was stopped."""
        outcome = self._run_child(spec)
        if outcome is None:
            return None
        self.last = outcome
        if not outcome.opened:
            log.warning("Weekly report built in the window's process: %s", outcome.error)
            return fallback()
        if outcome.error:
            raise WorkerError(outcome.error)
        return outcome.item

    def _run_child(self, spec: WorkerSpec) -> WorkerOutcome | None:
        ctx = multiprocessing.get_context("spawn")
        receiver, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=weekly_child, args=(spec, sender), name="tthc-desk-weekly", daemon=True
        )
        with self._lock:
            self._stopping = False
            process.start()
            self._process = process
        sender.close()  # the child holds the other copy: its exit closes the pipe
        try:
            outcome = _receive(receiver, process)
        finally:
            receiver.close()
            process.join(_STOP_SECONDS)
            with self._lock:
                self._process = None
                stopped = self._stopping
        if outcome is None and not stopped:
            raise WorkerError(
                "Tiến trình lập báo cáo tuần dừng bất thường (mã thoát "
                f"{process.exitcode}); phần mềm sẽ lập lại trong giờ tới."
            )
        return outcome

    def stop(self) -> None:
        """End the child under way, if any (the window closes, a backup is restored): its
        writes are short transactions, rolled back whole; the next start builds the report."""
        with self._lock:
            process, self._stopping = self._process, True
        if process is not None and process.is_alive():
            process.terminate()
            process.join(_STOP_SECONDS)
            if process.is_alive():
                process.kill()


def _receive(receiver: Connection, process: BaseProcess) -> WorkerOutcome | None:
    """The child's outcome, or None when it ended without one (killed, crashed)."""
    while True:
        try:
            if receiver.poll(_POLL_SECONDS):
                outcome = receiver.recv()
                return outcome if isinstance(outcome, WorkerOutcome) else None
        except (EOFError, OSError):  # it exited without a word
            return None
        if not process.is_alive() and not receiver.poll(0):
            return None


# -- the child ----------------------------------------------------------------------------------


def weekly_child(spec: WorkerSpec, sender: Connection) -> None:
    """The child process's work (module level, so that *spawn* can find it by name)."""
    _log_to(spec.data_dir / "logs")
    try:
        outcome = _build(spec)
    except BaseException as exc:  # never die without a word: the window logs it
        log.exception("Weekly report worker failed")
        outcome = WorkerOutcome(error=_reason(exc))
    sender.send(replace(outcome, peak_rss_kb=_peak_rss_kb(), pid=os.getpid()))
    sender.close()


def _build(spec: WorkerSpec) -> WorkerOutcome:
    from tthc_desk.domain.access import SYSTEM
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services

    try:
        services = open_services(AppPaths(spec.data_dir), spec.clock(), seed=False, demo=spec.demo)
    except Exception as exc:
        log.exception("The weekly report worker could not open the database")
        return WorkerOutcome(error=_reason(exc), opened=False)
    try:
        with services.accounts.acting_as(SYSTEM):
            item = services.reports.run_schedule(services.outbox, services.paths.reports_dir)
        log.info("Weekly report: %s", "queued " + item.file_name if item else "nothing due")
        return WorkerOutcome(item)
    finally:
        services.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TthcError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def _log_to(folder: Path) -> None:
    root = logging.getLogger()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            folder / WORKER_LOG, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
        )
    except OSError:  # a folder that cannot be written: the window's own log says the outcome
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _peak_rss_kb() -> int:
    try:
        import resource
    except ImportError:  # Windows
        return 0
    usage: Any = resource.getrusage(resource.RUSAGE_SELF)
    return int(usage.ru_maxrss)
