"""What a scanned paper weighs and costs to compose (issue 15). Not part of the tests.

    python bench/bench_scans.py                 # 200 dpi, 5 runs
    python bench/bench_scans.py --dpi 300 --runs 9

Synthetic scans (``tthc_desk.scanning.synthetic``: an A4 form as a scanner sees it, a colour
photo-like page) are written once into a temp folder as a scanner would (a grey TIFF per text
page, a JPEG per photo), then:

- KB per A4 page: the composed PDF of 3 text pages / 3, and of 1 photo page (target: a text page
  ≤ 100 KB at 200 dpi);
- compose a 3-page scan end to end from files: ``compose_files`` on three single-page TIFFs
  (open, decode, classify, G4-encode, write the PDF), the median and worst of ``--runs`` runs in
  this process, after one warm-up (target of the issue: attaching a 3-page scan ≤ 1 s, of which
  this is the image part); and on a copier's PDF of 3 pages (each page rendered by PDFium at the
  resolution, then classified and encoded again);
- peak RSS (``ru_maxrss``) of this process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tthc_desk.scanning.compose import compose_files  # noqa: E402
from tthc_desk.scanning.synthetic import write_scan  # noqa: E402

KB = 1024
TEXT_TARGET_KB = 100
COMPOSE_TARGET_S = 1.0


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def page_kb(folder: Path, dpi: int) -> tuple[float, float, list[Path]]:
    """KB per A4 page of a composed text scan (3 grey TIFF pages, as a scanner writes them) and
    of a colour photo page (a JPEG); the three TIFF files, for timing."""
    texts = [write_scan(folder, f"p{n}.tif", "text", 1, dpi, seed=n) for n in (1, 2, 3)]
    photo = write_scan(folder, "photo.jpg", "photo", 1, dpi, seed=9)
    text_kb = len(compose_files(texts, dpi=dpi).data) / 3 / KB
    photo_kb = len(compose_files([photo], dpi=dpi).data) / KB
    return text_kb, photo_kb, texts


def _time_compose(paths: list[Path], dpi: int, runs: int) -> list[float]:
    compose_files(paths, dpi=dpi)  # warm-up: libtiff, libjpeg, fonts
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        compose_files(paths, dpi=dpi)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scans-") as tmp:
        folder = Path(tmp)
        text_kb, photo_kb, texts = page_kb(folder, args.dpi)
        times = _time_compose(texts, args.dpi, args.runs)
        copier = [write_scan(folder, "copier.pdf", "text", 3, args.dpi, seed=4)]
        pdf_times = _time_compose(copier, args.dpi, args.runs)
    median, worst = statistics.median(times), max(times)
    rows = [
        (f"A4 text page at {args.dpi} dpi (G4), per page", f"{text_kb:.1f} KB",
         f"≤ {TEXT_TARGET_KB} KB", text_kb <= TEXT_TARGET_KB),
        (f"A4 photo page at {args.dpi} dpi (colour JPEG)", f"{photo_kb:.1f} KB", "", None),
        (f"Compose a 3-page scan from files (median of {args.runs})", f"{median * 1000:.0f} ms",
         f"≤ {COMPOSE_TARGET_S:.0f} s", median <= COMPOSE_TARGET_S),
        (f"Compose a 3-page scan, worst of {args.runs}", f"{worst * 1000:.0f} ms", "", None),
        (f"Compose a copier's 3-page PDF (rendered again, median of {args.runs})",
         f"{statistics.median(pdf_times) * 1000:.0f} ms", "", None),
        ("Peak RSS of this process (ru_maxrss)", f"{_peak_rss_mb():.0f} MB", "", None),
    ]  # fmt: skip
    _print(rows)


def _print(rows: list[tuple[str, str, str, bool | None]]) -> None:
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    print(
        f"TTHC Desk scans benchmark, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU, {stamp}"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'Measure':<{width}}  {'Result':>9}  {'Target':<9}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 9}  ----")
    for name, result, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "FAIL")
        print(f"{name:<{width}}  {result:>9}  {target:<9}  {verdict}")


if __name__ == "__main__":
    main()
