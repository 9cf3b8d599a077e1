"""A PDF of scanned pages, written directly: one image per page, filling it.

Each image keeps its compressed bytes as they are (CCITT G4 or JPEG): nothing is decoded and
re-encoded on the way. No date or random ID is written, so the same pages give the same bytes
(and the same SHA-256 in the attachment store).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@dataclass(frozen=True)
class EncodedPage:
    """A page's image, compressed, and the page's size in points."""

    data: bytes
    width_px: int
    height_px: int
    width_pt: float
    height_pt: float
    #: "CCITTFaxDecode" (1 bit, G4) or "DCTDecode" (JPEG)
    filter: str
    #: "DeviceGray" or "DeviceRGB"
    colour_space: str

    def image_dict(self) -> bytes:
        bits = 1 if self.filter == "CCITTFaxDecode" else 8
        parms = (
            f" /DecodeParms << /K -1 /Columns {self.width_px} /Rows {self.height_px}"
            " /BlackIs1 true >>"
            if bits == 1
            else ""
        )
        return (
            f"<< /Type /XObject /Subtype /Image /Width {self.width_px} /Height {self.height_px}"
            f" /ColorSpace /{self.colour_space} /BitsPerComponent {bits}"
            f" /Filter /{self.filter}{parms} /Length {len(self.data)} >>"
        ).encode("ascii")

    def content(self) -> bytes:
        return f"q {_num(self.width_pt)} 0 0 {_num(self.height_pt)} 0 0 cm /Im0 Do Q".encode()


def write_pdf(pages: Sequence[EncodedPage]) -> bytes:
    """The PDF of ``pages``, in order."""
    writer = _Writer()
    page_ids = [3 + 3 * n for n in range(len(pages))]
    writer.add(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    writer.add(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for page_id, page in zip(page_ids, pages, strict=True):
        box = f"[0 0 {_num(page.width_pt)} {_num(page.height_pt)}]"
        writer.add(
            f"<< /Type /Page /Parent 2 0 R /MediaBox {box} /Resources << /XObject"
            f" << /Im0 {page_id + 1} 0 R >> >> /Contents {page_id + 2} 0 R >>".encode()
        )
        writer.add_stream(page.image_dict(), page.data)
        content = page.content()
        writer.add_stream(f"<< /Length {len(content)} >>".encode(), content)
    return writer.finish()


class _Writer:
    """Numbered objects in order, then the cross-reference table."""

    def __init__(self) -> None:
        self._parts: list[bytes] = [HEADER]
        self._size = len(HEADER)
        self._offsets: list[int] = []

    def add(self, body: bytes) -> None:
        self._object(body)

    def add_stream(self, head: bytes, data: bytes) -> None:
        self._object(head + b"\nstream\n" + data + b"\nendstream")

    def _object(self, body: bytes) -> None:
        self._offsets.append(self._size)
        self._put(f"{len(self._offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

    def _put(self, chunk: bytes) -> None:
        self._parts.append(chunk)
        self._size += len(chunk)

    def finish(self) -> bytes:
        start = self._size
        rows = "".join(f"{offset:010d} 00000 n \n" for offset in self._offsets)
        count = len(self._offsets) + 1
        self._put(f"xref\n0 {count}\n0000000000 65535 f \n{rows}".encode())
        self._put(f"trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode())
        return b"".join(self._parts)


def _num(value: float) -> str:
    """A PDF number: at most 3 decimals, no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".")
