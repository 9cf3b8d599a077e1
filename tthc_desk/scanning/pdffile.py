"""Reading scan files: the bytes of a file, a PDF open in PDFium under the process's one lock.

PDFium is not thread-safe and the process has one copy of it: every call into pypdfium2, in
the scans (:mod:`render`, :mod:`pages`), the print preview (``tthc_desk/ui/pdf_pages.py``) or
anywhere else, holds :data:`PDFIUM_LOCK` (also importable as ``render.PDFIUM_LOCK``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tthc_desk.domain.errors import ScanError

#: The one lock for pypdfium2 in the process (PDFium is not thread-safe).
PDFIUM_LOCK = threading.Lock()


@contextmanager
def pdf_document(data: bytes, name: str = "") -> Iterator[Any]:
    """The PDF open in PDFium, holding :data:`PDFIUM_LOCK` until the block ends; ScanError when
    PDFium cannot read it (``name`` is the file named in the message)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ScanError(_pdf_problem(name, str(exc))) from exc
        try:
            yield doc
        finally:
            doc.close()


def _pdf_problem(name: str, reason: str) -> str:
    what = f"Tệp “{name}”" if name else "Tệp PDF"
    if "password" in reason.lower():
        return f"{what} có mật khẩu: hãy mở khóa (lưu lại không mật khẩu) rồi thêm lại."
    return f"{what} bị hỏng hoặc không phải là PDF: hãy quét lại hoặc chọn tệp khác."


def read_file(path: Path) -> bytes:
    """The bytes of ``path``; ScanError naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScanError(unreadable(path, exc)) from exc


def unreadable(path: Path, exc: OSError) -> str:
    """Why ``path`` cannot be read, in Vietnamese, with what to do."""
    if isinstance(exc, FileNotFoundError):
        why = "không còn ở đó (đã bị xóa hoặc chuyển đi)"
    elif isinstance(exc, PermissionError):
        why = "không có quyền đọc (tệp đang mở ở chương trình khác hoặc bị khóa)"
    elif isinstance(exc, IsADirectoryError):
        why = "là một thư mục, không phải một tệp"
    else:
        why = f"lỗi đọc ổ đĩa ({exc.__class__.__name__})"
    return f"Không đọc được tệp “{path.name}”: {why}. Hãy kiểm tra lại tệp rồi thêm lại."
