"""Synthetic scans for tests, the demo and the bench: an A4 form as a scanner sees it (grey
paper, dark text, a little noise and a few specks) and a colour photo-like page.

Deterministic: the same seed gives the same pixels (the noise comes from a seeded tile, not from
Pillow's unseeded ``effect_noise``), so a demo's pool of scans deduplicates like real ones.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tthc_desk.resources import resource_path
from tthc_desk.scanning.render import A4_INCHES

ScanKind = Literal["text", "photo"]
KINDS: tuple[ScanKind, ...] = ("text", "photo")
PAPER = 238  # a scanner's idea of white paper
INK = 35
_TILE = 128
_HEADER = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
)
_LABELS = (
    "Họ, chữ đệm, tên",
    "Ngày, tháng, năm sinh",
    "Nơi sinh",
    "Giới tính",
    "Dân tộc",
    "Quốc tịch",
    "Quê quán",
    "Nơi cư trú",
    "Số định danh cá nhân",
    "Quan hệ với người được khai sinh",
)
_COLUMNS = ("STT", "Tên giấy tờ", "Nơi cấp", "Số bản")
_WORD_TEXT = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý văn thị Minh Hương Anh "
    "Thảo Đức Tuấn Lan xã phường huyện tỉnh thôn ấp số nhà đường Quảng Nam Đà Nẵng Huế Kinh "
    "Việt năm tháng ngày tại theo quy định giấy tờ bản sao chứng thực đề nghị"
)
_WORDS = tuple(_WORD_TEXT.split())


def a4_pixels(dpi: int) -> tuple[int, int]:
    """The size of a portrait A4 page at ``dpi``, in pixels."""
    return round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)


def text_page(seed: int, dpi: int = 200) -> Image.Image:
    """A scanned A4 form ("L"): header, labelled lines filled in, a table, a signature."""
    rnd = random.Random(seed)
    page = _paper(a4_pixels(dpi), seed, PAPER, spread=10)
    draw = ImageDraw.Draw(page)
    y = _draw_header(draw, page.width, dpi)
    y = _draw_fields(draw, rnd, y, dpi, page.width)
    y = _draw_table(draw, rnd, y + dpi // 8, dpi, page.width)
    _draw_signature(draw, rnd, page.width, y + dpi // 5, dpi)
    page = page.filter(ImageFilter.GaussianBlur(dpi / 300))  # the scanner's optics
    _specks(ImageDraw.Draw(page), rnd, page.size, count=120)
    return page


def blank_page(seed: int, dpi: int = 200) -> Image.Image:
    """The back of a sheet ("L"): the paper's grain and nothing else."""
    return _paper(a4_pixels(dpi), seed, PAPER, spread=10)


def photo_page(seed: int, dpi: int = 200) -> Image.Image:
    """A colour photo-like A4 page ("RGB"): smooth coloured shapes on a gradient, with grain."""
    rnd = random.Random(seed)
    size = a4_pixels(dpi)
    small = (max(8, size[0] // 8), max(8, size[1] // 8))
    base = Image.merge("RGB", [_gradient(small, rnd) for _ in range(3)])
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y = rnd.randrange(small[0]), rnd.randrange(small[1])
        r = rnd.randrange(small[0] // 20, small[0] // 4)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = base.filter(ImageFilter.GaussianBlur(3)).resize(size, Image.Resampling.BICUBIC)
    _details(ImageDraw.Draw(image), rnd, size)
    grain = Image.merge("RGB", [_paper(size, seed + c, 128, spread=90) for c in range(3)])
    return Image.blend(image, grain, 0.3)


def _details(draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int]) -> None:
    """Small sharp things (leaves, windows, letters on a sign): what makes a photo weigh."""
    for _ in range(1500):
        x, y, r = rnd.randrange(size[0]), rnd.randrange(size[1]), rnd.randrange(3, 25)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.rectangle((x, y, x + r, y + rnd.randrange(3, 25)), outline=colour, width=2)


def write_scan(
    folder: Path,
    name: str,
    kind: ScanKind,
    pages: int,
    dpi: int = 200,
    *,
    seed: int = 0,
) -> Path:
    """A scan file ``folder/name`` of ``pages`` pages of ``kind``, its format from the suffix:
    ``.pdf`` (one image per page, as copiers write), ``.tif``/``.tiff`` (one frame per page),
    ``.jpg``/``.jpeg``/``.png`` (one page). Page n uses ``seed + n``."""
    images = [_page(kind, seed + n, dpi) for n in range(pages)]
    path = Path(folder) / name
    _save(images, path, dpi)
    return path


def _page(kind: ScanKind, seed: int, dpi: int) -> Image.Image:
    if kind == "text":
        return text_page(seed, dpi)
    if kind == "photo":
        return photo_page(seed, dpi)
    raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


def _save(images: Sequence[Image.Image], path: Path, dpi: int) -> None:
    suffix = path.suffix.lower()
    if not images:
        raise ValueError("a scan has at least one page")
    first, rest = images[0], list(images[1:])
    if suffix == ".pdf":
        first.save(path, "PDF", save_all=True, append_images=rest, resolution=dpi, quality=80)
    elif suffix in (".tif", ".tiff"):
        first.save(path, "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi),
                   compression="tiff_deflate")  # fmt: skip
    elif suffix in (".jpg", ".jpeg", ".png") and not rest:
        first.save(path, dpi=(dpi, dpi), quality=85)
    else:
        raise ValueError(f"cannot write {len(images)} page(s) as {suffix or 'no suffix'}")


def _paper(size: tuple[int, int], seed: int, level: int, *, spread: int) -> Image.Image:
    """A page of grey ``level`` with noise of about ±``spread``/2 from a seeded tile."""
    tile = _noise_tile(seed % 16, level, spread)
    page = Image.new("L", size)
    for x in range(0, size[0], _TILE):
        for y in range(0, size[1], _TILE):
            page.paste(tile, (x, y))
    return page


@cache
def _noise_tile(seed: int, level: int, spread: int) -> Image.Image:
    noise = random.Random(seed).randbytes(_TILE * _TILE)
    lut = [max(0, min(255, level - spread // 2 + v * (spread + 1) // 256)) for v in range(256)]
    return Image.frombytes("L", (_TILE, _TILE), noise).point(lut)


def _gradient(size: tuple[int, int], rnd: random.Random) -> Image.Image:
    low, high = sorted((rnd.randrange(40, 200), rnd.randrange(80, 256)))
    ramp = Image.linear_gradient("L").rotate(rnd.randrange(360)).resize(size)
    return ramp.point([low + v * (high - low) // 255 for v in range(256)])


@cache
def _font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(resource_path("fonts", name)), px)


def _draw_header(draw: ImageDraw.ImageDraw, width: int, dpi: int) -> int:
    y = dpi // 2
    for n, line in enumerate(_HEADER):
        font = _font(round(dpi * (0.19 if n != 1 else 0.17)), bold=n != 1)
        draw.text((width // 2, y), line, fill=INK, font=font, anchor="mt")
        y += round(dpi * (0.45 if n == 1 else 0.3))
    return y + dpi // 4


def _draw_fields(
    draw: ImageDraw.ImageDraw, rnd: random.Random, y: int, dpi: int, width: int
) -> int:
    font, margin, step = _font(round(dpi * 0.17)), round(dpi * 0.8), round(dpi * 0.33)
    for n in range(16):
        label = f"{_LABELS[n % len(_LABELS)]}: "
        words = " ".join(rnd.choice(_WORDS) for _ in range(rnd.randrange(3, 9)))
        draw.text((margin, y), label + words, fill=INK, font=font)
        draw.line((margin, y + step - 6, width - margin, y + step - 6), fill=150, width=1)
        y += step
    return y


def _draw_table(draw: ImageDraw.ImageDraw, rnd: random.Random, y: int, dpi: int, width: int) -> int:
    margin, row, font = round(dpi * 0.8), round(dpi * 0.3), _font(round(dpi * 0.15))
    cols = [margin, margin + dpi // 2, width // 2, width - margin - dpi, width - margin]
    for r in range(6):
        top = y + r * row
        draw.line((margin, top, width - margin, top), fill=INK, width=2)
        for c, x in enumerate(cols[:-1]):
            text = _COLUMNS[c] if r == 0 else str(r) if c == 0 else rnd.choice(_WORDS)
            draw.text((x + 8, top + 10), text, fill=INK, font=font)
    bottom = y + 6 * row
    draw.line((margin, bottom, width - margin, bottom), fill=INK, width=2)
    for x in cols:
        draw.line((x, y, x, bottom), fill=INK, width=2)
    return bottom


def _draw_signature(
    draw: ImageDraw.ImageDraw, rnd: random.Random, width: int, y: int, dpi: int
) -> None:
    x = width - round(dpi * 2.8)
    draw.text((x, y), "NGƯỜI ĐI KHAI", fill=INK, font=_font(round(dpi * 0.16), bold=True))
    points = [(x + i * dpi // 12, y + dpi // 2 + rnd.randrange(-dpi // 8, dpi // 8))
              for i in range(16)]  # fmt: skip
    draw.line(points, fill=INK, width=max(2, dpi // 80), joint="curve")


def _specks(
    draw: ImageDraw.ImageDraw, rnd: random.Random, size: tuple[int, int], *, count: int
) -> None:
    for _ in range(count):
        x, y, r = rnd.randrange(size[0]), rnd.randrange(size[1]), rnd.choice((0, 1, 1, 2))
        draw.ellipse((x, y, x + r, y + r), fill=rnd.randrange(60, 160))
