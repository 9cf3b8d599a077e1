"""Benchmark: the embedded SQLite file and the office's PostgreSQL server side by side, on the same
1,000,000-dossier history (not part of the tests).

    python bench/bench_engines.py --sqlite-dir DIR --postgres-url URL --postgres-dir DIR

For each engine, in a process of its own (so that peak memory is each engine's): accentless search
p50/p95 (the intake benchmark's ~200 realistic queries, limit 50), save + receipt PDF p50/p95
(``--saves`` new applicants), the Biểu 06a figures of the last week (median of ``--runs``) and the
weekly workbook, and the process's peak memory. ``--sqlite-dir`` is a data folder holding the demo
database (``bench_intake.py`` makes one; an encrypted copy needs ``TTHC_DESK_KEY_DIR``);
``--postgres-url`` a database holding the same history (``tthc-desk demo --dossiers 1000000
--seed 1`` run with ``TTHC_DESK_DATABASE_URL``, or ``tthc-desk db copy --to URL``) and
``--postgres-dir`` the data folder used with it. The table is also written to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_SEARCH_P95_MS = 30.0
TARGET_SAVE_MS = 100.0


def child(engine: str, folder: Path, runs: int, saves: int, queries_n: int) -> dict[str, Any]:
    """Runs in the engine's own process: the measures, as a dict."""
    from bench_intake import build_queries, measure_saves, measure_search, percentile

    from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services

    started = time.perf_counter()
    services = open_services(AppPaths(folder), seed=False, demo=True)
    opened = time.perf_counter() - started
    assert services.db.is_sqlite is (engine == "sqlite"), "the wrong engine was opened"
    try:
        services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
        with services.db.session() as s:
            from sqlalchemy import func, select

            from tthc_desk.db.models import DossierRecord

            dossiers = int(s.scalar(select(func.count()).select_from(DossierRecord)) or 0)
        queries = build_queries(services, queries_n, seed=7)
        search_ms, hits = measure_search(services, queries)
        save_ms, first_save = measure_saves(services, saves, seed=11)
        reports = services.reports
        week = reports.week()
        figures = []
        for _ in range(runs):
            t = time.perf_counter()
            report = reports.compute(week)
            figures.append(time.perf_counter() - t)
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            reports.write_weekly(week, Path(tmp) / "tuan.xlsx")
            workbook = time.perf_counter() - t
        return {
            "engine": engine,
            "dossiers": dossiers,
            "open_s": opened,
            "search_p50": percentile(search_ms, 50),
            "search_p95": percentile(search_ms, 95),
            "search_max": max(search_ms),
            "search_hits": sum(hits),
            "save_p50": percentile(save_ms, 50),
            "save_p95": percentile(save_ms, 95),
            "first_save": first_save,
            "week": week.key,
            "week_dossiers": len(report.dossiers),
            "week_total": list(report.total.__dict__.values())[:6],
            "figures_s": statistics.median(figures),
            "workbook_s": workbook,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    finally:
        services.close()


def run_child(
    engine: str, folder: Path, url: str | None, args: argparse.Namespace
) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("TTHC_DESK_DATABASE_URL", None)
    if url:
        env["TTHC_DESK_DATABASE_URL"] = url
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            engine,
            "--folder",
            str(folder),
            "--runs",
            str(args.runs),
            "--saves",
            str(args.saves),
            "--queries",
            str(args.queries),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"the {engine} run failed")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    s, p = results
    rows = [
        ("Dossiers in the database", f"{s['dossiers']:,}", f"{p['dossiers']:,}", ""),
        ("Open (migrate check, journal, seed)", f"{s['open_s']:.2f} s", f"{p['open_s']:.2f} s", ""),
        ("Search p50 (limit 50)", f"{s['search_p50']:.1f} ms", f"{p['search_p50']:.1f} ms", ""),
        (
            "Search p95",
            f"{s['search_p95']:.1f} ms",
            f"{p['search_p95']:.1f} ms",
            f"≤ {TARGET_SEARCH_P95_MS:.0f} ms",
        ),
        ("Search max", f"{s['search_max']:.1f} ms", f"{p['search_max']:.1f} ms", ""),
        ("Save + receipt p50", f"{s['save_p50']:.1f} ms", f"{p['save_p50']:.1f} ms", ""),
        (
            "Save + receipt p95",
            f"{s['save_p95']:.1f} ms",
            f"{p['save_p95']:.1f} ms",
            f"≤ {TARGET_SAVE_MS:.0f} ms",
        ),
        (
            f"06a figures, week {s['week']} (median)",
            f"{s['figures_s']:.2f} s",
            f"{p['figures_s']:.2f} s",
            "as SQLite",
        ),
        ("Weekly workbook", f"{s['workbook_s']:.2f} s", f"{p['workbook_s']:.2f} s", "as SQLite"),
        ("Peak memory (maxrss)", f"{s['peak_mb']:.0f} MB", f"{p['peak_mb']:.0f} MB", "≤ 250 MB"),
    ]
    head = (
        f"TTHC Desk engines benchmark — Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU, {time.strftime('%Y-%m-%d %H:%M')}, {args.queries} queries, "
        f"{args.saves} saves, {args.runs} runs of the week"
    )
    width = max(len(r[0]) for r in rows)
    lines = [head, f"{'Measure':<{width}}  {'SQLite':>10}  {'PostgreSQL':>10}  Target"]
    lines += [f"{a:<{width}}  {b:>10}  {c:>10}  {d}" for a, b, c, d in rows]
    same = s["week_dossiers"] == p["week_dossiers"] and s["week_total"] == p["week_total"]
    lines.append(
        f"The week's 06a on both: {s['week_dossiers']:,} / {p['week_dossiers']:,} dossiers, "
        f"totals {'equal' if same else 'DIFFERENT'}; search hits {s['search_hits']:,} / "
        f"{p['search_hits']:,}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-dir", type=Path)
    parser.add_argument("--postgres-url")
    parser.add_argument("--postgres-dir", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", choices=["sqlite", "postgresql"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        result = child(args.child, args.folder, args.runs, args.saves, args.queries)
        print(json.dumps(result))
        return 0
    if not (args.sqlite_dir and args.postgres_url and args.postgres_dir):
        parser.error("--sqlite-dir, --postgres-url and --postgres-dir are needed")
    results = [
        run_child("sqlite", args.sqlite_dir, None, args),
        run_child("postgresql", args.postgres_dir, args.postgres_url, args),
    ]
    text = table(results, args)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
