"""Benchmark: what a report, an export, a scan and the first minute of the app cost on a big office
(issue 14's table, in one run; not part of the tests).

Each measure runs in a fresh child process, so its wall time includes nothing cached by an
earlier one and its peak memory (``ru_maxrss`` of that child) is the whole process's:

- the weekly Biểu 06a figures (last week) and the weekly workbook (7 sheets);
- the year's figures (``ReportService.compute``) and the year report from the CLI
  (``tthc-desk report period --kind year``);
- the year's ledger (Mẫu 07) to Excel;
- ``tthc-desk late --scan``: the first run and a second one with nothing changed;
- then, when present, ``bench/bench_background.py`` (the GUI's first 30 s: longest stall, peak
  memory of the GUI and worker processes) and ``bench/bench_list.py`` (sorting the dossier list;
  launch with a cold OS cache), run on the same database and printed as they print.

    python bench/bench_period_costs.py --data-dir /path/to/folder-holding-db-1000000 [--year 2026]

The database is the one ``bench/bench_intake.py`` makes (``<data-dir>/db-<N>/``); it is opened as
the demo database, as the other benchmarks do. ``late --scan`` drafts letters in it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One measure in a child: prints a JSON line {"seconds": …, "rows": …} after doing its work; the
# parent adds the child's peak memory from its rusage.
_CHILD = r"""
import json, sys, time
from datetime import date
from pathlib import Path
from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services

folder, what, out, year = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
services = open_services(AppPaths(folder), seed=False, demo=True)
services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
reports = services.reports
rows = None
started = time.perf_counter()
if what == "week":
    rows = reports.compute(reports.week()).total.received_total
elif what == "workbook":
    rows = reports.write_weekly(reports.week(), out).total.received_total
elif what == "year":
    year_period = reports.period(PeriodKind.YEAR, str(year))
    rows = reports.compute(year_period, dossiers=False).total.received_total  # the figures
elif what == "ledger":
    rows = services.registers.write_ledger(date(year, 1, 1), date(year, 12, 31), out)
elif what == "scan":  # the scan itself, in one process: a first run, then nothing changed
    first = services.apologies.scan()
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = services.apologies.scan()
    print(json.dumps({"seconds": seconds, "again": time.perf_counter() - started,
                      "rows": f"{first} drafted, then {again}"}))
    sys.exit(0)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rows": rows}))
"""


def _child_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, the child's peak RSS (MB) and its stdout. ``RUSAGE_CHILDREN`` holds the
    largest of all waited-for children, so each measure runs under a fresh intermediate parent."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "s = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'wall': s, 'rss': rss, 'rc': p.returncode, 'out': p.stdout,"
        " 'err': p.stderr[-2000:]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    info = json.loads(done.stdout.strip().splitlines()[-1])
    if info["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd[:6])} … failed ({info['rc']}):\n{info['err']}")
    return info["wall"], info["rss"], info["out"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--skip-gui", action="store_true", help="only the reports and the scan")
    args = parser.parse_args(argv)
    folder = args.data_dir / f"db-{args.dossiers}"
    if not (folder / "tthc-desk.db").exists():
        print(f"No database in {folder}: run bench/bench_intake.py first.", file=sys.stderr)
        return 2
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    table: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="tthc-bench-") as tmp:
        out = Path(tmp)

        def measure(label: str, what: str, target: str, suffix: str = ".xlsx") -> None:
            path = out / f"{what}{suffix}"
            _wall, rss, stdout = _run(
                [sys.executable, "-c", _CHILD, str(folder), what, str(path), str(args.year)], env
            )
            info = json.loads(stdout.strip().splitlines()[-1])
            print(f"  {label}: {info['seconds']:.2f} s, {rss:.0f} MB", file=sys.stderr, flush=True)
            table.append(
                (label, f"{info['seconds']:.2f} s", f"{rss:.0f} MB", f"{target} ({info['rows']})")
            )

        def cli(label: str, cmd: list[str], target: str) -> None:
            full = [sys.executable, "-m", "tthc_desk", "--data-dir", str(folder), *cmd]
            wall, rss, _ = _run(full, env)
            print(f"  {label}: {wall:.2f} s, {rss:.0f} MB", file=sys.stderr, flush=True)
            table.append((label, f"{wall:.2f} s", f"{rss:.0f} MB", target))

        measure("Weekly 06a figures (last week)", "week", "≤ 1 s")
        measure("Weekly workbook (7 sheets)", "workbook", "≤ 2 s")
        measure(f"Year {args.year} figures", "year", "≤ 2 s, ≤ 250 MB")
        cli(
            f"CLI: report period --kind year --key {args.year}",
            [
                "report",
                "period",
                "--kind",
                "year",
                "--key",
                str(args.year),
                "-o",
                str(out / "year.xlsx"),
            ],
            "≤ 2 s",
        )
        measure(f"Year {args.year} ledger to Excel", "ledger", "≤ 8 s, ≤ 250 MB")
        cli("CLI: late --scan (first run of the day)", ["late", "--scan"], "")
        cli("CLI: late --scan (nothing changed), whole process", ["late", "--scan"], "")
        _wall, rss, stdout = _run(
            [sys.executable, "-c", _CHILD, str(folder), "scan", str(out / "x"), str(args.year)],
            env,
        )
        info = json.loads(stdout.strip().splitlines()[-1])
        table.append(
            (
                "Apology scan in-process: run / nothing changed",
                f"{info['seconds']:.3f} / {info['again']:.3f} s",
                f"{rss:.0f} MB",
                f"≤ 0.2 s when nothing changed ({info['rows']})",
            )
        )

    stamp = time.strftime("%Y-%m-%d %H:%M")
    print(f"TTHC Desk period costs — {args.dossiers:,} dossiers, {os.cpu_count()} CPU, {stamp}")
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    head = ("Measure", "Time", "Peak RSS", "Target (rows)")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    for row in (head, tuple("-" * w for w in widths), *table):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    sys.stdout.flush()
    if not args.skip_gui:
        for script in ("bench_background.py", "bench_list.py"):
            path = ROOT / "bench" / script
            if path.exists():
                print(f"\n== {script} ==", flush=True)
                subprocess.run(
                    [
                        sys.executable,
                        str(path),
                        "--data-dir",
                        str(args.data_dir),
                        "--dossiers",
                        str(args.dossiers),
                    ],
                    cwd=ROOT,
                    check=False,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
