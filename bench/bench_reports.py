"""Benchmark: the reports upward on the intake benchmark's database (not part of the tests).

Measures, on the database ``bench_intake.py`` made (1,000,000 dossiers by default), the Biểu 06a
figures of the last week, the current quarter and the current year (``ReportService.compute``,
median of ``--runs``), writing the weekly workbook, and the province's roll-up of that workbook
copied as three communes. Prints a table; run ``bench_intake.py`` first to make the database.

    python bench/bench_reports.py [--dossiers 1000000] [--data-dir bench/out] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME  # noqa: E402
from tthc_desk.domain.periods import PeriodKind  # noqa: E402
from tthc_desk.paths import AppPaths  # noqa: E402
from tthc_desk.services.container import open_services  # noqa: E402


def timed(fn, runs: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        result = None  # measure one report in memory at a time
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    folder = args.data_dir / f"db-{args.dossiers}"
    if not (folder / "tthc-desk.db").exists():
        print(
            f"No database in {folder}: run bench/bench_intake.py --dossiers {args.dossiers} first.",
            file=sys.stderr,
        )
        return 2
    services = open_services(AppPaths(folder), seed=False, demo=True)
    rows: list[tuple[str, str, str]] = []
    try:
        services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)  # a person builds the workbook
        reports = services.reports
        for label, period in (
            ("last week", reports.week()),
            ("this quarter", reports.period(PeriodKind.QUARTER)),
            ("this year", reports.period(PeriodKind.YEAR)),
        ):
            seconds, report = timed(lambda p=period: reports.compute(p), args.runs)
            rows.append(
                (
                    f"06a figures, {label} ({period.key})",
                    f"{seconds:.2f} s",
                    f"{len(report.dossiers):,} dossiers, identities hold: "  # type: ignore[attr-defined]
                    f"{all(r.identities_hold() for r in [*report.rows, report.total])}",
                )
            )  # type: ignore[attr-defined]
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            seconds, report = timed(lambda: reports.write_weekly(reports.week(), out / "w.xlsx"), 1)
            size = (out / "w.xlsx").stat().st_size
            rows.append(("weekly workbook (6 sheets)", f"{seconds:.2f} s", f"{size / 1e6:.1f} MB"))
            for name in ("a", "b", "c"):
                shutil.copy(out / "w.xlsx", out / f"{name}.xlsx")
            seconds, result = timed(
                lambda: reports.aggregate(
                    [out / "a.xlsx", out / "b.xlsx", out / "c.xlsx"], out / "tinh.xlsx"
                ),
                1,
            )
            rows.append(
                (
                    "province roll-up of 3 workbooks",
                    f"{seconds:.2f} s",
                    f"{len(result.included)} included, {len(result.problems)} flagged (duplicates)",
                )
            )
    finally:
        services.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"TTHC Desk reports benchmark — {args.dossiers:,} dossiers, "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>8}  {note}")
    print(f"{'peak memory (maxrss)':<{width}}  {peak:>6.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
