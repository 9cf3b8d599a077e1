"""Pages as images: a page of a PDF rendered by PDFium, a frame of an image file decoded by Pillow.

PDFium is not thread-safe and the process has one copy of it: every call into pypdfium2, here,
in the print preview (``tthc_desk/ui/pdf_pages.py``) or anywhere else, holds :data:`PDFIUM_LOCK`
(made in :mod:`pdffile`, which the page counting uses too; this is the same lock).

Two callers: thumbnails and the viewer want a page at a width in pixels (:func:`render_ref`,
:func:`render_pdf_page`); composing wants it at a resolution, with the size of the paper it shows
(:func:`raster`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageOps

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.pdffile import PDFIUM_LOCK as PDFIUM_LOCK
from tthc_desk.scanning.pdffile import pdf_document, read_file

if TYPE_CHECKING:
    from tthc_desk.scanning.pages import PageRef

POINTS_PER_INCH = 72
#: A4 in inches, portrait: an image that carries no believable resolution is fitted in it.
A4_INCHES = (8.27, 11.69)
#: Below this, a resolution in an image file is a camera's or a screen's default (72, 96), not
#: the scanner's: the image is fitted in A4 instead.
MIN_SCAN_DPI = 100
_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,  # Pillow turns counter-clockwise; ours are clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Raster:
    """A page's pixels and the resolution they are at (so its size on paper is known)."""

    image: Image.Image
    dpi: float

    @property
    def size_points(self) -> tuple[float, float]:
        w, h = self.image.size
        return w * POINTS_PER_INCH / self.dpi, h * POINTS_PER_INCH / self.dpi


def render_page(doc: Any, index: int, scale: float) -> Image.Image:
    """Page ``index`` of an open document (lock held) at ``scale`` pixels per point, on white."""
    page = doc[index]
    try:
        bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), may_draw_forms=False)
        try:
            image: Image.Image = bitmap.to_pil().convert("RGB")  # owns its pixels
        finally:
            bitmap.close()
        return image
    finally:
        page.close()


def render_pdf_page(data: bytes, index: int, *, width_px: int) -> Image.Image:
    """Page ``index`` (0-based) of the PDF ``data``, ``width_px`` pixels wide, on white."""
    with pdf_document(data) as doc:
        width_pt = float(doc[index].get_width())
        return render_page(doc, index, width_px / width_pt)


def render_ref(ref: PageRef, *, width_px: int) -> Image.Image:
    """The page ``ref`` points to, its rotation applied, ``width_px`` pixels wide."""
    sideways = ref.rotation in (90, 270)
    if _is_pdf(ref.path):
        with pdf_document(read_file(ref.path), ref.path.name) as doc:
            w_pt, h_pt = doc[ref.index].get_size()
            image = render_page(doc, ref.index, width_px / (h_pt if sideways else w_pt))
    else:
        image = _open_frame(ref.path, ref.index, draft_px=width_px)
    image = rotate(image, ref.rotation)
    height = max(1, round(image.height * width_px / image.width))
    return image.resize((width_px, height), Image.Resampling.BILINEAR, reducing_gap=2.0)


def raster(ref: PageRef, *, dpi: int, data: bytes | None = None) -> Raster:
    """The page at ``dpi`` at most, rotated: a PDF page rendered at ``dpi``; an image frame at
    its own resolution, brought down to ``dpi`` when finer. ``data``: the file's bytes if read
    already (a PDF of many pages is read once)."""
    if _is_pdf(ref.path):
        source = data if data is not None else read_file(ref.path)
        with pdf_document(source, ref.path.name) as doc:
            page = Raster(render_page(doc, ref.index, dpi / POINTS_PER_INCH), dpi)
    else:
        page = _at_most(_image_raster(ref), dpi)
    return Raster(rotate(page.image, ref.rotation), page.dpi)


def rotate(image: Image.Image, degrees: int) -> Image.Image:
    """``image`` turned clockwise by 0, 90, 180 or 270 degrees (lossless)."""
    turn = _TRANSPOSE.get(degrees % 360)
    return image.transpose(turn) if turn is not None else image


def _image_raster(ref: PageRef) -> Raster:
    image = _open_frame(ref.path, ref.index)
    return Raster(image, _source_dpi(image))


def _at_most(page: Raster, dpi: int) -> Raster:
    if page.dpi <= dpi * 1.05:
        return page
    factor = dpi / page.dpi
    size = (max(1, round(page.image.width * factor)), max(1, round(page.image.height * factor)))
    image = page.image
    if image.mode == "1":
        image = image.convert("L")  # resampling needs grey levels; re-thresholded when encoded
    return Raster(image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0), dpi)


def _source_dpi(image: Image.Image) -> float:
    """The scanner's resolution written in the file, or the one that fits the image in A4."""
    written = image.info.get("dpi")
    if written:
        try:
            # PNG keeps pixels per metre: 100 dpi reads back as 99.9998.
            value = round(float(written[0]), 2)
        except (TypeError, ValueError, IndexError):
            value = 0.0
        if value >= MIN_SCAN_DPI:
            return value
    short, long = sorted(image.size)
    return max(long / A4_INCHES[1], short / A4_INCHES[0], 1.0)


def _open_frame(path: Path, index: int, *, draft_px: int | None = None) -> Image.Image:
    """Frame ``index`` of an image file, upright (EXIF), as "1", "L" or "RGB" on white."""
    try:
        with Image.open(path) as opened:
            opened.seek(index)
            if draft_px and opened.format == "JPEG":
                opened.draft("RGB", (draft_px, draft_px))  # decode at 1/2…1/8 size: thumbnails
            dpi = opened.info.get("dpi")
            image = _normalised(ImageOps.exif_transpose(opened) or opened)
    except (OSError, EOFError, ValueError, SyntaxError) as exc:
        raise ScanError(
            f"Tệp “{path.name}” bị hỏng hoặc không đọc được ({exc.__class__.__name__}): "
            "hãy quét lại hoặc chọn tệp khác."
        ) from exc
    if dpi:
        image.info["dpi"] = dpi
    return image


def _normalised(image: Image.Image) -> Image.Image:
    """Decoded pixels in one of the modes composing knows: "1", "L" or "RGB"."""
    if image.mode in ("1", "L", "RGB"):
        image.load()
        return image.copy()
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if image.mode.startswith("I"):  # 16-bit grey from some scanners: keep the top 8 bits
        return image.point(lambda v: v / 256).convert("L")
    return image.convert("RGB")  # P, CMYK, YCbCr, LAB…


def _is_pdf(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"
