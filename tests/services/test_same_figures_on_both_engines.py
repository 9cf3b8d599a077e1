"""One history, two engines, the same figures: the demo's years of dossiers (letters, postal
items, moves) plus a morning of counter work are written into a SQLite file and into a PostgreSQL
database, and every figure the office reports upward must come out the same: the Biểu 06a tables
of a week, a quarter and a year, the ledger, the apology letters, the postal shares."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.moves import MoveRequest
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import DEMO_ACCOUNT, Services, open_services
from tthc_desk.services.demo_service import generate_demo

NOW = datetime(2026, 3, 2, 8, 0)
DOSSIERS = 1500


def _history(services: Services, clock: FixedClock) -> None:
    generate_demo(services, DOSSIERS, seed=7)
    services.accounts.login(DEMO_ACCOUNT.username, DEMO_ACCOUNT.password)
    received = [services.dossiers.receive(make_draft()) for _ in range(3)]
    services.lifecycle.move(received[0].code, MoveRequest(Move.RESULT_READY))
    clock.set(datetime(2026, 3, 4, 9, 0))  # the same-day ones are late now
    services.apologies.scan()


@pytest.fixture
def both(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Services, Services]]:
    opened = []
    for engine in ("sqlite", "postgresql"):
        if engine == "sqlite":
            monkeypatch.delenv("TTHC_DESK_DATABASE_URL")
        else:
            monkeypatch.setenv("TTHC_DESK_DATABASE_URL", database_url)
        clock = FixedClock(NOW)
        svc = open_services(AppPaths(tmp_path / engine), clock, demo=True)
        assert svc.db.is_sqlite is (engine == "sqlite")
        _history(svc, clock)
        opened.append(svc)
    try:
        yield opened[0], opened[1]
    finally:
        for svc in opened:
            svc.close()


def _figures(svc: Services) -> dict[str, Any]:
    reports = svc.reports
    out: dict[str, Any] = {}
    for kind, key in (
        (PeriodKind.WEEK, None),
        (PeriodKind.QUARTER, "2025-Q4"),
        (PeriodKind.YEAR, "2025"),
        (PeriodKind.MONTH, "2026-02"),
    ):
        report = reports.compute(reports.period(kind, key))
        out[f"{kind}:{key}"] = {
            "rows": [asdict(r) for r in report.rows],
            "total": asdict(report.total),
            "extra": asdict(report.extra),
            "targets": [asdict(t) for t in report.targets],
            "dossiers": sorted(d.code for d in report.dossiers),
            "late": sorted(d.code for d in report.late),
            "postal": sorted(i.dossier_code for i in report.postal_items),
        }
    out["ledger"] = [
        asdict(r) for r in svc.registers.ledger_rows(date(2025, 1, 1), date(2026, 3, 4))
    ]
    out["letters"] = sorted(
        (x.dossier_code, x.status, x.original_due_at, x.proposed_due_at, x.number)
        for x in svc.apologies.letters()
    )
    out["postal shares"] = asdict(svc.postal.postal_shares(date(2025, 1, 1), date(2026, 3, 4)))
    return out


@pytest.mark.slow
@pytest.mark.postgresql_only
def test_the_same_history_gives_the_same_figures_on_sqlite_and_postgresql(
    both: tuple[Services, Services],
) -> None:
    on_sqlite, on_postgresql = (_figures(s) for s in both)
    assert on_sqlite["ledger"] and on_sqlite["letters"]  # a history worth comparing
    assert sum(len(v["dossiers"]) for k, v in on_sqlite.items() if ":" in k) > 100
    for what in on_sqlite:
        assert on_postgresql[what] == on_sqlite[what], what
