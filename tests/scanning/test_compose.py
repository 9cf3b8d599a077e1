"""Composing a paper's PDF from real files, read back with pypdf (structure, filters, sizes) and
PDFium (pixels)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.colour import PageTone, classify
from tthc_desk.scanning.compose import ComposedPdf, compose, compose_files
from tthc_desk.scanning.pages import PageRef, expand
from tthc_desk.scanning.render import render_pdf_page
from tthc_desk.scanning.synthetic import blank_page, photo_page, text_page

A4_POINTS = (595.3, 841.9)
KB = 1024


def _images(pdf: ComposedPdf) -> list[Any]:
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == pdf.pages
    return [page["/Resources"]["/XObject"]["/Im0"].get_object() for page in reader.pages]


def _sizes(pdf: ComposedPdf) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf.data))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def _is_a4(size: tuple[float, float], tolerance: float = 2.0) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(size, A4_POINTS, strict=True))


def test_text_pages_are_ccitt_g4_within_the_size_target(scans: dict[str, Path]) -> None:
    pdf = compose_files([scans["text.tif"]])
    assert pdf.pages == 3
    for image in _images(pdf):
        assert image["/Filter"] == "/CCITTFaxDecode"
        assert image["/DecodeParms"]["/K"] == -1
        assert image["/BitsPerComponent"] == 1
        assert (image["/Width"], image["/Height"]) == (1654, 2338)
    assert len(pdf.data) / pdf.pages <= 100 * KB  # the target for an A4 text page
    assert len(pdf.data) / pdf.pages <= 40 * KB  # what G4 gives a clean form
    assert all(_is_a4(size) for size in _sizes(pdf))


def test_a_text_page_reads_back_black_on_white(scans: dict[str, Path]) -> None:
    pdf = compose_files([scans["text.png"]])
    page = render_pdf_page(pdf.data, 0, width_px=827).convert("L")
    histogram = page.histogram()
    dark = sum(histogram[:128]) / (page.width * page.height)
    assert page.getpixel((5, 5)) == 255  # the paper is white, not inverted
    assert 0.01 < dark < 0.15  # the text is there


def test_a_photo_is_a_colour_jpeg_of_reasonable_size(scans: dict[str, Path]) -> None:
    pdf = compose_files([scans["photo.jpg"]])
    (image,) = _images(pdf)
    assert image["/Filter"] == "/DCTDecode"
    assert image["/ColorSpace"] == "/DeviceRGB"
    assert 100 * KB < len(pdf.data) < 500 * KB
    assert _is_a4(_sizes(pdf)[0])


def test_a_grey_photo_is_a_greyscale_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "xam.png"
    photo_page(3, dpi=100).convert("L").save(path, dpi=(100, 100))
    (image,) = _images(compose_files([path]))
    assert image["/Filter"] == "/DCTDecode"
    assert image["/ColorSpace"] == "/DeviceGray"


def test_a_form_with_a_red_seal_keeps_its_colour(tmp_path: Path) -> None:
    page = text_page(4, dpi=100).convert("RGB")
    ImageDraw.Draw(page).ellipse((500, 800, 640, 940), outline=(200, 30, 30), width=6)
    assert classify(page) is PageTone.COLOUR
    assert classify(page.convert("L")) is PageTone.BILEVEL
    path = tmp_path / "con-dau.png"
    page.save(path, dpi=(100, 100))
    (image,) = _images(compose_files([path]))
    assert image["/ColorSpace"] == "/DeviceRGB"


def test_pdf_pages_are_rendered_and_recompressed(scans: dict[str, Path]) -> None:
    # the copier's PDF holds grey JPEGs; composed, each page is G4 at the same paper size
    source = [p["/Resources"]["/XObject"] for p in PdfReader(scans["text.pdf"]).pages]
    assert all("/DCTDecode" in str(x[k].get_object()["/Filter"]) for x in source for k in x)
    pdf = compose_files([scans["text.pdf"]])
    assert pdf.pages == 2
    assert [i["/Filter"] for i in _images(pdf)] == ["/CCITTFaxDecode"] * 2
    assert all(_is_a4(size, tolerance=3) for size in _sizes(pdf))


def test_pages_keep_the_order_given(scans: dict[str, Path]) -> None:
    refs = expand([scans["text.tif"], scans["photo.jpg"]])
    pdf = compose([refs[3], refs[0], refs[2]])
    filters = [i["/Filter"] for i in _images(pdf)]
    assert filters == ["/DCTDecode", "/CCITTFaxDecode", "/CCITTFaxDecode"]


def _corner_page(tmp_path: Path) -> Path:
    """A portrait page at 100 dpi, white, with a black square in its top-left corner."""
    image = Image.new("L", (827, 1169), 255)
    ImageDraw.Draw(image).rectangle((0, 0, 150, 150), fill=0)
    path = tmp_path / "goc.png"
    image.save(path, dpi=(100, 100))
    return path


@pytest.mark.parametrize(
    ("turns", "landscape", "corner"),
    [(0, False, "top-left"), (1, True, "top-right"), (2, False, "bottom-right"),
     (3, True, "bottom-left")],
)  # fmt: skip
def test_rotation_turns_the_page_clockwise(
    tmp_path: Path, turns: int, landscape: bool, corner: str
) -> None:
    ref = PageRef(_corner_page(tmp_path)).rotated(turns)
    pdf = compose([ref], dpi=100)
    (width, height), *_ = _sizes(pdf)
    assert (width > height) is landscape
    page = render_pdf_page(pdf.data, 0, width_px=200).convert("L")
    w, h = page.size
    spots = {"top-left": (5, 5), "top-right": (w - 5, 5), "bottom-right": (w - 5, h - 5),
             "bottom-left": (5, h - 5)}  # fmt: skip
    for name, spot in spots.items():
        assert (page.getpixel(spot) == 0) is (name == corner), name


def test_a_finer_scan_is_brought_down_to_the_dpi_asked(tmp_path: Path) -> None:
    path = tmp_path / "300dpi.png"
    text_page(5, dpi=300).save(path, dpi=(300, 300))
    (image,) = _images(compose_files([path], dpi=200))
    assert (image["/Width"], image["/Height"]) == (1654, 2338)
    assert _is_a4(_sizes(compose_files([path], dpi=200))[0])


def test_a_100_dpi_png_keeps_its_resolution(tmp_path: Path) -> None:
    # PNG stores pixels per metre, so 100 dpi reads back as 99.9998 dpi: still a scan's dpi.
    path = tmp_path / "100dpi.png"
    card = text_page(8, dpi=100).crop((0, 0, 400, 300))  # 4 x 3 inches, not stretched to A4
    card.save(path, dpi=(100, 100))
    width, height = _sizes(compose_files([path], dpi=200))[0]
    assert (width, height) == (pytest.approx(288, abs=1), pytest.approx(216, abs=1))


def test_a_camera_photo_without_a_scan_resolution_fits_a4(tmp_path: Path) -> None:
    path = tmp_path / "dien-thoai.jpg"
    photo_page(6, dpi=100).resize((1500, 2000)).save(path, dpi=(72, 72))
    width, height = _sizes(compose_files([path]))[0]
    # 72 "dpi" would make a page of 21 x 28 inches: fitted in A4 instead, its width filling it
    assert width == pytest.approx(A4_POINTS[0], abs=2)
    assert height <= A4_POINTS[1]


def test_the_same_pages_give_the_same_bytes(scans: dict[str, Path]) -> None:
    # no date nor ID in the PDF: the attachment store deduplicates by hash
    assert compose_files([scans["text.png"]]).data == compose_files([scans["text.png"]]).data


def test_nothing_to_compose_is_refused() -> None:
    with pytest.raises(ScanError) as caught:
        compose([])
    assert "Chưa có trang nào" in caught.value.message


def test_a_file_damaged_after_it_was_added_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cat-ngang.jpg"
    photo_page(7, dpi=50).save(path, quality=80)
    refs = expand([path])
    path.write_bytes(path.read_bytes()[:300])  # cut short after being added
    with pytest.raises(ScanError) as caught:
        compose(refs)
    assert "“cat-ngang.jpg” bị hỏng" in caught.value.message


def test_a_file_removed_after_it_was_added_is_named(scans: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "tam.pdf"
    path.write_bytes(scans["text.pdf"].read_bytes())
    refs = expand([path])
    path.unlink()
    with pytest.raises(ScanError) as caught:
        compose(refs)
    assert "Không đọc được tệp “tam.pdf”: không còn ở đó" in caught.value.message


def test_a_blank_page_stays_white_and_tiny(tmp_path: Path) -> None:
    # the back of a sheet from a duplex feeder: paper grain only, no ink
    path = tmp_path / "mat-sau.png"
    blank_page(8).save(path, dpi=(200, 200))
    pdf = compose_files([path])
    assert len(pdf.data) < 5 * KB
    page = render_pdf_page(pdf.data, 0, width_px=400).convert("L")
    assert page.getextrema() == (255, 255)


def test_faint_writing_is_kept(tmp_path: Path) -> None:
    page = Image.new("L", (827, 1169), 235)
    ImageDraw.Draw(page).rectangle((100, 100, 700, 140), fill=150)  # pencil, light blue pen
    path = tmp_path / "but-chi.png"
    page.save(path, dpi=(100, 100))
    back = render_pdf_page(compose_files([path]).data, 0, width_px=827).convert("L")
    assert back.getpixel((400, 120)) == 0
    assert back.getpixel((400, 400)) == 255


@pytest.mark.parametrize("dpi", [200, 300])
def test_a_lineart_tiff_from_a_scanner(tmp_path: Path, dpi: int) -> None:
    path = tmp_path / "den-trang.tif"
    text_page(9, dpi=dpi).point(lambda v: 255 if v > 128 else 0).convert("1").save(
        path, compression="group4", dpi=(dpi, dpi)
    )
    pdf = compose_files([path])
    (image,) = _images(pdf)
    assert image["/Filter"] == "/CCITTFaxDecode"
    assert (image["/Width"], image["/Height"]) == (1654, 2338)
    assert _is_a4(_sizes(pdf)[0])
