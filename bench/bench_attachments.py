"""Scans (issue 15): attaching a 3-page scan end to end, what an A4 page weighs, and the counter's
figures on a database where a tenth of the dossiers carry scans. Not part of the tests.

    python bench/bench_attachments.py --dossiers 20000 --data-dir /work/bench-scans
    python bench/bench_attachments.py --data-dir /work/bench-scans      # 1,000,000 dossiers

The database is ``<data-dir>/db-<N>``, as ``bench_intake.py`` has it (``ensure_database``): made
when missing with ``tthc-desk demo --dossiers N --seed S``, which gives about 10% of the
dossiers synthetic scans of their papers and results (``demo_service.SCAN_SHARE``; the contents
come from a small pool, kept once in the encrypted blob store), and marked with ``bench-db.json``
so that ``bench_intake.py`` and the others reuse it. A database found there with (almost) no scans
(one made before issue 15) is refused: point ``--data-dir`` at another folder. Each measure runs
in a process of its own (its peak memory is ``ru_maxrss`` of that process), as the user would
live it:

(a) attach: three single-page grey TIFF files at 200 dpi, as a scanner writes them (``synthetic.
    write_scan``; a new set each run, so nothing is deduplicated), then ``compose_files`` →
    ``services.attachments.attach_paper(code, 1, pdf)`` → committed (content encrypted and
    written with fsync, the row journalled with its dossier), on a dossier received just before
    (not timed) as the demo account; median and p95 of ``--runs`` after one warm-up run
    (reported apart), the compose and the store parts apart. Target ≤ 1 s.
(b) page weight: KB per A4 text page and per colour photo page at 200 dpi (``bench_scans.
    page_kb``; text target ≤ 100 KB).
(c) the counter: ``bench_intake``'s measures on this database: launch → usable main window
    (``measure_launch``: fresh processes, median of ``--launches``), accentless search p50/p95
    (``build_queries`` + ``measure_search``, limit 50) and save + receipt PDF p50/p95
    (``measure_saves``), the last two in one child; targets as ``bench_intake.py``'s.

Runs (a) and (c) add dossiers to the database (``--runs`` + 1 and ``--saves`` + 1), as
``bench_intake.py`` does. The table is also written to ``<data-dir>/latest-attachments.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
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

from bench_intake import (  # noqa: E402
    TARGET_MEMORY_MB,
    TARGET_SAVE_MS,
    TARGET_SEARCH_P95_MS,
    TARGET_WINDOW_S,
    Row,
    build_queries,
    ensure_database,
    log,
    measure_launch,
    measure_saves,
    measure_search,
    percentile,
    random_draft,
)
from bench_scans import TEXT_TARGET_KB, page_kb  # noqa: E402

TARGET_ATTACH_S = 1.0
#: Below this share of dossiers with scans the database is not the one this benchmark needs.
MIN_SCANNED_SHARE = 0.05
DPI = 200


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _services(folder: Path) -> Any:
    from tthc_desk.domain.access import DEMO_PASSWORD, DEMO_USERNAME
    from tthc_desk.paths import AppPaths
    from tthc_desk.services.container import open_services

    services = open_services(AppPaths(folder), seed=False, demo=True)
    services.accounts.login(DEMO_USERNAME, DEMO_PASSWORD)  # attaching and saving are by a person
    return services


# -- the children ---------------------------------------------------------------------------------


def child_info(folder: Path) -> dict[str, Any]:
    """What the database holds: dossiers, scans, contents, sizes."""
    from sqlalchemy import func, select

    from tthc_desk.db.models import AttachmentRecord, BlobRecord, DossierRecord

    services = _services(folder)
    try:
        with services.db.session() as s:
            dossiers = s.scalar(select(func.count()).select_from(DossierRecord)) or 0
            scanned = s.scalar(select(func.count(AttachmentRecord.dossier_id.distinct()))) or 0
            attachments = s.scalar(select(func.count()).select_from(AttachmentRecord)) or 0
            reused = s.scalar(select(func.count()).where(AttachmentRecord.reused_from.is_not(None)))
            results = s.scalar(select(func.count()).where(AttachmentRecord.slot == "result"))
            contents = s.scalar(select(func.count()).select_from(BlobRecord)) or 0
            named_mb = (s.scalar(select(func.sum(AttachmentRecord.size))) or 0) / 1e6
    finally:
        services.close()
    store = folder / "attachments"
    store_mb = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 1e6
    db_mb = sum(f.stat().st_size for f in folder.glob("tthc-desk.db*")) / 1e6
    return {
        "dossiers": dossiers,
        "scanned": scanned,
        "attachments": attachments,
        "reused": reused or 0,
        "results": results or 0,
        "contents": contents,
        "named_mb": named_mb,
        "store_mb": store_mb,
        "db_mb": db_mb,
    }


def child_attach(folder: Path, runs: int, seed: int) -> dict[str, Any]:
    """(a): ``runs`` + 1 attachments of a 3-page scan, each from its own three TIFF files."""
    from tthc_desk.db.blobs import sha256_of
    from tthc_desk.scanning.compose import compose_files

    services = _services(folder)
    rng = random.Random(seed)
    compose_s, store_s, sizes = [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-attach-") as tmp:
            sets = [[_tiff(Path(tmp), r, n, seed) for n in range(3)] for r in range(runs + 1)]
            for files in sets:
                code = services.dossiers.receive(random_draft(rng)).code
                started = time.perf_counter()
                pdf = compose_files(files, dpi=DPI)
                composed = time.perf_counter()
                attachment = services.attachments.attach_paper(code, 1, pdf)
                done = time.perf_counter()
                compose_s.append(composed - started)
                store_s.append(done - composed)
                sizes.append(len(pdf.data))
                assert attachment.pages == 3 and attachment.sha256 == sha256_of(pdf.data)
            # committed and readable: the last one, through the service (hash checked)
            [listed] = services.attachments.of_dossier(code)
            assert sha256_of(services.attachments.content(listed.id)) == listed.sha256
    finally:
        services.close()
    return {"compose": compose_s, "store": store_s, "sizes": sizes, "peak_mb": _peak_mb()}


def _tiff(folder: Path, run: int, page: int, seed: int) -> Path:
    """One page as a scanner in grey writes it (a new form for each run and page)."""
    from tthc_desk.scanning.synthetic import write_scan

    name = f"r{run}-p{page}.tif"
    return write_scan(folder, name, "text", 1, DPI, seed=seed * 1000 + run * 3 + page)


def child_pages() -> dict[str, Any]:
    """(b): KB per A4 page at 200 dpi."""
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        text_kb, photo_kb, _ = page_kb(Path(tmp), DPI)
    return {"text_kb": text_kb, "photo_kb": photo_kb, "peak_mb": _peak_mb()}


def child_counter(folder: Path, queries: int, saves: int, seed: int) -> dict[str, Any]:
    """(c) without the launch: search and save + receipt, as ``bench_intake.py`` measures them."""
    services = _services(folder)
    try:
        asked = build_queries(services, queries, seed)
        search_ms, hits = measure_search(services, asked)
        save_ms, first_save = measure_saves(services, saves, seed)
    finally:
        services.close()
    return {
        "search_ms": search_ms,
        "no_hit": hits.count(0),
        "save_ms": save_ms,
        "first_save_ms": first_save,
        "peak_mb": _peak_mb(),
    }


def run_child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", name, "--dossiers", str(args.dossiers)]
    command += ["--data-dir", str(args.data_dir), "--seed", str(args.seed)]
    command += ["--runs", str(args.runs), "--queries", str(args.queries)]
    command += ["--saves", str(args.saves)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    found["wall_s"] = time.perf_counter() - started
    return found


# -- the parent ---------------------------------------------------------------------------------


def _table(rows: list[Row]) -> list[str]:
    widths = [max(len(r.cells()[i]) for r in rows) for i in range(4)]
    widths[0] = max(widths[0], len("Measure"))
    header = ("Measure", "Result", "Target", "")
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(r.cells(), widths, strict=True)).rstrip() for r in rows
    ]
    return lines


def _ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--runs", type=int, default=20, help="attachments timed (after one)")
    parser.add_argument("--launches", type=int, default=3, help="app launches (median)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    folder = (args.data_dir / f"db-{args.dossiers}").resolve()
    if args.child:
        found = {
            "info": lambda: child_info(folder),
            "attach": lambda: child_attach(folder, args.runs, args.seed),
            "pages": child_pages,
            "counter": lambda: child_counter(folder, args.queries, args.saves, args.seed),
        }[args.child]()
        print(json.dumps(found))
        return 0

    started = time.perf_counter()
    generated = ensure_database(folder, args.dossiers, args.seed)
    info = run_child("info", args)
    share = info["scanned"] / max(1, info["dossiers"])
    if share < MIN_SCANNED_SHARE:
        log(
            f"{folder} holds {info['dossiers']:,} dossiers of which {info['scanned']:,} have "
            "scans: a database made before issue 15. Point --data-dir at another folder (the "
            "benchmark makes one there with `tthc-desk demo`)."
        )
        return 2
    log("(a) attach a 3-page scan …")
    attach = run_child("attach", args)
    log("(b) KB per page …")
    pages = run_child("pages", args)
    log("(c) launch …")
    launch, app_rss, marks = measure_launch(folder, args.launches)
    log("(c) search, save + receipt …")
    counter = run_child("counter", args)

    total = [c + s for c, s in zip(attach["compose"], attach["store"], strict=True)]
    timed, first = total[1:], total[0]
    compose, store = attach["compose"][1:], attach["store"][1:]
    search, save = counter["search_ms"], counter["save_ms"]
    median_launch = statistics.median(launch)
    rows = [
        Row(
            f"Attach a 3-page scan, median of {len(timed)}",
            statistics.median(timed),
            "s",
            TARGET_ATTACH_S,
        ),
        Row("Attach a 3-page scan, p95", percentile(timed, 95), "s", TARGET_ATTACH_S),
        Row("  of which compose_files (3 TIFF → PDF), p95", percentile(compose, 95), "s"),
        Row("  of which attach_paper (store + row), p95", percentile(store, 95), "s"),
        Row(f"A4 text page at {DPI} dpi, per page", pages["text_kb"], "KB", TEXT_TARGET_KB),
        Row(f"A4 photo page at {DPI} dpi (colour)", pages["photo_kb"], "KB"),
        Row(
            f"Launch → usable main window, median of {len(launch)}",
            median_launch,
            "s",
            TARGET_WINDOW_S,
        ),
        Row(f"Accentless search p50 ({len(search)} queries)", percentile(search, 50), "ms"),
        Row("Accentless search p95", percentile(search, 95), "ms", TARGET_SEARCH_P95_MS),
        Row(f"Save + receipt PDF p50 ({len(save)} saves)", percentile(save, 50), "ms"),
        Row("Save + receipt PDF p95", percentile(save, 95), "ms", TARGET_SAVE_MS),
        Row("Peak memory, attach process", attach["peak_mb"], "MB", TARGET_MEMORY_MB),
        Row("Peak memory, app process", max(app_rss) / 1024, "MB", TARGET_MEMORY_MB),
        Row("Peak memory, search + save process", counter["peak_mb"], "MB", TARGET_MEMORY_MB),
    ]
    lines = [
        f"TTHC Desk attachments benchmark — {info['dossiers']:,} dossiers "
        f"({info['db_mb']:,.0f} MB), Python {platform.python_version()}, {os.cpu_count()} CPU, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f}",
        f"Scans: {info['scanned']:,} dossiers with scans ({share:.1%}), {info['attachments']:,} "
        f"attachments ({info['results']:,} results, {info['reused']:,} papers reused) naming "
        f"{info['named_mb']:,.0f} MB of PDFs, kept as {info['contents']} contents "
        f"({info['store_mb']:.1f} MB in the encrypted store)",
    ]
    if generated is not None:
        lines.append(
            f"Database generated in {generated:.0f} s "
            f"(tthc-desk demo --dossiers {args.dossiers} --seed {args.seed})"
        )
    lines += _table(rows)
    size_kb = statistics.mean(attach["sizes"]) / 1024
    lines += [
        f"Attach: first of the process {first * 1000:.0f} ms (not counted), max "
        f"{max(timed) * 1000:.0f} ms; medians: compose {statistics.median(compose) * 1000:.0f} "
        f"ms, attach_paper {statistics.median(store) * 1000:.0f} ms; {size_kb:.0f} KB per "
        "3-page PDF",
        f"Launches: {', '.join(f'{t:.3f}' for t in launch)} s; marks of the first: {marks[0]}",
        f"Search: max {max(search):.1f} ms, queries with no hit: {counter['no_hit']}; "
        f"save + receipt: first {counter['first_save_ms']:.0f} ms (loads the fonts), "
        f"max {max(save):.1f} ms",
        f"Whole run {time.perf_counter() - started:.0f} s",
    ]
    text = "\n".join(lines)
    print(text)
    (args.data_dir / "latest-attachments.txt").write_text(text + "\n", encoding="utf-8")
    return 0 if all(r.cells()[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
