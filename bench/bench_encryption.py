"""What encryption at rest costs on the intake benchmark (issue 10). Not part of the tests.

    python bench/bench_encryption.py --from /path/to/db-1000000    # copy, convert, then measure
    python bench/bench_encryption.py                               # reuse <data-dir>/plain, enc

Two copies of the same intake-benchmark database (``bench_intake.py``, 1,000,000 dossiers):
``<data-dir>/plain`` stays unencrypted (its folder state says demo, as the demo database's does;
packed with ``VACUUM INTO`` as the conversion packs the other) and ``<data-dir>/enc`` is converted
by the app itself: the first ``open_services(AppPaths(folder),
demo=False)`` on an unencrypted database of a real office exports it into a SQLCipher file,
verifies it and swaps it in (``DataFolder.open`` → ``files.encrypt_in_place``). With ``--from``
both copies are made again (the source is only read) and that one-time conversion is measured in
a child process: wall time, its steps, peak memory (maxrss).

Then, in ONE run, ``--reps`` repetitions, each of them:

- ``--launches`` launches → usable main window of each copy, taking turns (plain, enc, enc,
  plain, …): ``bench_intake.measure_launch`` (a fresh ``python`` runs the real ``run_gui``
  offscreen, logs in as ``demo``, F3, first page of the list); the repetition's launch time is
  their median, its app memory their largest maxrss;
- one fresh child process that opens both copies with ``open_services(AppPaths(folder),
  demo=True)`` (an encrypted database is opened with its key whatever ``demo`` says), then runs
  each of the same ``--queries`` queries (``bench_intake.build_queries``, drawn once from the
  plain copy; ``DossierService.search``, limit 50) on one copy then the other, and likewise
  ``--saves`` saves + receipts (``receive`` + ``receipt_pdf``), the order flipping every time:
  the machine's load (shared, 2 cores) falls on both alike.

Each figure is the median over the repetitions of that repetition's value (a launch time, a
p50/p95 over the queries or the saves, a maxrss); cost = encrypted / unencrypted − 1 of those
medians, and paired cost = the median over the repetitions of that repetition's encrypted /
unencrypted − 1 (its two figures were measured side by side; the verdict against the 15 % target
is on it). Set
``TTHC_DESK_KEY_DIR`` (and ``PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring`` on a machine
without a keyring) as for ``bench_journal.py``: the journal key and the new database key are
there. The table is also written to ``<data-dir>/latest-encryption.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_intake import (  # noqa: E402
    MARKER,
    build_queries,
    log,
    mark_demo,
    measure_launch,
    percentile,
)

from tthc_desk.db import sqlite  # noqa: E402
from tthc_desk.db.files import FileState, inspect_file  # noqa: E402
from tthc_desk.paths import AppPaths  # noqa: E402

TARGET_COST = 0.15
DB_NAME = "tthc-desk.db"

# The first open of the new code on an unencrypted office database: the conversion.
CONVERT_SCRIPT = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from tthc_desk.db import files
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
marks = {"imports": time.perf_counter() - t0}
encrypt = files.encrypt_in_place

def timed(path, key, progress=None):
    def step(name):
        marks[name] = time.perf_counter() - t0
        if progress:
            progress(name)
    encrypt(path, key, step)
    marks["converted"] = time.perf_counter() - t0

files.encrypt_in_place = timed
services = open_services(AppPaths(Path(sys.argv[1])), demo=sys.argv[2] == "demo")
marks["opened"] = time.perf_counter() - t0
encrypted = services.db.encrypted
services.close()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RESULT " + json.dumps({"marks": marks, "maxrss_kb": rss, "encrypted": encrypted}))
"""

# One repetition of the in-process measures: both copies open in one fresh process, each query
# and each save done on one then the other (the order flips every time), so that the load of the
# machine (shared, 2 cores) falls on both alike, millisecond by millisecond. Each copy has its own
# connections, hence its own SQLite page cache, cold at the start as in bench_intake.py.
PAIR_SCRIPT = r"""
import json, random, sys, time
from pathlib import Path
from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services
from tthc_desk.services.dossier_service import DossierQuery
sys.path.insert(0, sys.argv[4])
from bench_intake import random_draft
names = sys.argv[1].split(",")
folders = dict(zip(names, sys.argv[2].split(","), strict=True))
queries = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
saves = int(sys.argv[5])
services, out = {}, {}
for name in names:
    started = time.perf_counter()
    services[name] = open_services(AppPaths(Path(folders[name])), demo=True)
    out[name] = {"open_s": time.perf_counter() - started, "search_ms": [], "hits": [],
                 "save_ms": [], "encrypted": services[name].db.encrypted}
try:
    for name in names:
        services[name].accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
        for q in queries[:5]:  # as bench_intake: the first touches of the file come from disk
            services[name].dossiers.search(DossierQuery(text=q, limit=50))
    for i, q in enumerate(queries):
        for name in names if i % 2 == 0 else names[::-1]:
            started = time.perf_counter()
            rows = services[name].dossiers.search(DossierQuery(text=q, limit=50))
            out[name]["search_ms"].append((time.perf_counter() - started) * 1000)
            out[name]["hits"].append(len(rows))
    rng = random.Random(int(sys.argv[6]))
    for i in range(saves + 1):
        draft = random_draft(rng)
        for name in names if i % 2 == 0 else names[::-1]:
            svc = services[name]
            started = time.perf_counter()
            dossier = svc.dossiers.receive(draft)
            pdf = svc.printing.receipt_pdf(dossier.code)
            elapsed = (time.perf_counter() - started) * 1000
            assert pdf.startswith(b"%PDF")
            if i > 0:  # the first save of each loads the fonts (see bench_intake.measure_saves)
                out[name]["save_ms"].append(elapsed)
finally:
    for svc in services.values():
        svc.close()
print("RESULT " + json.dumps(out))
"""


def child_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def run_child(script: str, *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=ROOT,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return result
    raise RuntimeError(f"the child failed ({proc.returncode}): {proc.stderr[-3000:]}")


# -- the two copies ------------------------------------------------------------------------------


def make_copies(source: Path, plain: Path, enc: Path) -> dict[str, Any]:
    """Copy ``source``'s database into both folders, then let the app convert ``enc`` (timed) and
    upgrade ``plain`` (demo: stays unencrypted)."""
    if inspect_file(source / DB_NAME) is not FileState.PLAINTEXT:
        raise SystemExit(
            f"{source / DB_NAME} is not an unencrypted database (made before encryption, or "
            "with `tthc-desk --demo demo …`, whose database is <data-dir>/demo/)"
        )
    for folder in (plain, enc):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        if (source / MARKER).exists():
            shutil.copy(source / MARKER, folder / MARKER)
    log(f"Copying {source / DB_NAME} to {enc} …")
    subprocess.run(["cp", "--reflink=auto", str(source / DB_NAME), str(enc / DB_NAME)], check=True)
    # The conversion rewrites the database table by table (sqlcipher_export), which also packs it:
    # the unencrypted copy is packed the same way (VACUUM INTO) so that only the encryption
    # differs (an unpacked copy reads its scattered pages more slowly).
    log(f"Packing {source / DB_NAME} into {plain} (VACUUM INTO) …")
    with closing(sqlite.connect(source / DB_NAME, readonly=True)) as conn:
        sqlite.vacuum_into(conn, plain / DB_NAME)
    mark_demo(plain)  # stays unencrypted, also when the app starts without --demo (the launch)
    log("Converting the encrypted copy (first open of a real office's unencrypted database) …")
    started = time.perf_counter()
    converted = run_child(CONVERT_SCRIPT, str(enc), "office")
    converted["wall_s"] = time.perf_counter() - started
    if not converted["encrypted"] or inspect_file(enc / DB_NAME) is not FileState.SEALED:
        raise RuntimeError(f"{enc} was not encrypted")
    log(f"  {json.dumps(converted)}")
    log("Upgrading the unencrypted copy …")
    upgraded = run_child(CONVERT_SCRIPT, str(plain), "demo")
    if upgraded["encrypted"]:
        raise RuntimeError(f"{plain} was encrypted")
    return converted


# -- measures ------------------------------------------------------------------------------------


@dataclass
class Rep:
    """One repetition on one folder: a launch, then a search + save process."""

    launch_s: float
    app_mb: float
    marks: str
    work: dict[str, Any]

    def figures(self) -> dict[str, float]:
        search, save = self.work["search_ms"], self.work["save_ms"]
        return {
            "launch": self.launch_s,
            "search50": percentile(search, 50),
            "search95": percentile(search, 95),
            "save50": percentile(save, 50),
            "save95": percentile(save, 95),
            "app_mb": self.app_mb,
        }


def summary(reps: list[Rep]) -> dict[str, float]:
    """Median over the repetitions of each repetition's figure."""
    figures = [r.figures() for r in reps]
    return {k: statistics.median(f[k] for f in figures) for k in figures[0]}


ROWS = [
    ("launch", "Launch → usable main window", "s", True),
    ("search50", "Accentless search p50", "ms", False),
    ("search95", "Accentless search p95", "ms", True),
    ("save50", "Save + receipt PDF p50", "ms", False),
    ("save95", "Save + receipt PDF p95", "ms", True),
    ("app_mb", "Peak memory, app process (maxrss)", "MB", True),
]


def fmt(value: float, unit: str) -> str:
    return f"{value:.3f} s" if unit == "s" else f"{value:.1f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="folder of the database to copy")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "encryption")
    parser.add_argument("--reps", type=int, default=11, help="repetitions (each: both copies)")
    parser.add_argument("--launches", type=int, default=3, help="launches of each per repetition")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    data_dir = args.data_dir.resolve()
    plain, enc = data_dir / "plain", data_dir / "enc"
    converted = make_copies(args.source.resolve(), plain, enc) if args.source else None
    if inspect_file(plain / DB_NAME) is not FileState.PLAINTEXT:
        raise SystemExit(f"{plain / DB_NAME} is not an unencrypted database")
    if inspect_file(enc / DB_NAME) is not FileState.SEALED:
        raise SystemExit(f"{enc / DB_NAME} is not an encrypted database")
    folders = {"plain": plain, "enc": enc}

    from tthc_desk.services.container import open_services

    services = open_services(AppPaths(plain), demo=True)
    try:
        queries = build_queries(services, args.queries, args.seed)
    finally:
        services.close()
    queries_file = data_dir / "queries.json"
    queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")

    names = list(folders)
    paths = ",".join(str(folders[n]) for n in names)
    bench_dir = str(ROOT / "bench")
    log("Warm-up: one search pass on both copies (brings the files into the OS cache) …")
    warm = run_child(PAIR_SCRIPT, ",".join(names), paths, str(queries_file), bench_dir, "1", "0")
    for name in names:
        assert warm[name]["encrypted"] == (name == "enc"), f"{name}: {warm[name]}"
    assert warm["plain"]["hits"] == warm["enc"]["hits"], "the copies found different dossiers"

    results: dict[str, list[Rep]] = {"plain": [], "enc": []}
    for rep in range(args.reps):
        order = names if rep % 2 == 0 else names[::-1]
        launches: dict[str, list[tuple[float, int, str]]] = {name: [] for name in names}
        for i in range(args.launches):
            for name in order if i % 2 == 0 else order[::-1]:
                launch, app_rss, marks = measure_launch(folders[name], 1)
                launches[name].append((launch[0], app_rss[0], marks[0]))
        work = run_child(
            PAIR_SCRIPT,
            ",".join(order),
            ",".join(str(folders[n]) for n in order),
            str(queries_file),
            bench_dir,
            str(args.saves),
            str(args.seed + rep),
        )
        for name in order:
            # The repetition's launch: the median of its launches (the app's memory: the largest).
            runs = sorted(launches[name])
            mid = runs[len(runs) // 2]
            r = Rep(mid[0], max(x[1] for x in runs) / 1024, mid[2], work[name])
            results[name].append(r)
            f = r.figures()
            log(
                f"rep {rep + 1} {name:5}: launch {f['launch']:.3f} s, search p50/p95 "
                f"{f['search50']:.1f}/{f['search95']:.1f} ms, save p50/p95 {f['save50']:.1f}/"
                f"{f['save95']:.1f} ms, app {f['app_mb']:.1f} MB ({r.marks})"
            )

    s_plain, s_enc = summary(results["plain"]), summary(results["enc"])
    db_mb = {n: (f / DB_NAME).stat().st_size / 1e6 for n, f in folders.items()}
    lines = [
        f"TTHC Desk encryption cost on the intake benchmark — {platform.python_version()}, "
        f"{os.cpu_count()} CPU, {time.strftime('%Y-%m-%d %H:%M')}, load average at the end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"Databases: unencrypted {db_mb['plain']:,.0f} MB, encrypted {db_mb['enc']:,.0f} MB; "
        f"{args.reps} repetitions, alternating; {len(queries)} queries (limit 50), "
        f"{args.saves} saves per repetition; medians over the repetitions",
    ]
    table = [("Measure", "Unencrypted", "Encrypted", "Cost", "Paired cost", "")]
    pairs = list(zip(results["plain"], results["enc"], strict=True))
    for key, label, unit, targeted in ROWS:
        a, b = s_plain[key], s_enc[key]
        # The same repetition's two figures were measured side by side: the median of their
        # ratios is the steadier estimate on a loaded machine; the verdict is on it.
        paired = statistics.median(e.figures()[key] / p.figures()[key] for p, e in pairs) - 1
        verdict = ("PASS" if paired <= TARGET_COST else "FAIL") if targeted else ""
        table.append(
            (
                label,
                fmt(a, unit),
                fmt(b, unit),
                f"{(b / a - 1) * 100:+.1f} %",
                f"{paired * 100:+.1f} %",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(6)]
    for i, row in enumerate(table):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    for name in ("plain", "enc"):
        each = [r.figures() for r in results[name]]

        def series(key: str, each: list[dict[str, float]] = each) -> str:
            return ", ".join(f"{f[key]:.3f}" if key == "launch" else f"{f[key]:.1f}" for f in each)

        lines.append(
            f"{name}: launches {series('launch')} s; search p95 {series('search95')} ms; "
            f"save p95 {series('save95')} ms; app {series('app_mb')} MB"
        )
    if converted is not None:
        m = converted["marks"]
        lines.append(
            f"One-time conversion (first open after the update, {db_mb['plain']:,.0f} MB): "
            f"{converted['wall_s']:.1f} s wall — export {m['verify'] - m['export']:.1f} s, verify "
            f"{m['swap'] - m['verify']:.1f} s, swap {m['converted'] - m['swap']:.1f} s, then "
            f"migration and start-up {m['opened'] - m['converted']:.1f} s; peak memory "
            f"{converted['maxrss_kb'] / 1024:.1f} MB"
        )
    text = "\n".join(lines)
    print(text)
    (data_dir / "latest-encryption.txt").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
