"""Benchmark: ``tthc-desk db copy`` of a 1,000,000-dossier office, SQLite → PostgreSQL and back
(not part of the tests).

    TTHC_DESK_KEY_DIR=/tmp/keys PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring \\
        python bench/bench_copy.py --from /path/to/db-1000000 --work /path/to/scratch

``--from`` is a data folder holding the demo database (``bench_intake.py`` makes one); its file
is copied into ``--work`` first (the original is left alone) and opened as an office (an
unencrypted one is encrypted on that first open, as the software does). A durable PostgreSQL
cluster (fsync on, ``tests/pg.py``) is started in ``--work/pg``. Each direction runs in a process
of its own, logged in as the demo's administrator, through ``DbAdminService.copy_to`` (what
``db copy`` runs): every progress line is printed with the seconds since the start, then the
wall time and the process's peak memory (``ru_maxrss``) before and after the copy: memory must
not grow with the number of rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import open_services

folder, url = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
svc = open_services(AppPaths(folder), seed=False)
svc.accounts.login("demo", "demo")
opened = time.perf_counter() - started
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
t0 = time.perf_counter()
def say(line):
    print(f"{time.perf_counter() - t0:8.1f} s  {line}", file=sys.stderr, flush=True)
outcome = svc.db_admin.copy_to(url, say)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
svc.close()
print(json.dumps({"open_s": round(opened, 1), "copy_s": round(outcome.seconds, 1),
                  "rows": outcome.rows, "dossiers": outcome.count("dossiers"),
                  "maxrss_before_mb": before, "maxrss_after_mb": after}))
"""


def run(folder: Path, url: str, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    from tests.pg import Cluster

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--from", dest="source", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--back", action="store_true", help="also copy the server back to SQLite")
    args = ap.parse_args()
    office = args.work / "office"
    if not (office / "tthc-desk.db").exists():
        office.mkdir(parents=True, exist_ok=True)
        for name in ("tthc-desk.db", "tthc-desk.json"):  # the state file names the key
            if (args.source / name).exists():
                shutil.copy2(args.source / name, office / name)
    cluster = Cluster.start(args.work / "pg", durable=True)
    try:
        name = cluster.create_database()
        url = cluster.url(name)
        env = {k: v for k, v in os.environ.items() if k != "TTHC_DESK_DATABASE_URL"}
        figures = {"to_postgresql": run(office, url, env)}
        if args.back:
            back = args.work / "back"
            shutil.rmtree(back, ignore_errors=True)
            env["TTHC_DESK_DATABASE_URL"] = url
            figures["to_sqlite"] = run(
                args.work / "server-side", f"sqlite:///{back}/tthc-desk.db", env
            )
        print(json.dumps(figures, indent=2))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
