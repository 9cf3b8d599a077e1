"""The weekly report is built by a child process; the window hears the outcome as before.

A real (threaded) task runner, as the application has: the child process opens the same data
folder with the same key (the tests' key folder) or the same server database, builds and queues
last week's report, and the window's ``report_queued`` fires; a failure in the child comes back
as the logged error, with nothing queued.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.services.container import Services
from tthc_desk.services.worker import WEEKLY_REPORT, ProcessWorker, WorkerSpec
from tthc_desk.ui.background import BackgroundWork
from tthc_desk.ui.tasks import TaskRunner

MONDAY = datetime(2026, 3, 9, 8, 0)  # last week's report (2026-W10) is due


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait(60_000)


def test_the_weekly_report_is_built_by_a_child_process_and_the_window_hears_of_it(
    qtbot: QtBot, services: Services, clock: FixedClock, runner: TaskRunner
) -> None:
    services.dossiers.receive(make_draft())
    clock.set(MONDAY)
    work = BackgroundWork(services, runner)
    assert isinstance(work.report_worker, ProcessWorker)  # a threaded runner: the child
    with qtbot.waitSignal(work.report_queued, timeout=120_000):
        work.run_report_schedule()
    qtbot.waitUntil(lambda: not runner.busy, timeout=30_000)  # then the send attempt ends
    [item] = services.outbox.items()
    assert item.period_key == "2026-W10" and item.file_name == "000.17.22.H56_tuan_2026-W10.xlsx"
    assert (services.paths.reports_dir / item.file_name).exists()
    outcome = work.report_worker.last
    assert outcome is not None and outcome.pid not in (0, os.getpid()) and outcome.peak_rss_kb > 0
    assert outcome.result == item
    log = (services.paths.log_dir / "tthc-desk-worker.log").read_text(encoding="utf-8")
    assert f"queued {item.file_name}" in log

    work.report_worker.last = None
    work.run_report_schedule()  # an hour later: nothing due, no process started
    qtbot.waitUntil(lambda: not runner.busy, timeout=30_000)
    assert work.report_worker.last is None and len(services.outbox.items()) == 1


def test_a_failure_in_the_child_is_logged_and_nothing_is_queued(
    qtbot: QtBot,
    services: Services,
    clock: FixedClock,
    runner: TaskRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    services.dossiers.receive(make_draft())
    clock.set(MONDAY)
    services.paths.reports_dir.parent.mkdir(parents=True, exist_ok=True)
    services.paths.reports_dir.write_text("một tệp, không phải thư mục", encoding="utf-8")
    work = BackgroundWork(services, runner)
    queued: list[bool] = []
    work.report_queued.connect(lambda: queued.append(True))
    with caplog.at_level(logging.ERROR, logger="tthc_desk.ui.background"):
        work.run_report_schedule()
        qtbot.waitUntil(lambda: not runner.busy, timeout=120_000)
    assert queued == [] and services.outbox.items() == []
    [record] = [r for r in caplog.records if r.name == "tthc_desk.ui.background"]
    assert record.exc_info is not None and "FileExistsError" in str(record.exc_info[1])
    assert services.reports.scheduled_week() is not None  # the next hourly run tries again


def test_stop_ends_the_child_under_way(services: Services, clock: FixedClock) -> None:
    """The window closing (or a restore) ends the child: the wait returns, nothing is queued,
    and the week is still to be built."""
    services.dossiers.receive(make_draft())
    clock.set(MONDAY)
    worker = ProcessWorker(WEEKLY_REPORT)
    results: list[object] = []
    thread = threading.Thread(
        target=lambda: results.append(worker.run(WorkerSpec.of(services), fallback=lambda: None))
    )
    thread.start()
    for _ in range(200):  # until the child is there
        if worker.running:
            break
        threading.Event().wait(0.01)
    worker.stop()
    thread.join(30)
    assert results == [None] and not worker.running and worker.last is None
    assert services.outbox.items() == [] and services.reports.scheduled_week() is not None
    # The next run builds the week (stopped this early, the child had not claimed it; one
    # stopped while building gives the claim back, or the claim lapses after two hours).
    if sys.platform != "win32":
        item = worker.run(WorkerSpec.of(services), fallback=lambda: None)
        assert item is not None and item.period_key == "2026-W10"


def test_the_full_check_of_the_journal_runs_in_a_child_and_is_kept(
    qtbot: QtBot, services: Services, runner: TaskRunner
) -> None:
    """Minutes of pure Python on a large office: in a child process; the window keeps and
    shows its report as before, and looks again only a day later."""
    services.dossiers.receive(make_draft())
    work = BackgroundWork(services, runner)
    assert services.journal.last_full_check_at() is None
    with qtbot.waitSignal(work.integrity_checked, timeout=120_000) as signal:
        work.run_full_check()
    [report] = signal.args
    assert report.full and report.ok and report.entries > 0
    outcome = work.journal_worker.last
    assert outcome is not None and outcome.pid not in (0, os.getpid())
    assert outcome.result == report
    assert services.journal.last_full_check_at() is not None  # kept by the window
    work.journal_worker.last = None
    work.run_full_check()  # checked today: no process started
    qtbot.waitUntil(lambda: not runner.busy, timeout=30_000)
    assert work.journal_worker.last is None
