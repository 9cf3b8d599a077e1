"""The registers stream from the database to the file: batches in ledger order, the late list
in the order of :func:`late_rows`, progress from a count, and a stop that leaves no file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import chain
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.progress import CancelledError
from tthc_desk.domain.registers import day_start
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _receive_many(services: Services, clock: FixedClock, n: int) -> list[str]:
    codes = []
    for i in range(n):
        clock.set(datetime(2026, 3, 2, 8, 0) + timedelta(minutes=7 * i))
        codes.append(services.dossiers.receive(make_draft(procedure_code="1.001193")).code)
    return codes


def test_ledger_batches_are_the_ledger_in_order(services: Services, clock: FixedClock) -> None:
    codes = _receive_many(services, clock, 7)
    start, end = day_start(MARCH[0]), day_start(MARCH[1] + timedelta(days=1))
    with services.db.read() as uow:
        parts = list(uow.reports.ledger_batches(start, end, size=3))
        assert uow.reports.ledger_count(start, end) == 7
        assert uow.reports.ledger_count(start, end, exact=True) == 7
    assert [len(p) for p in parts] == [3, 3, 1]
    assert [s.code for s in chain.from_iterable(parts)] == codes
    assert [r.code for r in services.registers.ledger_rows(*MARCH)] == codes


def test_ledger_to_excel_reports_progress_and_a_stop_leaves_no_file(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    codes = _receive_many(services, clock, 5)
    heard: list[tuple[int, int]] = []
    out = tmp_path / "out"
    target = out / "so.xlsx"
    n = services.registers.write_ledger(*MARCH, target, progress=lambda d, t: heard.append((d, t)))
    assert n == 5 and heard[0] == (0, 5) and heard[-1] == (5, 5)
    ws = load_workbook(target).active
    assert ws is not None
    assert [c for c in codes if any(c in str(v) for r in ws.values for v in r)] == codes

    again = out / "so-2.xlsx"
    for suffix in (".xlsx", ".pdf"):
        with pytest.raises(CancelledError, match="Đã dừng"):
            services.registers.write_ledger(
                *MARCH, again.with_suffix(suffix), cancelled=lambda: True
            )
    with pytest.raises(CancelledError):
        services.registers.write_late_list(*MARCH, again, cancelled=lambda: True)
    assert sorted(p.name for p in out.iterdir()) == ["so.xlsx"]  # no half file, no .part


def test_late_list_streams_in_the_order_of_late_rows(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    """Settled late first, then still open; each by due moment then code — as late_rows."""
    open_late = services.dossiers.receive(make_draft(procedure_code="1.001193")).code
    settled = services.dossiers.receive(make_draft(procedure_code="1.004873")).code
    clock.set(datetime(2026, 3, 10, 9, 0))
    services.lifecycle.move(settled, MoveRequest(Move.RESULT_READY))  # late
    clock.set(datetime(2026, 3, 12, 9, 0))
    expected = [r.code for r in services.registers.late_rows(*MARCH)]
    assert expected == [settled, open_late]
    heard: list[tuple[int, int]] = []
    target = tmp_path / "gt.xlsx"
    n = services.registers.write_late_list(
        *MARCH, target, progress=lambda d, t: heard.append((d, t))
    )
    assert n == 2 and heard[-1] == (2, 2)
    ws = load_workbook(target).active
    assert ws is not None
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] in expected]
    assert [r[1] for r in rows] == expected
    intro = "có 2 hồ sơ quá hạn (1 hồ sơ đã giải quyết quá hạn, 1 hồ sơ chưa có kết quả)"
    assert any(intro in str(r[0]) for r in ws.iter_rows(values_only=True))  # counted, then written
