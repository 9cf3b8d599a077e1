"""The digitised dossier as one PDF (issue 15): a cover sheet, then every scanned paper and the
result, for hand-over to a specialist unit or the archive.

The cover sheet names the dossier (code, procedure, applicant), lists each scanned paper with its
pages, its SHA-256 (so the receiver can check each part) and the dossier it was reused from, then
the result, and says who exported it when. The scans follow in the cover's order, page for page
as they were stored (:func:`bind`, with PDFium).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from tthc_desk.domain.scans import Attachment, AttachmentSlot
from tthc_desk.domain.text import format_datetime, nfc
from tthc_desk.printing.document import build_pdf
from tthc_desk.printing.heading import title_block
from tthc_desk.printing.layout import FRAME_WIDTH, RULE_WIDTH, esc, get_styles, markup_para, para

TITLE = "Phiếu bìa hồ sơ số hóa"
HASH_FONT = "Courier"
HASH_SIZE = 8.0


@dataclass(frozen=True)
class ScanCover:
    """What the cover sheet prints."""

    office_name: str
    dossier_code: str
    procedure_name: str
    applicant_name: str
    applicant_id_number: str
    attachments: tuple[Attachment, ...]
    exported_by: str
    exported_at: datetime


def _hash_style() -> ParagraphStyle:
    return ParagraphStyle("scan_hash", fontName=HASH_FONT, fontSize=HASH_SIZE, leading=9.5)


def _hash_text(sha256: str) -> str:
    """The hash on two lines of 32 characters (it is copied and compared by eye)."""
    return f"{sha256[:32]}<br/>{sha256[32:]}"


def _rows(cover: ScanCover) -> list[list[Flowable]]:
    st = get_styles()
    cell, center, mono = st.compact_cell, st.compact_cell_center, _hash_style()
    head = ["STT", "Giấy tờ", "Số trang", "Mã băm SHA-256", "Dùng lại từ hồ sơ"]
    rows: list[list[Flowable]] = [[para(h, st.compact_head) for h in head]]
    for i, a in enumerate(cover.attachments, start=1):
        name = a.paper_name if a.slot is AttachmentSlot.PAPER else f"Kết quả: {a.paper_name}"
        number = str(a.paper_no) if a.paper_no is not None else str(i)
        rows.append(
            [
                para(number, center),
                para(name, cell),
                para(str(a.pages), center),
                markup_para(_hash_text(a.sha256), mono),
                para(a.reused_from or "", cell),
            ]
        )
    return rows


def _table(cover: ScanCover) -> Table:
    widths = [12 * mm, 50 * mm, 14 * mm, 52 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    table = Table(_rows(cover), colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), RULE_WIDTH, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def cover_flowables(cover: ScanCover) -> list[Flowable]:
    st = get_styles()
    papers = [a for a in cover.attachments if a.slot is AttachmentSlot.PAPER]
    has_result = any(a.slot is AttachmentSlot.RESULT for a in cover.attachments)
    pages = sum(a.pages for a in cover.attachments)
    lines = [
        f"Cơ quan: {esc(cover.office_name)}",
        f"Mã hồ sơ: <b>{esc(cover.dossier_code)}</b>",
        f"Thủ tục: {esc(cover.procedure_name)}",
        f"Người nộp: {esc(cover.applicant_name)} (số định danh {esc(cover.applicant_id_number)})",
        f"Số thành phần đã số hóa: {len(papers)}; kết quả: {'có' if has_result else 'chưa có'}; "
        f"tổng số trang sau phiếu này: {pages}",
    ]
    out: list[Flowable] = [*title_block(TITLE, (), st, space_before=2 * mm), Spacer(1, 5 * mm)]
    out += [markup_para(nfc(line), st.field) for line in lines]
    out += [Spacer(1, 4 * mm), _table(cover), Spacer(1, 5 * mm)]
    out.append(
        para(
            f"Xuất lúc {format_datetime(cover.exported_at)}, người xuất: {cover.exported_by}. "
            "Mỗi phần sau phiếu này là một bản số hóa theo thứ tự trong bảng; mã băm SHA-256 "
            "của từng bản giúp bên nhận kiểm tra bản đó không bị thay đổi.",
            st.note,
        )
    )
    return out


def cover_pdf(cover: ScanCover) -> bytes:
    return build_pdf(
        [cover_flowables(cover)],
        title=f"{TITLE} {cover.dossier_code}",
        author=cover.exported_by,
        subject=cover.dossier_code,
    )


def bind(cover: bytes, scans: Sequence[bytes], lock: AbstractContextManager[object]) -> bytes:
    """``cover`` then every page of each of ``scans``, as one PDF (PDFium, under ``lock``: the
    process's one lock for PDFium, which is not thread-safe)."""
    import pypdfium2 as pdfium  # a wheel with PDFium inside; see pyproject.toml

    buffer = io.BytesIO()
    with lock:
        out = pdfium.PdfDocument(cover)
        sources = []  # open until the result is saved: imported pages may share their objects
        try:
            for data in scans:
                sources.append(pdfium.PdfDocument(data))
                out.import_pages(sources[-1])
            out.save(buffer)
        finally:
            for source in sources:
                source.close()
            out.close()
    return buffer.getvalue()
