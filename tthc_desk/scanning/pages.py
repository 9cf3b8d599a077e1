"""Pages of the files a clerk brings: one :class:`PageRef` per page of a PDF or frame of a TIFF.

A ``PageRef`` is cheap (a path, a page number, a rotation): the page editor reorders, rotates and
drops them; composing reads the pixels only at the end. :func:`expand` opens each file once to
count its pages and refuses, with a message naming the file, what cannot be used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from tthc_desk.domain.errors import ScanError
from tthc_desk.scanning.pdffile import pdf_document, read_file, unreadable

#: What the scanner folder, the file dialog and drops accept (lower-case suffixes).
SUPPORTED = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
ROTATIONS = (0, 90, 180, 270)
FORMATS_TEXT = "PDF, JPEG, PNG và TIFF"


@dataclass(frozen=True)
class PageRef:
    """One page: page ``index`` (0-based) of a PDF or frame of a TIFF (0 for JPEG and PNG),
    turned ``rotation`` degrees clockwise."""

    path: Path
    index: int = 0
    rotation: int = 0

    def __post_init__(self) -> None:
        if self.rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, not {self.rotation}")
        if self.index < 0:
            raise ValueError(f"page index must be >= 0, not {self.index}")

    def rotated(self, quarter_turns: int) -> PageRef:
        """This page turned ``quarter_turns`` × 90° further clockwise (negative: anticlockwise)."""
        return replace(self, rotation=(self.rotation + 90 * quarter_turns) % 360)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


def expand(paths: Iterable[Path]) -> list[PageRef]:
    """Every page of every file, in order; ScanError (naming the file and what to do) for a file
    of another kind, one that cannot be read, or one with no page."""
    refs: list[PageRef] = []
    for path in paths:
        refs.extend(PageRef(path, i) for i in range(_page_count(Path(path))))
    return refs


def pdf_page_count(data: bytes) -> int:
    """Pages of the PDF ``data``; ScanError when it is not a PDF PDFium can read."""
    with pdf_document(data) as doc:
        return len(doc)


def _page_count(path: Path) -> int:
    if not is_supported(path):
        raise ScanError(
            f"Tệp “{path.name}” không dùng được: chỉ nhận {FORMATS_TEXT}. "
            "Hãy lưu hoặc quét lại thành một trong các định dạng đó."
        )
    if _size(path) == 0:
        raise ScanError(_empty(path))
    if path.suffix.lower() == ".pdf":
        with pdf_document(read_file(path), path.name) as doc:
            count = len(doc)
    else:
        count = _frame_count(path)
    if count < 1:
        raise ScanError(_empty(path))
    return count


def _frame_count(path: Path) -> int:
    try:
        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's "cannot identify image file"
        raise ScanError(
            f"Tệp “{path.name}” bị hỏng hoặc không phải là ảnh ({FORMATS_TEXT}): "
            "hãy quét lại hoặc chọn tệp khác."
        ) from exc


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise ScanError(unreadable(path, exc)) from exc


def _empty(path: Path) -> str:
    return f"Tệp “{path.name}” trống, không có trang nào: hãy quét lại hoặc chọn tệp khác."
