"""Dossier list and launch benchmark (issue 14). Not part of the tests.

    python bench/bench_list.py --data-dir /work/bench-me     # its db-1000000/, a copy
    python bench/bench_list.py --data-dir … --skip-launch    # (a) only
    python bench/bench_list.py --data-dir … --skip-sort      # (b) only

On a database made by ``bench/bench_intake.py`` (``<data-dir>/db-<dossiers>/``; opening it
migrates it, so point it at a copy of the shared one, never at the shared one itself):

(a) sorting the list, offscreen, on the real :class:`DossierListPage` with the real services and
    task runner: with 2,000 and then 10,000 rows loaded (as after scrolling), a click on each
    column's header. Measured per column: the GUI thread's own time (the click's handler plus
    the handler that swaps the rows in, selection and scroll included), the longest the GUI
    thread went without running its event loop meanwhile (a 1 ms heartbeat timer: painting
    included), and the database's query behind it (in the worker). For comparison, what the old
    Python sort over the loaded rows cost (a ``DossierSortProxy`` over the same rows);
(b) launch → usable main window (``bench_intake.py``'s child: ``run_gui`` offscreen, login as
    ``demo``, the list's first page) with a cold disk cache (the page cache dropped before each
    run: ``/proc/sys/vm/drop_caches`` as root, or else ``posix_fadvise(DONTNEED)`` over Python,
    its packages, the program and the database), median of ``--runs``, and warm for comparison,
    with the peak RSS, the bytes read from disk and the major page faults of the app process.

Figures and PASS/FAIL against the targets are printed and kept in ``<data-dir>/list-latest.txt``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_intake import APP_SCRIPT, Row, log  # noqa: E402

TARGET_SORT_MS = 100.0
TARGET_LAUNCH_S = 1.0
TARGET_MEMORY_MB = 250.0
SIZES = (2_000, 10_000)

# bench_intake's child, also reporting what it read from disk and its page faults and CPU time.
CHILD_SCRIPT = APP_SCRIPT.replace(
    """            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
""",
    """            ru = resource.getrusage(resource.RUSAGE_SELF)
            rss = ru.ru_maxrss
            try:
                io = dict(x.split(": ") for x in open("/proc/self/io").read().splitlines())
                marks["read_mb"] = int(io["read_bytes"]) / 1e6
            except OSError:
                pass
            marks["majflt"] = ru.ru_majflt
            marks["cpu"] = ru.ru_utime + ru.ru_stime
""",
)
assert CHILD_SCRIPT != APP_SCRIPT, "bench_intake's child script changed: update CHILD_SCRIPT"


# -- (a) sorting --------------------------------------------------------------------------------


@dataclass
class SortFigures:
    column: str
    rows: int
    gui_ms: float
    stall_ms: float
    sql_ms: float
    python_ms: float


def measure_sorting(folder: Path, python_baseline: bool) -> list[SortFigures]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services
    from tthc_desk.services.dossier_search import DossierQuery, SortKey
    from tthc_desk.ui.dossier_list_page import DossierListPage
    from tthc_desk.ui.dossier_table_model import (
        COLUMNS,
        DossierSortProxy,
        DossierTableModel,
        column_of,
    )
    from tthc_desk.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    services = open_services(AppPaths(folder), demo=True)
    services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)
    dossiers = services.dossiers
    sql_ms: list[float] = []
    search = dossiers.search

    def timed_search(q: DossierQuery) -> Any:
        started = time.perf_counter()
        try:
            return search(q)
        finally:
            sql_ms.append((time.perf_counter() - started) * 1000)

    dossiers.search = timed_search  # type: ignore[method-assign]
    runner = TaskRunner()
    page = DossierListPage(services, runner)
    page.resize(1366, 700)
    page.show()

    def wait(done: Any, timeout_s: float = 300) -> None:
        limit = time.perf_counter() + timeout_s
        while not done():
            app.processEvents()
            if time.perf_counter() > limit:
                raise RuntimeError("the list did not answer")
            time.sleep(0.001)
        for _ in range(5):  # the paint of the new rows
            app.processEvents()

    wait(lambda: page.model.loaded_count() > 0)
    gui_ms: list[float] = []
    swap = page._on_sorted_rows_loaded

    def timed_swap(*args: Any) -> None:
        started = time.perf_counter()
        swap(*args)
        gui_ms.append((time.perf_counter() - started) * 1000)

    page._on_sorted_rows_loaded = timed_swap  # type: ignore[method-assign]
    beat = QElapsedTimer()
    stalls: list[float] = []
    heart = QTimer()
    heart.setInterval(1)

    def on_beat() -> None:
        stalls.append(beat.restart())

    heart.timeout.connect(on_beat)

    figures: list[SortFigures] = []
    for n in SIZES:
        newest = search(DossierQuery(limit=n))
        page.model.reset_rows(page.model.page_query(page.query()), newest, more=True)
        wait(lambda: True)
        for key in SortKey:
            log(f"  {n:,} rows, sorting by {key.value} …")
            sql_ms.clear()
            gui_ms.clear()
            stalls.clear()
            beat.start()
            heart.start()
            started = time.perf_counter()
            page.sort_by(key)
            click = (time.perf_counter() - started) * 1000
            wait(lambda k=key: page.model.query.order_by is k and len(gui_ms) == 1)  # type: ignore[misc]
            heart.stop()
            assert page.model.loaded_count() == n, page.model.loaded_count()
            python = 0.0
            if python_baseline:
                model = DossierTableModel(search, services.clock.now)
                model.reset_rows(DossierQuery(), newest)
                proxy = DossierSortProxy()
                proxy.setSourceModel(model)
                started = time.perf_counter()
                proxy.sort(column_of(key), Qt.SortOrder.AscendingOrder)
                python = (time.perf_counter() - started) * 1000
            figures.append(
                SortFigures(
                    COLUMNS[column_of(key)][0],
                    n,
                    click + gui_ms[0],
                    max(stalls, default=0.0),
                    sql_ms[0],
                    python,
                )
            )
            # Back to newest first, the n rows loaded again for the next column.
            page.sort_by(None)
            wait(lambda n=n: page.model.query.order_by is None and page.model.loaded_count() == n)  # type: ignore[misc]
    page.close()
    services.close()
    return figures


# -- (b) launch ----------------------------------------------------------------------------------


def evict(folder: Path, how: str) -> str:
    """Empty the disk cache of what a launch reads; returns how it was done."""
    if how in ("auto", "drop"):
        try:
            os.sync()
            Path("/proc/sys/vm/drop_caches").write_text("3\n")
            return "drop_caches"
        except OSError:
            if how == "drop":
                raise
    roots = [
        Path(sysconfig.get_paths()["stdlib"]),
        Path(sysconfig.get_paths()["purelib"]),
        Path(sysconfig.get_paths()["platlib"]),
        Path(sys.base_prefix) / "lib",
        ROOT / "tthc_desk",
        ROOT / "resources",
        folder,
    ]
    for root in dict.fromkeys(roots):
        for path in [root] if root.is_file() else root.rglob("*"):
            try:
                if path.is_file():
                    fd = os.open(path, os.O_RDONLY)
                    try:
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    finally:
                        os.close(fd)
            except OSError:
                continue
    return "posix_fadvise(DONTNEED)"


def launch(folder: Path) -> tuple[float, int, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD_SCRIPT, str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = ""
    for line in proc.stdout:
        if line.startswith("READY"):
            break
    elapsed = time.perf_counter() - started
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    if not line.startswith("READY"):
        raise RuntimeError(f"the app did not start: {proc.stderr.read() if proc.stderr else ''}")
    parts = line.split()
    return elapsed, int(parts[1]), " ".join(parts[2:])


def measure_launches(
    folder: Path, runs: int, how: str
) -> tuple[list[tuple[float, int, str]], list[tuple[float, int, str]], str]:
    import compileall

    compileall.compile_dir(str(ROOT / "tthc_desk"), quiet=1)
    launch(folder)  # once, unmeasured: bytecode, the keyring's choice, the first migration
    warm, cold = [], []
    method = ""
    for i in range(runs):
        warm.append(launch(folder))
        log(f"  warm {i + 1}: {warm[-1][0]:.3f} s ({warm[-1][2]})")
    for i in range(runs):
        method = evict(folder, how)
        time.sleep(0.5)
        cold.append(launch(folder))
        log(f"  cold {i + 1}: {cold[-1][0]:.3f} s ({cold[-1][2]})")
    return warm, cold, method


# -- main ------------------------------------------------------------------------------------


def median_run(runs: list[tuple[float, int, str]]) -> tuple[float, int, str]:
    return sorted(runs)[len(runs) // 2]


def table(rows: list[Row]) -> list[str]:
    widths = [max(len(r.cells()[i]) for r in rows) for i in range(4)]
    widths[0] = max(widths[0], len("Measure"))
    header = ("Measure", "Result", "Target", "")
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += [
        "  ".join(c.ljust(w) for c, w in zip(r.cells(), widths, strict=True)).rstrip() for r in rows
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--runs", type=int, default=3, help="launches of each kind (median)")
    parser.add_argument("--evict", choices=["auto", "drop", "fadvise"], default="auto")
    parser.add_argument("--skip-sort", action="store_true")
    parser.add_argument("--skip-launch", action="store_true")
    parser.add_argument(
        "--no-python-baseline", action="store_true", help="skip the old Python sort's timing"
    )
    args = parser.parse_args(argv)
    folder = (args.data_dir / f"db-{args.dossiers}").resolve()
    if not (folder / "tthc-desk.db").exists():
        log(f"No database in {folder}: copy one made by bench/bench_intake.py there first")
        return 2

    rows: list[Row] = []
    lines = [
        f"TTHC Desk list and launch benchmark — {args.dossiers:,} dossiers, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU, "
        f"load {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}"
    ]
    detail: list[str] = []
    if not args.skip_sort:
        log("(a) sorting the list …")
        figures = measure_sorting(folder, not args.no_python_baseline)
        for n in SIZES:
            mine = [f for f in figures if f.rows == n]
            worst = max(mine, key=lambda f: f.gui_ms)
            rows.append(
                Row(
                    f"List sort, GUI thread, {n:,} rows (worst column: {worst.column})",
                    worst.gui_ms,
                    "ms",
                    TARGET_SORT_MS,
                )
            )
            stall = max(mine, key=lambda f: f.stall_ms)
            rows.append(
                Row(f"  longest GUI stall meanwhile ({stall.column})", stall.stall_ms, "ms")
            )
            slow = max(mine, key=lambda f: f.sql_ms)
            rows.append(Row(f"  SQL behind it, slowest ({slow.column}; worker)", slow.sql_ms, "ms"))
        detail.append(
            "Per column: rows, GUI ms (click + swap), longest stall ms, SQL ms (worker), "
            "old Python sort ms (proxy over the same rows)"
        )
        detail += [
            f"  {f.column:15} {f.rows:6,}  GUI {f.gui_ms:6.1f}  stall {f.stall_ms:6.1f}  "
            f"SQL {f.sql_ms:8.1f}  Python {f.python_ms:7.1f}"
            for f in figures
        ]
    if not args.skip_launch:
        log("(b) launch, warm and cold …")
        warm, cold, method = measure_launches(folder, args.runs, args.evict)
        w, c = median_run(warm), median_run(cold)
        rows += [
            Row(f"Launch, cold cache (median of {len(cold)})", c[0], "s", TARGET_LAUNCH_S),
            Row(f"Launch, warm (median of {len(warm)})", w[0], "s", TARGET_LAUNCH_S),
            Row(
                "Peak memory of the app at launch (maxrss)",
                max(r[1] for r in warm + cold) / 1024,
                "MB",
                TARGET_MEMORY_MB,
            ),
        ]
        detail.append(f"Cold cache by {method}. Launches (s): ")
        detail.append("  warm: " + ", ".join(f"{r[0]:.3f}" for r in warm) + f"; median: {w[2]}")
        detail.append("  cold: " + ", ".join(f"{r[0]:.3f}" for r in cold) + f"; median: {c[2]}")
    text = "\n".join(lines + table(rows) + detail)
    print(text)
    (args.data_dir / "list-latest.txt").write_text(text + "\n", encoding="utf-8")
    return 0 if all(r.cells()[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
