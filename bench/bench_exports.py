"""Benchmark: the big exports on the intake benchmark's database (not part of the tests).

Each export runs in a fresh child process, so each has its own peak memory (``ru_maxrss`` of
that process, start-up included): the year's ledger (Sổ theo dõi, Mẫu 07) to Excel and to PDF,
the explanation list of late dossiers for the year to Excel, and the province's roll-up of
three copies of the last week's workbook (made first, in a child of its own, not measured).
Prints a table with the targets, and the CPU time each export took (on a shared machine the
wall-clock time says more about the neighbours than about the export). Run ``bench_intake.py``
first to make the database, and point ``--data-dir`` at a copy of it (opening a database
migrates it).

    python bench/bench_exports.py [--dossiers 1000000] [--data-dir bench/out] [--year 2026]
        [--only ledger_xlsx,late_xlsx]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: name: (what it is, target seconds, target MB); None: no target set by the issue.
CASES: dict[str, tuple[str, float | None, float | None]] = {
    "ledger_xlsx": ("year ledger to Excel (Mẫu 07)", 8.0, 250.0),
    "ledger_pdf": ("year ledger to PDF (Mẫu 07)", None, 250.0),
    "late_xlsx": ("explanation list of the year to Excel", None, 250.0),
    "roll_up": ("province roll-up of 3 weekly workbooks", None, 250.0),
}


def _services(folder: Path):  # type: ignore[no-untyped-def]
    from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services

    services = open_services(AppPaths(folder), seed=False, demo=True)
    services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
    return services


def child(case: str, folder: Path, year: int, out: Path) -> dict[str, object]:
    """Run one export in this process; what it made and how long it took."""
    services = _services(folder)
    start, end = date(year, 1, 1), date(year, 12, 31)
    seen: list[tuple[int, int]] = []
    before = resource.getrusage(resource.RUSAGE_SELF)
    started_cpu = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    try:
        registers, reports = services.registers, services.reports
        if case == "weekly":
            reports.write_weekly(reports.week(), out / "weekly.xlsx")
            note = "made"
        elif case == "ledger_xlsx":
            n = registers.write_ledger(start, end, out / "so.xlsx", progress=_keep(seen))
            note = f"{n:,} rows, {len(seen)} progress reports"
        elif case == "ledger_pdf":
            n = registers.write_ledger(start, end, out / "so.pdf", progress=_keep(seen))
            note = f"{n:,} rows, {len(seen)} progress reports"
        elif case == "late_xlsx":
            n = registers.write_late_list(start, end, out / "giai-trinh.xlsx")
            note = f"{n:,} rows"
        elif case == "roll_up":
            files = [out / f"{name}.xlsx" for name in "abc"]
            result = reports.aggregate(files, out / "tinh.xlsx")
            note = f"{len(result.included)} included, {len(result.problems)} flagged (duplicates)"
        else:
            raise SystemExit(f"unknown case {case}")
    finally:
        services.close()
    seconds = time.perf_counter() - started
    made = {
        "ledger_xlsx": "so.xlsx",
        "ledger_pdf": "so.pdf",
        "late_xlsx": "giai-trinh.xlsx",
        "roll_up": "tinh.xlsx",
    }.get(case)
    size = (out / made).stat().st_size if made else 0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    cpu -= started_cpu
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "note": note, "size_mb": size / 1e6}


def _keep(seen: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    return lambda done, total: seen.append((done, total))


def run_child(case: str, args: argparse.Namespace, out: Path) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", case, "--dossiers", str(args.dossiers)]
    command += ["--data-dir", str(args.data_dir), "--year", str(args.year), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{case} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "met" if value <= target else f"missed by {value - target:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    folder = args.data_dir / f"db-{args.dossiers}"
    if args.child:
        print(json.dumps(child(args.child, folder, args.year, args.out)))
        return 0
    if not (folder / "tthc-desk.db").exists():
        print(f"No database in {folder}: run bench/bench_intake.py first.", file=sys.stderr)
        return 2
    chosen = [c for c in args.only.split(",") if c]
    lines = []
    with tempfile.TemporaryDirectory(dir=args.data_dir) as tmp:
        out = Path(tmp)
        if "roll_up" in chosen:
            run_child("weekly", args, out)
            for name in "abc":
                shutil.copy(out / "weekly.xlsx", out / f"{name}.xlsx")
        for case in chosen:
            what, seconds_target, mb_target = CASES[case]
            r = run_child(case, args, out)
            seconds, peak = float(str(r["seconds"])), float(str(r["peak_mb"]))
            lines.append(
                f"{what:<42} {seconds:>7.2f} s {_fmt(seconds_target, 's'):>8} "
                f"{_verdict(seconds, seconds_target):>14}  {peak:>6.0f} MB "
                f"{_fmt(mb_target, 'MB'):>8} {_verdict(peak, mb_target):>14}  "
                f"{float(str(r['cpu'])):>6.2f} s  "
                f"{float(str(r['size_mb'])):.1f} MB file; {r['note']}"
            )
    print(
        f"TTHC Desk exports benchmark — {args.dossiers:,} dossiers, year {args.year}, "
        f"{time.strftime('%Y-%m-%d %H:%M')} (each export in its own process; memory = its "
        "peak RSS)"
    )
    print(
        f"{'export':<42} {'time':>9} {'target':>8} {'':>14}  {'peak':>9} {'target':>8} {'':>14}  "
        f"{'CPU':>8}"
    )
    for line in lines:
        print(line)
    return 0


def _fmt(value: float | None, unit: str) -> str:
    return "—" if value is None else f"≤ {value:g} {unit}"


if __name__ == "__main__":
    raise SystemExit(main())
