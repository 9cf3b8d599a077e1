"""Tamper-evident journal benchmark on a big database (issue 9 part 6). Not part of the tests.

    python bench/bench_journal.py --from /path/to/old/db-1000000   # copy an old database, upgrade
    python bench/bench_journal.py                                  # reuse <data-dir>/db-1000000

Measures, on the intake benchmark's database (``<data-dir>/db-<N>``, 1,000,000 dossiers):

(a) the one-time upgrade: the first ``open_services(AppPaths(folder), demo=True)`` on a database
    made before the journal (schema 0006): the copy set aside, migration 0007, and the seal of
    the whole history (``JournalService.start`` → ``_seal_existing``); wall time and peak memory
    (maxrss) of a child process that does only that. ``--from DIR`` first copies ``DIR``'s
    ``tthc-desk.db`` over the folder's (never touching ``DIR``); without it, a database that has
    its journal already is not upgraded again and (a) is skipped;
(b) the start-up tail check ``verify_tail()`` (the last 50 entries and the aggregates they
    changed): median and p95 over ``--tail-runs`` runs, after ``--receives`` dossiers were
    received as the demo account (so the tail is made of real intake entries); the receives'
    own p50/p95 (save only, no receipt) is shown too;
(c) the full check ``verify_full(progress)`` of every entry and every protected row: wall time,
    rows per second and peak memory of a child process that does only that; it must report ok;
(d) a tamper check on the same database: one journalled dossier's and one sealed dossier's
    ``due_at`` changed with ``sqlite3`` behind the app's back; ``verify_tail`` must name the
    first, ``verify_full`` both; then both values are put back and ``verify_tail`` is ok again.

The save + receipt cost with the journal is measured by ``bench_intake.py``. The figures and
PASS/FAIL against the targets are printed and kept in ``<data-dir>/latest-journal.txt``.
Set ``TTHC_DESK_KEY_DIR`` (and ``PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring`` on a
machine without a keyring) the same way for every run: the journal key of the database is there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_intake import Row, log, percentile, random_draft  # noqa: E402

from tthc_desk.paths import AppPaths  # noqa: E402

TARGET_TAIL_MS = 50.0
TARGET_MEMORY_MB = 250.0  # the app's memory target: the upgrade and the full check run in it

# The child process of (a): the first start of the new code on the old database.
UPGRADE_SCRIPT = r"""
import json, logging, resource, sys, time
from pathlib import Path
marks = {}
t0 = time.perf_counter()

class Marks(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        for key, start in (("backup", "Database copied aside"), ("migrated", "Migrated"),
                           ("sealed", "Journal started")):
            if message.startswith(start):
                marks[key] = time.perf_counter() - t0

root = logging.getLogger()
root.setLevel(logging.INFO)
root.addHandler(Marks())
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
marks["imports"] = time.perf_counter() - t0
services = open_services(AppPaths(Path(sys.argv[1])), demo=True)
seconds = time.perf_counter() - t0
with services.db.read() as uow:
    entries = uow.journal.count()
    last = uow.journal.last()
services.close()
print("RESULT", json.dumps({
    "seconds": seconds, "marks": marks, "entries": entries,
    "action": last.action if last else "",
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}), flush=True)
"""

# The child process of (c): the full check, as the app runs it off the GUI thread.
VERIFY_SCRIPT = r"""
import json, resource, sys, time
from pathlib import Path
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
services = open_services(AppPaths(Path(sys.argv[1])), demo=True)
services.accounts.use_system()
calls = []
def progress(done, total):
    calls.append(done)
    return None
t0 = time.perf_counter()
report = services.journal.verify_full(progress)
seconds = time.perf_counter() - t0
services.close()
print("RESULT", json.dumps({
    "seconds": seconds, "entries": report.entries, "aggregates": report.aggregates,
    "rows": calls[-1] if calls else 0, "progress_calls": len(calls), "ok": report.ok,
    "problems": [p.kind.value + " " + p.aggregate for p in report.problems][:20],
    "summary": report.summary(),
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}), flush=True)
"""


def run_child(script: str, folder: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, object] = json.loads(line[len("RESULT ") :])
            return result
    raise RuntimeError(f"the child process failed ({proc.returncode}):\n{proc.stderr[-4000:]}")


def has_journal(db_file: Path) -> bool:
    con = sqlite3.connect(db_file)
    try:
        found = con.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'"
        ).fetchone()[0]
    finally:
        con.close()
    return bool(found)


# -- (b) receives, then the tail check -----------------------------------------------------------


def receive_many(services: object, n: int, seed: int) -> tuple[list[float], list[int]]:
    """Receive ``n`` dossiers as the logged-in clerk (as ``bench_intake.measure_saves``, without
    the receipt); returns the save times (ms) and the dossiers' ids."""
    rng = random.Random(seed)
    times: list[float] = []
    ids: list[int] = []
    for _ in range(n):
        draft = random_draft(rng)
        started = time.perf_counter()
        dossier = services.dossiers.receive(draft)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        ids.append(dossier.id)
    return times, ids


def measure_tail(services: object, runs: int) -> tuple[list[float], object]:
    from tthc_desk.domain.access import SYSTEM

    journal = services.journal  # type: ignore[attr-defined]
    with services.accounts.acting_as(SYSTEM):  # type: ignore[attr-defined]
        report = journal.verify_tail()  # the first touches of the file come from disk
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            report = journal.verify_tail()
            times.append((time.perf_counter() - started) * 1000)
    return times, report


# -- (d) tamper ----------------------------------------------------------------------------------


def tamper(db_file: Path, dossier_id: int) -> str:
    """Move one dossier's due date a day on, behind the app's back; returns the old raw value."""
    con = sqlite3.connect(db_file)
    try:
        (old,) = con.execute("SELECT due_at FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
        con.execute(
            "UPDATE dossiers SET due_at = datetime(due_at, '+1 day') WHERE id = ?", (dossier_id,)
        )
        con.commit()
    finally:
        con.close()
    return str(old)


def restore(db_file: Path, dossier_id: int, value: str) -> None:
    con = sqlite3.connect(db_file)
    try:
        con.execute("UPDATE dossiers SET due_at = ? WHERE id = ?", (value, dossier_id))
        con.commit()
    finally:
        con.close()


# -- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="copy this folder's tthc-desk.db (a database made before the journal) first",
    )
    parser.add_argument("--receives", type=int, default=200)
    parser.add_argument("--tail-runs", type=int, default=50)
    parser.add_argument("--no-tamper", action="store_true", help="skip (d)")
    args = parser.parse_args(argv)

    folder = (args.data_dir / f"db-{args.dossiers}").resolve()
    db_file = folder / "tthc-desk.db"
    if args.source is not None:
        log(f"Copying {args.source / 'tthc-desk.db'} to {folder} …")
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("tthc-desk.db-wal", "tthc-desk.db-shm"):
            (folder / name).unlink(missing_ok=True)
        shutil.copyfile(args.source / "tthc-desk.db", db_file)
    if not db_file.exists():
        log(f"No database in {folder}: run bench/bench_intake.py or pass --from.")
        return 2

    rows: list[Row] = []
    notes: list[str] = []
    upgrade: dict[str, object] | None = None
    if not has_journal(db_file):
        log("(a) upgrade: migration 0007 + sealing the history …")
        upgrade = run_child(UPGRADE_SCRIPT, folder)
        log(f"  {upgrade}")
        marks = upgrade["marks"]
        assert isinstance(marks, dict)
        rows.append(
            Row("Upgrade: first open (copy aside + 0007 + seal)", _f(upgrade, "seconds"), "s")
        )
        if "sealed" in marks and "migrated" in marks:
            rows.append(
                Row("  of which sealing the history", marks["sealed"] - marks["migrated"], "s")
            )
        rows.append(
            Row(
                "Upgrade: peak memory (maxrss)",
                _f(upgrade, "maxrss_kb") / 1024,
                "MB",
                TARGET_MEMORY_MB,
            )
        )
        notes.append(
            "Upgrade marks (s from the child's start): "
            + ", ".join(f"{k}={v:.1f}" for k, v in marks.items())
            + f"; seal entry: “{upgrade['action']}”"
        )
    else:
        notes.append("Upgrade: the database has its journal already (pass --from to measure it)")

    from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME, SYSTEM
    from tthc_desk.services.container import open_services

    services = open_services(AppPaths(folder), demo=True)
    try:
        services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
        log(f"(b) {args.receives} receives, then verify_tail × {args.tail_runs} …")
        receive_ms, ids = receive_many(services, args.receives, args.seed)
        tail_ms, tail_report = measure_tail(services, args.tail_runs)
        with services.db.read() as uow:
            entries = uow.journal.count()
        services.close()

        log("(c) verify_full …")
        full = run_child(VERIFY_SCRIPT, folder)
        log(f"  {full}")

        tamper_lines: list[str] = []
        tamper_ok = True
        if not args.no_tamper:
            log("(d) tamper check …")
            journalled, sealed = ids[-1], 1
            old_j = tamper(db_file, journalled)
            old_s = tamper(db_file, sealed)
            services = open_services(AppPaths(folder), demo=True)
            with services.accounts.acting_as(SYSTEM):
                tail_bad = services.journal.verify_tail()
            services.close()
            full_bad = run_child(VERIFY_SCRIPT, folder)
            restore(db_file, journalled, old_j)
            restore(db_file, sealed, old_s)
            services = open_services(AppPaths(folder), demo=True)
            with services.accounts.acting_as(SYSTEM):
                tail_again = services.journal.verify_tail()
            services.close()
            found_tail = [p.kind.value + " " + p.aggregate for p in tail_bad.problems]
            problems = full_bad["problems"]
            assert isinstance(problems, list)
            tamper_ok = (
                found_tail == [f"changed dossier:{journalled}"]
                and f"changed dossier:{journalled}" in problems
                and "sealed dossier" in problems
                and not full_bad["ok"]
                and tail_again.ok
            )
            tamper_lines = [
                f"Tamper (due_at of dossier {journalled}, journalled, and {sealed}, sealed): "
                f"verify_tail found {found_tail}; verify_full found {problems} "
                f"in {_f(full_bad, 'seconds'):.1f} s; after putting them back verify_tail ok: "
                f"{tail_again.ok} → {'PASS' if tamper_ok else 'FAIL'}",
                f"  verify_tail said: {tail_bad.summary()}",
            ]
    finally:
        services.close()

    rows += [
        Row(
            f"Receive p50 ({len(receive_ms)} saves, journalled, no receipt)",
            percentile(receive_ms, 50),
            "ms",
        ),
        Row("Receive p95", percentile(receive_ms, 95), "ms"),
        Row(f"verify_tail median ({len(tail_ms)} runs)", statistics.median(tail_ms), "ms"),
        Row("verify_tail p95", percentile(tail_ms, 95), "ms", TARGET_TAIL_MS),
        Row("verify_full, whole database", _f(full, "seconds"), "s"),
        Row("verify_full rows per second", _f(full, "rows") / _f(full, "seconds") / 1000, "k/s"),
        Row(
            "verify_full peak memory (maxrss)", _f(full, "maxrss_kb") / 1024, "MB", TARGET_MEMORY_MB
        ),
    ]
    full_ok = bool(full["ok"])
    db_mb = sum(f.stat().st_size for f in folder.glob("tthc-desk.db*")) / 1e6
    lines = [
        f"TTHC Desk journal benchmark — {args.dossiers:,} dossiers ({db_mb:,.0f} MB), "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU, "
        f"{time.strftime('%Y-%m-%d %H:%M')}",
    ]
    widths = [max(len(r.cells()[i]) for r in rows) for i in range(4)]
    widths[0] = max(widths[0], len("Measure"))
    header = ("Measure", "Result", "Target", "")
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(r.cells(), widths, strict=True)).rstrip() for r in rows
    ]
    lines += notes
    lines.append(
        f"Tail check: {tail_report.entries} entries, {tail_report.aggregates} aggregates, "  # type: ignore[attr-defined]
        f"ok: {tail_report.ok}; journal holds {entries:,} entries; "  # type: ignore[attr-defined]
        f"tail max {max(tail_ms):.1f} ms; receive max {max(receive_ms):.1f} ms"
    )
    lines.append(
        f"Full check: {_f(full, 'rows'):,.0f} rows ({_f(full, 'entries'):,.0f} entries, "
        f"{_f(full, 'aggregates'):,.0f} aggregates), {_f(full, 'progress_calls'):,.0f} progress "
        f"calls, ok: {full_ok} — {full['summary']}"
    )
    lines += tamper_lines
    text = "\n".join(lines)
    print(text)
    (args.data_dir / "latest-journal.txt").write_text(text + "\n", encoding="utf-8")
    passed = all(r.cells()[3] != "FAIL" for r in rows) and full_ok and tamper_ok
    return 0 if passed else 1


def _f(result: dict[str, object], key: str) -> float:
    value = result[key]
    assert isinstance(value, int | float)
    return float(value)


if __name__ == "__main__":
    sys.exit(main())
