"""Thumbnails and the viewer's pages: a PDF page at a width, a page of any file with its
rotation; one PDFium lock for the whole process."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning import render
from tthc_desk.scanning.compose import compose_files
from tthc_desk.scanning.pages import PageRef, expand


def test_render_pdf_page_at_a_width(scans: dict[str, Path]) -> None:
    data = scans["text.pdf"].read_bytes()
    image = render.render_pdf_page(data, 1, width_px=300)
    assert image.mode == "RGB"
    assert image.width == 300
    assert image.height == pytest.approx(300 * 297 / 210, abs=2)


@pytest.mark.parametrize("name", ["text.tif", "text.pdf", "photo.jpg", "text.png"])
def test_render_ref_every_kind_of_file(scans: dict[str, Path], name: str) -> None:
    for ref in expand([scans[name]]):
        image = render.render_ref(ref, width_px=160)
        assert image.width == 160
        assert image.height == pytest.approx(160 * 297 / 210, abs=3)


@pytest.mark.parametrize("name", ["text.tif", "text.pdf", "photo.jpg"])
def test_render_ref_applies_the_rotation(scans: dict[str, Path], name: str) -> None:
    ref = PageRef(scans[name], 0, rotation=90)
    image = render.render_ref(ref, width_px=200)
    assert image.width == 200
    assert image.height == pytest.approx(200 * 210 / 297, abs=3)  # landscape now


def test_a_composed_pdf_renders(scans: dict[str, Path]) -> None:
    pdf = compose_files([scans["text.png"]])
    assert render.render_pdf_page(pdf.data, 0, width_px=100).width == 100


def test_render_of_a_damaged_pdf_is_a_scan_error() -> None:
    with pytest.raises(ScanError):
        render.render_pdf_page(b"%PDF-1.4 nothing more", 0, width_px=100)


def test_the_print_preview_uses_the_same_lock() -> None:
    from tthc_desk.ui import pdf_pages

    assert pdf_pages.PDFIUM_LOCK is render.PDFIUM_LOCK
    assert not hasattr(pdf_pages, "_PDFIUM_LOCK")


def test_renders_wait_for_the_lock(scans: dict[str, Path]) -> None:
    data = scans["text.pdf"].read_bytes()
    done = threading.Event()

    def draw() -> None:
        render.render_pdf_page(data, 0, width_px=50)
        done.set()

    with render.PDFIUM_LOCK:
        worker = threading.Thread(target=draw)
        worker.start()
        assert not done.wait(0.3)  # PDFium is busy elsewhere: the render waits
    worker.join(10)
    assert done.is_set()


def test_renders_from_threads_at_once(scans: dict[str, Path]) -> None:
    data = scans["text.pdf"].read_bytes()
    errors: list[BaseException] = []

    def draw() -> None:
        try:
            for _ in range(5):
                render.render_pdf_page(data, 1, width_px=120)
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
