"""Backup benchmark on the big database (issue 10 part 3). Not part of the tests.

    TTHC_DESK_KEY_DIR=/path/to/keys python bench/bench_backup.py --folder /path/to/db-1000000

Measures, in a child process on a data folder whose database holds 1,000,000 dossiers
(encrypted: convert a copy first by opening it once with ``open_services(..., demo=False)``):

(a) the copy: SQLite's backup API inside one read transaction with the row counts of every
    table (``SqliteBackup.copy``), wall time and the copy's size;
(b) the verification (``backup_service.verify_file``): open with the key, ``PRAGMA
    integrity_check``, row counts compared, the journal's chain of signatures;
(c) the SHA-256 of the file kept in the sidecar;
(d) the whole ``BackupService.run()`` as the system (copy, verification, sidecar, retention);
and the child's peak memory (maxrss). The database is only read; the backups are written to the
folder's ``backups`` and removed at the end. Set ``PYTHON_KEYRING_BACKEND=
keyring.backends.null.Keyring`` on a machine without a keyring, as for the other benches.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from tthc_desk.db import files
from tthc_desk.db.backups import SqliteBackup, sha256_file
from tthc_desk.domain.access import SYSTEM
from tthc_desk.paths import AppPaths
from tthc_desk.services.backup_service import sidecar_of, verify_file
from tthc_desk.services.container import open_services
from tthc_desk.services.journal_service import JournalKeys
from tthc_desk.sync.credentials import KeyringStore

folder = Path(sys.argv[1])
svc = open_services(AppPaths(folder), seed=False)
out = {"encrypted": svc.db.encrypted, "database_bytes": svc.db.file_path.stat().st_size}
method = SqliteBackup(svc.db.file_path, svc.db.key)
part = folder / "backups" / "bench-backup.db.part"
files.remove_with_sides(part)
t = time.perf_counter()
snap = method.copy(part)
out["copy_s"] = round(time.perf_counter() - t, 1)
out["backup_bytes"] = part.stat().st_size
out["dossiers"] = snap.dossiers
t = time.perf_counter()
check, _ = verify_file(part, [svc.db.key], JournalKeys(KeyringStore()), snap.counts, method)
out["verify_s"] = round(time.perf_counter() - t, 1)
out["verified"] = check.ok
out["journal_entries"] = check.journal_entries
t = time.perf_counter()
sha256_file(part)
out["sha256_s"] = round(time.perf_counter() - t, 1)
files.remove_with_sides(part)
t = time.perf_counter()
with svc.accounts.acting_as(SYSTEM):
    run = svc.backups.run()
out["run_s"] = round(time.perf_counter() - t, 1)
out["run_ok"] = run.ok
files.remove_with_sides(run.backup.path)
sidecar_of(run.backup.path).unlink()
svc.close()
out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--folder", type=Path, required=True, help="data folder of the big database"
    )
    args = parser.parse_args()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(args.folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        sys.exit(proc.returncode)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    gb = 1024**3
    lines = [
        f"database: {r['dossiers']:,} dossiers, {r['database_bytes'] / gb:.2f} GiB, "
        f"encrypted={r['encrypted']}",
        f"(a) copy (backup API, one read snapshot + row counts): {r['copy_s']} s, "
        f"backup {r['backup_bytes'] / gb:.2f} GiB",
        f"(b) verification (integrity_check, counts, journal chain of "
        f"{r['journal_entries']} entries): {r['verify_s']} s, ok={r['verified']}",
        f"(c) SHA-256 of the file: {r['sha256_s']} s",
        f"(d) BackupService.run() whole: {r['run_s']} s, ok={r['run_ok']}",
        f"peak memory (maxrss) of the child: {r['maxrss_mb']} MB",
    ]
    text = "\n".join(lines)
    print(text)
    (args.folder / "latest-backup.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
