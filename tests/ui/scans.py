"""Scan files for the scan widgets' tests: small pages told apart by their size on paper.

Each page is a plain image of its own size (in inches at :data:`DPI`), so the order and the
turn of the pages in a composed PDF can be read back from the sizes of its pages, whatever
compression composing chose.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

DPI = 150  # a file saying under 100 dpi is not believed (scanning.render): fitted in A4
#: Width × height in inches: a portrait A4, a wide slip, a small square.
SIZES = {"a4": (8.27, 11.69), "slip": (8.0, 3.0), "square": (4.0, 4.0)}


def page_file(folder: Path, name: str, size: str, shade: int = 40) -> Path:
    """A one-page PNG ``folder/name`` of size ``size`` with some dark text-like bars."""
    w, h = (round(x * DPI) for x in SIZES[size])
    image = Image.new("L", (w, h), 240)
    draw = ImageDraw.Draw(image)
    for y in range(10, h - 10, 14):
        draw.rectangle((10, y, w - 20, y + 4), fill=shade)
    path = folder / name
    image.save(path, dpi=(DPI, DPI))
    return path


def inches(points: tuple[float, float]) -> tuple[float, float]:
    return round(points[0] / 72, 1), round(points[1] / 72, 1)
