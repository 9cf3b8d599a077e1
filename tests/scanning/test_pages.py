"""Pages of files: one PageRef per PDF page or TIFF frame; files that cannot be used are refused
with a Vietnamese message naming them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.pages import PageRef, expand, pdf_page_count


def test_expand_gives_a_ref_per_page_in_order(scans: dict[str, Path]) -> None:
    refs = expand([scans["text.tif"], scans["photo.jpg"], scans["text.pdf"]])
    assert [(r.path.name, r.index) for r in refs] == [
        ("text.tif", 0),
        ("text.tif", 1),
        ("text.tif", 2),
        ("photo.jpg", 0),
        ("text.pdf", 0),
        ("text.pdf", 1),
    ]
    assert all(r.rotation == 0 for r in refs)


def test_suffixes_in_capitals_are_accepted(scans: dict[str, Path], tmp_path: Path) -> None:
    upper = tmp_path / "SCAN0001.JPG"
    upper.write_bytes(scans["photo.jpg"].read_bytes())
    assert expand([upper]) == [PageRef(upper)]


def test_rotated_turns_clockwise_by_quarters() -> None:
    ref = PageRef(Path("a.pdf"), 1)
    assert ref.rotated(1).rotation == 90
    assert ref.rotated(1).rotated(1).rotated(1).rotated(1) == ref
    assert ref.rotated(-1).rotation == 270
    assert ref.rotated(6).rotation == 180
    assert ref.rotated(1).index == 1


def test_a_rotation_off_the_quarters_is_refused() -> None:
    with pytest.raises(ValueError):
        PageRef(Path("a.pdf"), rotation=45)


def test_pdf_page_count(scans: dict[str, Path]) -> None:
    assert pdf_page_count(scans["text.pdf"].read_bytes()) == 2
    with pytest.raises(ScanError):
        pdf_page_count(b"not a pdf")


@pytest.mark.parametrize("name", ["giay-to.docx", "anh.gif", "scan"])
def test_an_unsupported_file_is_refused_by_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"something")
    with pytest.raises(ScanError) as caught:
        expand([path])
    assert f"“{name}”" in caught.value.message
    assert "chỉ nhận PDF, JPEG, PNG và TIFF" in caught.value.message


@pytest.mark.parametrize("name", ["trong.pdf", "trong.jpg", "trong.tif"])
def test_an_empty_file_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(ScanError) as caught:
        expand([path])
    assert caught.value.message.startswith(f"Tệp “{name}” trống")


def test_a_pdf_with_no_page_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    path = tmp_path / "khong-trang.pdf"
    with path.open("wb") as out:
        PdfWriter().write(out)
    with pytest.raises(ScanError) as caught:
        expand([path])
    # PDFium does not open a PDF without pages: damaged or empty, the file is named
    assert caught.value.message.startswith("Tệp “khong-trang.pdf”")
    assert "quét lại hoặc chọn tệp khác" in caught.value.message


@pytest.mark.parametrize("name", ["hong.pdf", "hong.jpg", "hong.png", "hong.tiff"])
def test_a_damaged_file_is_refused_by_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\x00garbage, not what the name says" * 10)
    with pytest.raises(ScanError) as caught:
        expand([path])
    assert f"Tệp “{name}” bị hỏng" in caught.value.message
    assert "quét lại hoặc chọn tệp khác" in caught.value.message


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ScanError) as caught:
        expand([tmp_path / "da-xoa.pdf"])
    assert "Không đọc được tệp “da-xoa.pdf”: không còn ở đó" in caught.value.message


def test_a_pdf_with_a_password_says_so(tmp_path: Path, scans: dict[str, Path]) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(scans["text.pdf"]))
    writer.encrypt(user_password="bimat", owner_password="bimat")
    path = tmp_path / "mat-khau.pdf"
    with path.open("wb") as out:
        writer.write(out)
    with pytest.raises(ScanError) as caught:
        expand([path])
    assert "“mat-khau.pdf” có mật khẩu" in caught.value.message
