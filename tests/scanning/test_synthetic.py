"""The synthetic scans tests, the demo and the bench use: A4, deterministic, each format."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tthc_desk.scanning.colour import PageTone, classify
from tthc_desk.scanning.pages import expand
from tthc_desk.scanning.synthetic import a4_pixels, photo_page, text_page, write_scan


def test_pages_are_a4_and_of_their_tone() -> None:
    text, photo = text_page(1, dpi=100), photo_page(1, dpi=100)
    assert text.size == photo.size == a4_pixels(100) == (827, 1169)
    assert classify(text) is PageTone.BILEVEL
    assert classify(photo) is PageTone.COLOUR
    assert classify(photo.convert("L")) is PageTone.GREY


def test_the_same_seed_gives_the_same_page() -> None:
    assert text_page(7, dpi=50).tobytes() == text_page(7, dpi=50).tobytes()
    assert text_page(7, dpi=50).tobytes() != text_page(8, dpi=50).tobytes()
    assert photo_page(7, dpi=50).tobytes() == photo_page(7, dpi=50).tobytes()


@pytest.mark.parametrize(
    ("name", "pages"), [("a.pdf", 3), ("a.tif", 2), ("a.jpg", 1), ("a.png", 1)]
)
def test_write_scan_in_each_format(tmp_path: Path, name: str, pages: int) -> None:
    path = write_scan(tmp_path, name, "text", pages, dpi=50)
    assert path == tmp_path / name
    assert len(expand([path])) == pages


def test_write_scan_records_the_resolution(tmp_path: Path) -> None:
    with Image.open(write_scan(tmp_path, "a.tif", "photo", 1, dpi=150)) as image:
        assert image.info["dpi"][0] == pytest.approx(150)


def test_write_scan_refuses_what_a_format_cannot_hold(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_scan(tmp_path, "a.jpg", "text", 2, dpi=50)
    with pytest.raises(ValueError):
        write_scan(tmp_path, "a.gif", "text", 1, dpi=50)
