"""One compact PDF per paper from its pages, compressed as documents are.

Each page is read at ``dpi`` at most (a PDF page is rendered at ``dpi``), classified
(:mod:`colour`) and stored as: CCITT Group 4 for black-on-white pages (an A4 form at 200 dpi is
about 15-30 KB), greyscale JPEG for grey pages, colour JPEG for colour ones (a photo page about
300 KB). The page's size on paper comes from its pixels and resolution.

G4 comes from libtiff (inside Pillow's wheels): the page is saved as a one-strip TIFF and that
strip is the PDF image's data, as is (``/CCITTFaxDecode`` with ``/K -1``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, TiffImagePlugin

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.colour import PageTone, classify, to_bilevel
from tthc_desk.scanning.pages import PageRef, expand
from tthc_desk.scanning.pdffile import read_file
from tthc_desk.scanning.pdfwrite import EncodedPage, write_pdf
from tthc_desk.scanning.render import Raster, raster

DEFAULT_DPI = 200
#: JPEG quality: text in grey and colour scans stays crisp at 200 dpi; photos look like photos.
GREY_QUALITY = 55
COLOUR_QUALITY = 60
_STRIP_OFFSETS, _STRIP_BYTE_COUNTS, _ROWS_PER_STRIP = 273, 279, 278


@dataclass(frozen=True)
class ComposedPdf:
    """The PDF of one paper and its number of pages."""

    data: bytes
    pages: int


def compose(pages: Sequence[PageRef], *, dpi: int = DEFAULT_DPI) -> ComposedPdf:
    """The PDF of ``pages`` in order, each at ``dpi`` at most; ScanError when there is no page
    or a file cannot be read (the message names it)."""
    if not pages:
        raise ScanError("Chưa có trang nào: hãy thêm tệp hoặc quét giấy tờ trước khi lưu.")
    cache: dict[Path, bytes] = {}
    encoded = [encode_page(raster(ref, dpi=dpi, data=_pdf_bytes(ref, cache))) for ref in pages]
    return ComposedPdf(write_pdf(encoded), len(encoded))


def compose_files(paths: Sequence[Path], *, dpi: int = DEFAULT_DPI) -> ComposedPdf:
    """The PDF of every page of ``paths`` (PDF pages, TIFF frames, images), in order."""
    return compose(expand(paths), dpi=dpi)


def encode_page(page: Raster) -> EncodedPage:
    """``page`` compressed for its tone."""
    data, fmt, space = _encoded(page.image, classify(page.image))
    width_pt, height_pt = page.size_points
    return EncodedPage(data, *page.image.size, width_pt, height_pt, fmt, space)


def _encoded(image: Image.Image, tone: PageTone) -> tuple[bytes, str, str]:
    """The image's data, its PDF filter and colour space."""
    if tone is PageTone.BILEVEL:
        return g4_strip(to_bilevel(image)), "CCITTFaxDecode", "DeviceGray"
    if tone is PageTone.GREY:
        return _jpeg(image.convert("L"), GREY_QUALITY), "DCTDecode", "DeviceGray"
    return _jpeg(image.convert("RGB"), COLOUR_QUALITY), "DCTDecode", "DeviceRGB"


def g4_strip(image: Image.Image) -> bytes:
    """The CCITT Group 4 data of a 1-bit image (0 = black), as one strip."""
    out = io.BytesIO()
    image.save(
        out,
        "TIFF",
        compression="group4",
        # one strip: PDF's CCITTFaxDecode reads one G4 stream per image
        tiffinfo={_ROWS_PER_STRIP: image.height},
        strip_size=2**31 - 1,
    )
    out.seek(0)
    with Image.open(out) as tiff:
        assert isinstance(tiff, TiffImagePlugin.TiffImageFile)
        offsets = tiff.tag_v2[_STRIP_OFFSETS]
        counts = tiff.tag_v2[_STRIP_BYTE_COUNTS]
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    if len(offsets) != 1:
        raise RuntimeError(f"libtiff wrote {len(offsets)} strips, one was asked for")
    raw = out.getvalue()
    return raw[offsets[0] : offsets[0] + counts[0]]


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # 4:2:0 chroma: colour detail at half resolution, as every camera and scanner stores it
    image.save(out, "JPEG", quality=quality, optimize=True, subsampling=2)
    return out.getvalue()


def _pdf_bytes(ref: PageRef, cache: dict[Path, bytes]) -> bytes | None:
    """A PDF's bytes, read once for all its pages; None for image files."""
    if ref.path.suffix.lower() != ".pdf":
        return None
    if ref.path not in cache:
        cache[ref.path] = read_file(ref.path)
    return cache[ref.path]
