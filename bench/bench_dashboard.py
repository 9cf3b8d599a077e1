"""Benchmark: the head of office's dashboard on the intake benchmark's database (not a test).

Measures the 12-month trend (summed from the report facts' day counts) first and again, the whole
dashboard of the current month, and the monthly briefing PDF. Run it on a copy of the database
(opening migrates it): ``cp -r /work/bench/db-1000000 /work/bench-me/`` then

    python bench/bench_dashboard.py --data-dir /work/bench-me [--dossiers 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME  # noqa: E402
from tthc_desk.domain.periods import PeriodKind  # noqa: E402
from tthc_desk.paths import AppPaths  # noqa: E402
from tthc_desk.services.container import open_services  # noqa: E402


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    folder = args.data_dir / f"db-{args.dossiers}"
    if not (folder / "tthc-desk.db").exists():
        print(f"No database in {folder}: copy or make one first.", file=sys.stderr)
        return 2
    services = open_services(AppPaths(folder), seed=False, demo=True)
    rows: list[tuple[str, float, str]] = []
    try:
        services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
        dashboard = services.dashboard
        month = dashboard.period(PeriodKind.MONTH)
        seconds, trend = timed(lambda: dashboard.trend(month))
        settled = sum(p.figures.settled for p in trend)
        rows.append(("12-month trend, first", seconds, f"{settled:,} settled in 12 months"))
        seconds, _ = timed(lambda: dashboard.trend(month))
        rows.append(("12-month trend, again", seconds, "from the day counts"))
        seconds, figures = timed(lambda: dashboard.figures(month))
        rows.append(
            (
                f"whole dashboard, {month.key}",
                seconds,
                f"{figures.figures.received:,} dossiers, "
                f"{sum(len(g.dossiers) for g in figures.at_risk)} due in 5 working days",
            )
        )
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "brief.pdf"
            seconds, _ = timed(lambda: dashboard.write_brief(month, target))
            rows.append(("monthly briefing PDF", seconds, f"{target.stat().st_size / 1e3:.0f} kB"))
    finally:
        services.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"TTHC Desk dashboard benchmark — {args.dossiers:,} dossiers")
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>7.2f} s  {note}")
    print(f"{'peak memory (maxrss)':<{width}}  {peak:>5.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
