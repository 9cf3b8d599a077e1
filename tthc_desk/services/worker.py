"""Heavy background work in a process of its own, so that the window never waits for it.

Building last week's report reads a week of a large office's history: seconds of work and, on a
million dossiers, hundreds of megabytes; the daily full check of the journal reads every
protected row and computes its keyed digest, minutes of pure Python. Done in the window's process,
that work holds Python's interpreter lock (the window stutters while it runs) and leaves the
process that much bigger. The window therefore has a child process do each
(:class:`ProcessWorker`, one per kind of job: :data:`WEEKLY_REPORT`, :data:`JOURNAL_CHECK`):
``multiprocessing`` with the *spawn* start method, the same on Windows and Linux and in the frozen
build (whose entry calls ``multiprocessing.freeze_support()`` first, so that the child runs this
module's function instead of the application). The child opens the same data folder
(:class:`WorkerSpec`: the folder, whether it is the demo's, the stopped clock of the tests or of
``--now``) with the same key (this PC's keyring, or the key folder ``TTHC_DESK_KEY_DIR``) or the
same server (the folder's setting, or ``TTHC_DESK_DATABASE_URL``, inherited), builds and queues the
report as the system (``ReportService.run_schedule``: once per office, whatever the number of
counter PCs) or checks the journal, sends back the queued item, the check's report or why it
failed, and exits; its memory goes back to the system with it. Its log goes to
``logs/tthc-desk-worker.log`` of the data folder. It runs below the window's priority, so that on
a two-core counter PC the window's thread gets the processor first.

When the child cannot open the database at all (it cannot reach a key this process could), the
work is done here as before rather than not at all (``fallback``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from logging.handlers import RotatingFileHandler
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tthc_desk.domain.clock import Clock, FixedClock, SystemClock
from tthc_desk.domain.errors import TthcError

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from tthc_desk.services.container import Services

log = logging.getLogger(__name__)

#: The child's log, beside the window's (two processes never share one rotating file).
WORKER_LOG = "tthc-desk-worker.log"
#: How often the waiting thread looks whether the child is still alive.
_POLL_SECONDS = 0.5
#: How long a child that has sent its answer is given to exit.
_STOP_SECONDS = 5.0
#: How long a child asked to stop (the window closing, a restore) is given before it is killed:
#: the window's thread waits that long at most.
_TERM_GRACE_SECONDS = 1.0
#: The jobs a child can do (:func:`_weekly_report`, :func:`_journal_check`).
WEEKLY_REPORT = "weekly-report"
JOURNAL_CHECK = "journal-check"


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
    """What the child sends back: the job's result (the queued item, None when nothing was due
    or another counter PC has it; the journal check's report, None when none was due), or
    ``error``; ``opened`` False when it could not open the database at all."""

    result: Any = None
    error: str = ""
    opened: bool = True
    #: The child's peak memory (kilobytes; 0 where the system does not say), and its process id.
    peak_rss_kb: int = 0
    pid: int = 0


class ProcessWorker:
    """Does one kind of job (``job``: :data:`WEEKLY_REPORT`, :data:`JOURNAL_CHECK`) in a child
    process; one child at a time."""

    def __init__(self, job: str) -> None:
        if job not in _JOBS:
            raise ValueError(f"unknown job {job!r}")
        self.job = job
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._stopping = False
        #: The outcome of the last child (the benchmark reads its memory).
        self.last: WorkerOutcome | None = None

    @property
    def running(self) -> bool:
        with self._lock:
            return self._process is not None

    def run(self, spec: WorkerSpec, fallback: Callable[[], Any]) -> Any:
        """Do the job in a child process opening ``spec``; blocks until the child ends (call it
        on a worker thread, never on the GUI thread). ``fallback`` does it in this process when
        the child cannot open the database. Raises :class:`WorkerError` when the child failed;
        returns None when it was stopped (:meth:`stop`)."""
        outcome = self._run_child(spec)
        if outcome is None:
            return None
        self.last = outcome
        if not outcome.opened:
            log.warning("Job %s done in the window's process: %s", self.job, outcome.error)
            return fallback()
        if outcome.error:
            raise WorkerError(outcome.error)
        return outcome.result

    def _run_child(self, spec: WorkerSpec) -> WorkerOutcome | None:
        ctx = multiprocessing.get_context("spawn")
        receiver, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=child_main, args=(self.job, spec, sender), name=f"tthc-desk-{self.job}"
        )
        process.daemon = True  # never outlives the window
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
                f"Tiến trình chạy nền ({_WHAT[self.job]}) dừng bất thường (mã thoát "
                f"{process.exitcode}); phần mềm sẽ làm lại trong giờ tới."
            )
        return outcome

    def stop(self) -> None:
        """End the child under way, if any (the window closes, a backup is restored): its
        writes are short transactions, rolled back whole; the next start builds the report."""
        with self._lock:
            process, self._stopping = self._process, True
        if process is not None and process.is_alive():
            process.terminate()
            process.join(_TERM_GRACE_SECONDS)
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


def child_main(job: str, spec: WorkerSpec, sender: Connection) -> None:
    """The child process's work (module level, so that *spawn* can find it by name)."""
    if sys.platform != "win32":
        # Asked to stop (the window closing): unwind as an exit, so that the work in hand lets
        # go of what it holds (the weekly report gives its claim back for the next run) — when
        # Python gets control before the kill that follows; else the claim lapses in two hours.
        signal.signal(signal.SIGTERM, _exit_on_term)
    _lower_priority()
    _log_to(spec.data_dir / "logs")
    try:
        outcome = _run_job(job, spec)
    except BaseException as exc:  # never die without a word: the window logs it
        log.exception("Background job %s failed", job)
        outcome = WorkerOutcome(error=_reason(exc))
    sender.send(replace(outcome, peak_rss_kb=_peak_rss_kb(), pid=os.getpid()))
    sender.close()


def _run_job(job: str, spec: WorkerSpec) -> WorkerOutcome:
    from tthc_desk.domain.access import SYSTEM
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services

    try:
        services = open_services(AppPaths(spec.data_dir), spec.clock(), seed=False, demo=spec.demo)
    except Exception as exc:
        log.exception("The background job %s could not open the database", job)
        return WorkerOutcome(error=_reason(exc), opened=False)
    try:
        with services.accounts.acting_as(SYSTEM):
            return WorkerOutcome(_JOBS[job](services))
    finally:
        services.close()


def _weekly_report(services: Services) -> Any:
    """Last week's report built and queued when due (None: nothing to do)."""
    item = services.reports.run_schedule(services.outbox, services.paths.reports_dir)
    log.info("Weekly report: %s", "queued " + item.file_name if item else "nothing due")
    return item


def _journal_check(services: Services) -> Any:
    """The full check of the journal when the last one is a day old or was never made (None:
    not due). The window keeps its report (``record_check``)."""
    last = services.journal.last_full_check_at()
    if last is not None and services.clock.now() - last < FULL_CHECK_EVERY:
        return None
    report = services.journal.verify_full()
    log.info("Journal check: %s", report.summary())
    return report


#: How often the journal is checked in full (start-up, then looked at hourly).
FULL_CHECK_EVERY = timedelta(hours=24)
_JOBS: dict[str, Callable[[Services], Any]] = {
    WEEKLY_REPORT: _weekly_report,
    JOURNAL_CHECK: _journal_check,
}
_WHAT = {WEEKLY_REPORT: "lập báo cáo tuần", JOURNAL_CHECK: "kiểm tra toàn bộ nhật ký"}


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


def _exit_on_term(_signum: int, _frame: object) -> None:
    raise SystemExit(1)


def _lower_priority() -> None:
    """Below the window for the processor: on a two-core counter PC the window's thread comes
    first whenever both want to run (Windows: below normal; elsewhere: nice 10)."""
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x4000
            kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 (Windows only: no stub)
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
        else:
            os.nice(10)
    except (OSError, AttributeError):  # not allowed here: the same priority as the window
        log.debug("Could not lower the background job's priority", exc_info=True)


def _peak_rss_kb() -> int:
    """This process's peak resident memory, in kilobytes (0 where the system does not say).

    Linux: ``VmHWM``, the peak of this program's own memory; not ``ru_maxrss``, which is kept
    across the ``exec`` that started it and so counts the parent's memory at the fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0
    usage: Any = resource.getrusage(resource.RUSAGE_SELF)
    return int(usage.ru_maxrss)
