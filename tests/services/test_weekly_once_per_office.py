"""The weekly report is built once per office, not once per counter PC: two processes starting at
the same moment on one database make one workbook and queue one report."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import open_test_services
from tests.second_pc import second_pc_folder
from tthc_desk.domain.clock import FixedClock
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services

# Tuesday 10/03/2026: last week (2026-W10) is due from Monday on.
DUE = datetime(2026, 3, 10, 8, 0)


def _run_schedule(data_dir: str, reports: str, barrier: Any, results: Any) -> None:
    """One counter PC's start-up: the schedule, as the window runs it, after the barrier."""
    svc = open_test_services(AppPaths(Path(data_dir)), FixedClock(DUE), seed=False)
    try:
        barrier.wait(60)
        item = svc.reports.run_schedule(svc.outbox, Path(reports))
        results.put((reports, None if item is None else item.id))
    except BaseException as e:
        results.put((reports, f"error: {type(e).__name__}: {e}"))
        raise
    finally:
        svc.close()


@pytest.mark.slow
def test_two_pcs_starting_at_once_make_one_weekly_report(
    services: Services, data_dir: Path, database_url: str | None, tmp_path: Path
) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    folders = [str(data_dir), str(second_pc_folder(data_dir, database_url))]
    reports = [str(tmp_path / "bao-cao-a"), str(tmp_path / "bao-cao-b")]
    children = [
        ctx.Process(target=_run_schedule, args=(folder, out, barrier, results))
        for folder, out in zip(folders, reports, strict=True)
    ]
    for child in children:
        child.start()
    answers = dict(results.get(timeout=120) for _ in children)
    for child in children:
        child.join(30)
    assert [c.exitcode for c in children] == [0, 0], answers
    built = {out: item for out, item in answers.items() if item is not None}
    assert len(built) == 1, answers  # one PC built and queued it, the other left it
    [(folder, item_id)] = built.items()
    assert isinstance(item_id, int)
    assert [p.name for p in Path(folder).iterdir()] == ["000.17.22.H56_tuan_2026-W10.xlsx"]
    other = next(out for out in reports if out != folder)
    assert not Path(other).exists() or not list(Path(other).iterdir())
    [item] = services.outbox.items()
    assert (item.id, item.period_key, item.version) == (item_id, "2026-W10", 1)
    assert list(services.reports.built_weeks()) == ["2026-W10"]


def test_a_claim_is_given_back_when_the_build_fails_and_lapses_when_its_pc_died(
    services: Services, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(DUE)
    reports = services.reports

    def broken(*_args: object) -> None:
        raise OSError("đĩa đầy")

    with monkeypatch.context() as m:
        m.setattr(type(reports), "write_weekly", broken)
        with pytest.raises(OSError):
            reports.run_schedule(services.outbox, tmp_path / "a")
    # Given back: the next run (on any PC) builds it.
    assert reports.run_schedule(services.outbox, tmp_path / "a") is not None
    assert reports.run_schedule(services.outbox, tmp_path / "a") is None  # done: once

    # Next week a PC takes the job and dies before it is built: the others leave it …
    clock.set(DUE + timedelta(days=7))
    week = reports.scheduled_week()
    assert week is not None and reports._claim_week(week)
    assert reports.run_schedule(services.outbox, tmp_path / "b") is None
    clock.set(DUE + timedelta(days=7, hours=1))
    assert reports.run_schedule(services.outbox, tmp_path / "b") is None
    # … until the claim lapses; then one of them builds it.
    clock.set(DUE + timedelta(days=7, hours=2, minutes=1))
    item = reports.run_schedule(services.outbox, tmp_path / "b")
    assert item is not None and item.period_key == "2026-W11"
