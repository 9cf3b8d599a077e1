"""Benchmark: the reports upward on the intake benchmark's database (not part of the tests).

Measures, on the database ``bench_intake.py`` made (1,000,000 dossiers by default), each in a
fresh child process so that its peak memory (``ru_maxrss``) is its own:

- the Biểu 06a figures of the last week (``ReportService.compute``, median of ``--runs``);
- the weekly workbook (``write_weekly``: seven sheets, its Chi tiết listing every dossier);
- the figures of this year without the list of dossiers (``compute(dossiers=False)``: what the
  periodic 06a workbook and the reports page read), with the peak memory; and, for comparison,
  with the list (``compute``: a year of ``ReportDossier`` in memory);
- the CLI's year report, ``tthc-desk report period --kind year`` (the whole process);
- the one-off ``tthc-desk facts rebuild`` (``--rebuild``), and the migration 0009 → 0010 of a
  copy of the database still at 0009 (``--migrate-copy DIR``: the copy is migrated, so used up).

Prints a table with the targets of issue 14. Run ``bench_intake.py`` first to make the database;
never point it at a database another run must keep at its revision (opening migrates it).

    python bench/bench_reports.py [--dossiers 1000000] [--data-dir bench/out] [--runs 3]
                                  [--rebuild] [--migrate-copy DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: name → (label, target seconds, target MB); None: no target.
MEASURES: dict[str, tuple[str, float | None, float | None]] = {
    "migrate": ("migration 0009 → 0010 (one-off)", None, None),
    "rebuild": ("tthc-desk facts rebuild (one-off)", None, None),
    "week": ("weekly 06a figures", 1.0, None),
    "workbook": ("weekly workbook (7 sheets)", 2.0, None),
    "year": ("year 06a figures (no list)", 2.0, 250.0),
    "year_listed": ("year 06a figures with its dossiers", None, None),
    "cli_year": ("CLI: tthc-desk report period --kind year", None, 250.0),
}


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def child(measure: str, folder: Path, runs: int) -> dict[str, object]:
    """One measure in this (fresh) process; the services are opened before the clock starts."""
    from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
    from tthc_desk.domain.periods import PeriodKind
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services

    if measure == "migrate":  # the upgrade itself (without the verified backup made before it)
        from tthc_desk.db import migrate
        from tthc_desk.services.data_folder import DataFolder
        from tthc_desk.services.keys import KeyVault
        from tthc_desk.sync.credentials import KeyringStore

        db = DataFolder(AppPaths(folder), KeyVault(KeyringStore())).open(demo=False)
        started = time.perf_counter()
        migrate.upgrade(db.engine)
        upgraded = time.perf_counter() - started
        db.dispose()
        services = open_services(AppPaths(folder), seed=False, demo=True)
        started = time.perf_counter()
        services.facts.ensure()  # the day counts, as the first start after the upgrade makes them
        counted = time.perf_counter() - started
        services.close()
        note = f"0010: {upgraded:.1f} s, then the day counts at the first start: {counted:.1f} s"
        return {
            "seconds": upgraded + counted,
            "peak_mb": _peak_mb(resource.RUSAGE_SELF),
            "note": note,
        }
    services = open_services(AppPaths(folder), seed=False, demo=True)
    try:
        services.facts.ensure()
        services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
        reports = services.reports
        note = ""
        times = []
        for _ in range(1 if measure in ("rebuild", "workbook") else runs):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                if measure == "rebuild":
                    note = f"{services.facts.rebuild():,} dossiers"
                elif measure == "week":
                    report = reports.compute(reports.week())
                    note = f"{reports.week().key}: {len(report.dossiers):,} dossiers"
                elif measure == "workbook":
                    report = reports.write_weekly(reports.week(), Path(tmp) / "w.xlsx")
                    size = (Path(tmp) / "w.xlsx").stat().st_size
                    note = f"{len(report.dossiers):,} rows in Chi tiết, {size / 1e6:.1f} MB"
                elif measure in ("year", "year_listed"):
                    period = reports.period(PeriodKind.YEAR)
                    report = reports.compute(period, dossiers=measure == "year_listed")
                    note = (
                        f"{period.key}: {report.total.received_total:,} dossiers counted, "
                        f"identities hold: {report.total.identities_hold()}"
                    )
                times.append(time.perf_counter() - started)
                report = None  # type: ignore[assignment]  # one report in memory at a time
    finally:
        services.close()
    return {
        "seconds": statistics.median(times),
        "peak_mb": _peak_mb(resource.RUSAGE_SELF),
        "note": note,
    }


def cli_child(folder: Path) -> dict[str, object]:
    """The CLI's year report as a person runs it: its own process, timed from start to end."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TTHC_DESK_DATA_DIR": str(folder)}
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tthc_desk",
                "report",
                "period",
                "--kind",
                "year",
                "-o",
                str(Path(tmp) / "nam.xlsx"),
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    note = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "note": f"exit {done.returncode}: {note[:70]}",
    }


def run_child(measure: str, folder: Path, runs: int) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            measure,
            "--folder",
            str(folder),
            "--runs",
            str(runs),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        return {"seconds": None, "peak_mb": None, "note": done.stderr.strip()[-200:]}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _verdict(value: float | None, target: float | None) -> str:
    if target is None or value is None:
        return ""
    return "PASS" if value <= target else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="measure facts rebuild too")
    parser.add_argument("--migrate-copy", type=Path, default=None, metavar="DIR")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measured = cli_child(args.folder) if args.child == "cli_year" else None
        measured = measured or child(args.child, args.folder, args.runs)
        print(json.dumps(measured))
        return 0
    folder = args.data_dir / f"db-{args.dossiers}"
    if not (folder / "tthc-desk.db").exists():
        print(
            f"No database in {folder}: run bench/bench_intake.py --dossiers {args.dossiers} first.",
            file=sys.stderr,
        )
        return 2
    plan = [(m, folder) for m in ("week", "workbook", "year", "year_listed", "cli_year")]
    if args.rebuild:
        plan.insert(0, ("rebuild", folder))
    if args.migrate_copy is not None:
        plan.insert(0, ("migrate", args.migrate_copy))
    lines = []
    for measure, where in plan:
        result = run_child(measure, where, args.runs)
        label, t_s, t_mb = MEASURES[measure]
        s, mb = result["seconds"], result["peak_mb"]
        lines.append(
            (
                label,
                "—" if s is None else f"{s:.2f} s",  # type: ignore[str-format]
                "" if t_s is None else f"≤ {t_s:g} s",
                _verdict(s, t_s),  # type: ignore[arg-type]
                "—" if mb is None else f"{mb:.0f} MB",  # type: ignore[str-format]
                "" if t_mb is None else f"≤ {t_mb:g} MB",
                _verdict(mb, t_mb),  # type: ignore[arg-type]
                str(result["note"]),
            )
        )
    print(
        f"TTHC Desk reports benchmark — {args.dossiers:,} dossiers, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f}"
    )
    heads = ("measure", "time", "target", "", "peak RSS", "target", "", "note")
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(heads)]
    for line in (heads, *lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
