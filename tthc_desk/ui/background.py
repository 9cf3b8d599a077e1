"""The work the main window does on its own while it is open, off the GUI thread.

- the apology scan (rules.md: drafts at start-up and at least hourly),
- the counts of what needs attention (every few minutes: dossiers fall due as time passes),
- the weekly report: built, queued and sent from the set weekday (start-up and hourly); never a
  password prompt here — without a stored secret the report waits on the upload page. It is built
  by a child process (``services.worker``): its seconds of work and its memory never touch the
  window's process, which only waits for the answer on a worker thread;
- the data checked against the tamper-evident journal: the last entries at start-up (a few
  milliseconds), and everything when the last full check is a day old or was never made (at
  start-up, then looked at hourly), on a low-priority thread; each outcome is kept
  (``record_check``) for the administrator's banner;
- the database file itself (``HealthService``): a quick check bounded in time at start-up, the
  full ``integrity_check`` once a day on a low-priority thread; a damaged file stops writes and
  the window says so to everyone.
- the old files of ``reports/`` and ``output/`` removed by the retention setting, once at
  start-up, on a low-priority thread (a walk of two folders; unsent reports always stay).

Results come back as signals; the window shows them. The jobs that write (the drafts, the
weekly report and its upload) run as the system identity (``SYSTEM``) inside their worker
thread: they are recorded as the automatic job they are, need none of the rights of the person
at the screen, and still run while the screen is locked or nobody is logged in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

from tthc_desk.domain.access import SYSTEM
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.lifecycle import LetterStatus
from tthc_desk.domain.outbox import OutboxItem
from tthc_desk.services.backup_service import BackupRun
from tthc_desk.services.container import Services
from tthc_desk.services.deadline_service import DeadlineCounts
from tthc_desk.services.health_service import HealthReport
from tthc_desk.services.journal_service import IntegrityReport
from tthc_desk.services.worker import (
    FULL_CHECK_EVERY,
    JOURNAL_CHECK,
    WEEKLY_REPORT,
    ProcessWorker,
    WorkerSpec,
)
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

SCAN_INTERVAL_MS = 60 * 60 * 1000  # rules.md: apology drafts at least hourly while the app runs
COUNTS_INTERVAL_MS = 5 * 60 * 1000
BACKUP_INTERVAL_MS = 5 * 60 * 1000  # the daily time is met within a few minutes
# The first start of the day's backup waits a minute: the first screens come first.
BACKUP_START_DELAY_MS = 60 * 1000


class BackgroundWork(QObject):
    """``counts_loaded(counts, drafts, summary)``; ``report_queued()`` after the weekly report was
    built and queued; ``uploads_done()`` after a send attempt; ``integrity_checked(report)``
    once a check of the journal was kept."""

    counts_loaded = Signal(object, int, bool)
    report_queued = Signal()
    uploads_done = Signal()
    integrity_checked = Signal(object)
    database_checked = Signal(object)
    backup_ran = Signal(object)  # the BackupRun, or None when no backup was due
    backup_failed = Signal(str)  # the reason, in Vietnamese

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        processes: bool | None = None,
    ) -> None:
        """``processes``: build the weekly report and check the whole journal in child
        processes (by default unless the runner is synchronous, as in most tests, where they run
        inline as before)."""
        super().__init__(parent)
        self._services = services
        self._runner = runner
        isolate = not runner.synchronous if processes is None else processes
        #: The child processes of the weekly report and of the full check of the journal;
        #: None: that work is done in this process.
        self.report_worker = ProcessWorker(WEEKLY_REPORT) if isolate else None
        self.journal_worker = ProcessWorker(JOURNAL_CHECK) if isolate else None
        self._scan_timer = QTimer(self)
        self._scan_timer.setInterval(SCAN_INTERVAL_MS)
        self._scan_timer.timeout.connect(self._on_scan_timer_timeout)
        self._counts_timer = QTimer(self)
        self._counts_timer.setInterval(COUNTS_INTERVAL_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self._closing = threading.Event()  # asks a full check under way to stop
        self._full_running = False
        self._file_check_running = False
        #: Held while a backup is taken (the automatic one here, *Sao lưu ngay* in the dialog).
        self.backup_lock = threading.Lock()
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_INTERVAL_MS)
        self._backup_timer.timeout.connect(self.run_backup_schedule)
        self._backup_start = QTimer(self)
        self._backup_start.setSingleShot(True)
        self._backup_start.setInterval(BACKUP_START_DELAY_MS)
        self._backup_start.timeout.connect(self.run_backup_schedule)
        self._backup_running = False

    def start(self) -> None:
        """Once the window shows: scan, count with the summary, the weekly report, the quick
        check of the journal (then the full one when due); then timers."""
        self.scan_letters(summary=True)
        self.run_report_schedule()
        self.check_integrity()
        self.check_database()
        self.clean_old_files()
        self._scan_timer.start()
        self._counts_timer.start()
        self._backup_start.start()
        self._backup_timer.start()

    def stop(self) -> None:
        self._scan_timer.stop()
        self._counts_timer.stop()
        self._backup_timer.stop()
        self._backup_start.stop()
        self._closing.set()
        for worker in (self.report_worker, self.journal_worker):
            if worker is not None:
                worker.stop()  # the next start does it again

    def _on_scan_timer_timeout(self) -> None:
        self.scan_letters()
        self.run_report_schedule()
        self.run_full_check()
        self.run_full_file_check()

    # -- letters and counts -------------------------------------------------------------------
    def scan_letters(self, summary: bool = False) -> None:
        def done(_created: int) -> None:
            self.refresh_counts(summary=summary)

        def failed(exc: BaseException) -> None:
            log.error("Lập phiếu xin lỗi dự thảo không thành công", exc_info=exc)
            self.refresh_counts(summary=summary)

        accounts, apologies = self._services.accounts, self._services.apologies

        def scan() -> int:
            with accounts.acting_as(SYSTEM):
                return apologies.scan()

        self._runner.run(
            scan,
            done,
            failed,
            write=True,
            label=self.tr("Lập phiếu xin lỗi dự thảo"),
        )

    def refresh_counts(self, summary: bool = False) -> None:
        deadlines, apologies = self._services.deadlines, self._services.apologies

        def work() -> tuple[DeadlineCounts, int]:
            return deadlines.counts(), apologies.count(LetterStatus.DRAFT)

        self._runner.run(
            work,
            lambda result: self._emit(self.counts_loaded, result[0], result[1], summary),
            label=self.tr("Đếm hồ sơ cần chú ý"),
        )

    def _alive(self) -> bool:
        """Still a live object: a task finishing after the window (and this) were deleted
        must not emit (Qt raises "Signal source has been deleted")."""
        return shiboken6.isValid(self)

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        if self._alive():
            signal.emit(*args)

    # -- the weekly report --------------------------------------------------------------------
    def run_report_schedule(self) -> None:
        services = self._services
        accounts, reports, outbox, folder = (
            services.accounts,
            services.reports,
            services.outbox,
            services.paths.reports_dir,
        )
        worker = self.report_worker

        def build() -> OutboxItem | None:
            with accounts.acting_as(SYSTEM):
                return reports.run_schedule(outbox, folder)

        def build_elsewhere() -> OutboxItem | None:
            # Nothing due (every hour but one a week), or a child still at it: no process.
            if worker is None or worker.running or reports.scheduled_week() is None:
                return None
            item: OutboxItem | None = worker.run(WorkerSpec.of(services), fallback=build)
            return item

        def send() -> object:
            if outbox.destination() is None or not outbox.due():
                return []
            try:
                with accounts.acting_as(SYSTEM):
                    return outbox.send_due()
            except TthcError as exc:  # no secret without asking, or no destination: a person
                log.info("Gửi báo cáo tự động chưa được: %s", exc)
                return []

        def built(item: object) -> None:
            if not self._alive():
                return
            if item is not None:
                self.report_queued.emit()
            self._runner.run(
                send,
                lambda _results: self._emit(self.uploads_done),
                _log_failure,
                label=self.tr("Gửi báo cáo"),
            )

        # Not on the writer thread: on a large office the figures take seconds, and a clerk's
        # save must not wait for them (the schedule's own writes are two short transactions).
        # In a child process: this thread only waits for its answer, holding neither the GIL
        # nor the memory of the build.
        self._runner.run(
            build if worker is None else build_elsewhere,
            built,
            _log_failure,
            label=self.tr("Lập báo cáo tuần"),
        )

    # -- old files ------------------------------------------------------------------------------
    def clean_old_files(self) -> None:
        """Remove the reports and generated files past their time, as the system."""
        accounts, retention = self._services.accounts, self._services.retention
        attachments = self._services.attachments

        def clean() -> object:
            with accounts.acting_as(SYSTEM):
                try:  # the scans' store: cut-off writes, contents a failed save left unrecorded
                    attachments.tidy_store()
                except Exception:  # logged; the old files are still cleaned, and next start
                    log.warning("Dọn kho bản số hóa không thành công", exc_info=True)
                return retention.cleanup()

        def failed(exc: BaseException) -> None:
            # A bad setting or a locked file: logged; the administrator sees the setting in the
            # settings dialog, and the next start tries again.
            log.warning("Dọn tệp cũ không thành công: %s", exc)

        # Not on the writer thread: it is file work, and its one write (the journal's note of
        # what went) is a short transaction.
        self._runner.run(
            clean, lambda _result: None, failed, low_priority=True, label=self.tr("Dọn tệp cũ")
        )

    # -- the journal ----------------------------------------------------------------------------
    def check_integrity(self) -> None:
        """The quick check of the last entries, kept; then the full check when it is due."""
        accounts, journal = self._services.accounts, self._services.journal

        def quick() -> IntegrityReport:
            with accounts.acting_as(SYSTEM):
                return journal.verify_tail()

        def failed(exc: BaseException) -> None:
            _log_failure(exc)
            self.run_full_check()

        self._runner.run(
            quick,
            lambda report: self._keep(report, then=self.run_full_check),
            failed,
            label=self.tr("Kiểm tra nhanh nhật ký"),
        )

    def run_full_check(self) -> None:
        """Check everything when the last full check is a day old or was never made."""
        if self._full_running:
            return
        accounts, journal, clock = (
            self._services.accounts,
            self._services.journal,
            self._services.clock,
        )
        closing = self._closing

        services, worker = self._services, self.journal_worker

        def due() -> bool:
            last = journal.last_full_check_at()
            return last is None or clock.now() - last >= FULL_CHECK_EVERY

        def full() -> IntegrityReport | None:
            with accounts.acting_as(SYSTEM):
                if not due():
                    return None
                return journal.verify_full(lambda _done, _total: not closing.is_set())

        def full_elsewhere() -> IntegrityReport | None:
            # Minutes of pure Python over every row: in a child, it never holds the GIL here.
            if worker is None or worker.running or not due():
                return None
            report: IntegrityReport | None = worker.run(WorkerSpec.of(services), fallback=full)
            return report

        def done(report: IntegrityReport | None) -> None:
            self._full_running = False
            if report is not None:
                self._keep(report)

        def failed(exc: BaseException) -> None:
            self._full_running = False
            _log_failure(exc)

        self._full_running = True
        self._runner.run(
            full if worker is None else full_elsewhere,
            done,
            failed,
            low_priority=True,
            label=self.tr("Kiểm tra toàn bộ nhật ký"),
        )

    def _keep(self, report: IntegrityReport, then: Callable[[], None] | None = None) -> None:
        """Record ``report`` (as the system) and say so; then ``then``."""
        if not report.ok:
            log.warning("Kiểm tra nhật ký: %s", report.summary())
        accounts, journal = self._services.accounts, self._services.journal

        def record() -> None:
            with accounts.acting_as(SYSTEM):
                journal.record_check(report)

        def recorded(_none: object) -> None:
            self.integrity_checked.emit(report)
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            _log_failure(exc)
            if then is not None:
                then()

        if report.stopped or self._closing.is_set():
            return
        self._runner.run(
            record, recorded, failed, write=True, label=self.tr("Ghi kết quả kiểm tra nhật ký")
        )

    # -- the database file ----------------------------------------------------------------------
    def check_database(self) -> None:
        """The quick check of the file at start-up (bounded in time); then the full one if due."""
        health = self._services.health

        def done(report: HealthReport) -> None:
            self.database_checked.emit(report)
            if report.ok:
                self.run_full_file_check()

        self._runner.run(
            health.start_check,
            done,
            _log_failure,
            low_priority=True,
            label=self.tr("Kiểm tra nhanh tệp cơ sở dữ liệu"),
        )

    def run_full_file_check(self) -> None:
        """The full ``integrity_check`` once a day (minutes on a large ward's file)."""
        health, closing = self._services.health, self._closing
        if self._file_check_running or health.damaged:
            return

        def full() -> HealthReport | None:
            if not health.full_check_due():
                return None
            return health.check(full=True, stop=closing.is_set)

        def done(report: HealthReport | None) -> None:
            self._file_check_running = False
            if report is not None:
                self.database_checked.emit(report)

        def failed(exc: BaseException) -> None:
            self._file_check_running = False
            _log_failure(exc)

        self._file_check_running = True
        self._runner.run(
            full,
            done,
            failed,
            low_priority=True,
            label=self.tr("Kiểm tra toàn bộ tệp cơ sở dữ liệu"),
        )

    # -- the automatic backup -------------------------------------------------------------------
    def run_backup_schedule(self) -> None:
        """Take the automatic backup when it is due (first start of the day, the daily time)."""
        if self._backup_running or self._closing.is_set():
            return
        backups, lock = self._services.backups, self.backup_lock

        def work() -> BackupRun | None:
            if not lock.acquire(blocking=False):  # *Sao lưu ngay* is taking one right now
                return None
            try:
                return backups.run_if_due()
            finally:
                lock.release()

        def done(run: BackupRun | None) -> None:
            self._backup_running = False
            self.backup_ran.emit(run)

        def failed(exc: BaseException) -> None:
            self._backup_running = False
            log.error("Sao lưu tự động không thành công", exc_info=exc)
            message = exc.message if isinstance(exc, TthcError) else str(exc)
            self.backup_failed.emit(message or type(exc).__name__)

        self._backup_running = True
        self._runner.run(work, done, failed, low_priority=True, label=self.tr("Sao lưu tự động"))


def _log_failure(exc: BaseException) -> None:
    log.error("Công việc nền không thành công", exc_info=exc)
