"""Build a PDF from parts: each part is one document (a copy of a receipt, a letter).

Every part starts on a new page. Page numbers restart with each part and are printed centred in
the top margin from the part's second page on (ND 30/2020: no number on the first page). A part
may carry a form number ("Mẫu số 01 – …"), printed small at the top right of its first page in
the margin, and a running head (e.g. "Mã hồ sơ: … (Liên 1: Lưu)") printed small at the foot of
its continuation pages, so a loose second sheet can still be matched to its first, and a mark
(e.g. "DỰ THẢO" on a draft letter) printed boxed at the top left of each of its pages.

A document is portrait A4 by default; registers pass ``geometry=LANDSCAPE``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFBase85Encode, PDFName, PDFStream, PDFZCompress
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from tthc_desk.domain.text import nfc
from tthc_desk.durable import write
from tthc_desk.printing import fonts
from tthc_desk.printing.layout import (
    PORTRAIT,
    SMALL_SIZE,
    PageGeometry,
    Styles,
    get_styles,
    text_width,
)


@dataclass(frozen=True)
class Part:
    """One document of the PDF: its flowables, an optional form number and running head."""

    flowables: Sequence[Flowable]
    form_number: str = ""
    running_head: str = ""
    mark: str = ""


class _PartStart(Flowable):
    """Invisible marker at the start of each part: page numbering restarts there."""

    def __init__(self, part: Part) -> None:
        super().__init__()
        self.part = part

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class Mark(Flowable):
    """Invisible marker: :func:`lay_out` reports the page (within its part) it lands on."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class _CompactCanvas(Canvas):
    """A canvas that compresses each page as soon as it is finished. reportlab keeps a page's
    drawing commands as text until the whole file is saved (some 25 KB a page of the ledger):
    a year's ledger of 12,000 pages would hold several hundred MB. The stream is compressed as
    reportlab would compress it at the end, so the bytes of the file are the same."""

    def showPage(self) -> None:
        super().showPage()
        # reportlab's stubs leave out the canvas's document and a stream's comment.
        pages = self._doc.Pages.pages  # type: ignore[attr-defined]
        page = pages[-1] if pages else None
        if page is None or page.Contents or not page.stream or not page.compression:
            return
        # The filters reportlab's PDFPage.check_format would give it, applied as
        # PDFStream.format applies them (last listed first); it leaves a stream whose filters
        # are named alone.
        filters: list[Any] = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
        content, names = page.stream, list[Any]()
        for f in reversed(filters):
            content = f.encode(content)
            names.insert(0, PDFName(f.pdfname))
        stream = PDFStream(content=content)
        stream.dictionary["Filter"] = PDFArray(names)
        # As reportlab names its page streams (the stubs leave the attribute out).
        stream.__Comment__ = "page stream"  # type: ignore[attr-defined]
        page.Contents, page.stream = stream, None


class _DocTemplate(BaseDocTemplate):
    def __init__(
        self, target: Any, styles: Styles, geometry: PageGeometry = PORTRAIT, **kw: Any
    ) -> None:
        super().__init__(
            target,
            pagesize=geometry.size,
            leftMargin=geometry.left,
            rightMargin=geometry.right,
            topMargin=geometry.top,
            bottomMargin=geometry.bottom,
            invariant=1,  # same input, same bytes: no timestamp, no random document ID
            **kw,
        )
        self._geometry = geometry
        self._number_style = styles.page_number
        self._mark_style = styles.mark
        self._part_first_page = 1
        self._part = Part(())
        self.marks: dict[str, int] = {}
        frame = Frame(
            geometry.left,
            geometry.bottom,
            geometry.frame_width,
            geometry.frame_height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=self._page_end)])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _PartStart):
            self._part_first_page = self.page
            self._part = flowable.part
        elif isinstance(flowable, Mark):
            self.marks[flowable.name] = self.page - self._part_first_page + 1

    def _page_end(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        g = self._geometry
        number = self.page - self._part_first_page + 1
        right = g.size[0] - g.right
        top = g.size[1] - g.top
        canvas.saveState()
        if number == 1:
            if self._part.form_number:
                canvas.setFont(fonts.ITALIC, SMALL_SIZE)
                canvas.drawRightString(right, top + 3 * mm, nfc(self._part.form_number))
        else:
            style = self._number_style
            baseline = g.size[1] - g.top / 2 - style.fontSize / 3
            canvas.setFont(style.fontName, style.fontSize)
            canvas.drawCentredString(g.left + g.frame_width / 2, baseline, str(number))
            if self._part.running_head:
                canvas.setFont(fonts.ITALIC, SMALL_SIZE)
                canvas.drawRightString(right, g.bottom - 8 * mm, nfc(self._part.running_head))
        if self._part.mark:
            self._draw_mark(canvas, g.left, top + 2.5 * mm, nfc(self._part.mark))
        canvas.restoreState()

    def _draw_mark(self, canvas: Canvas, x: float, y: float, text: str) -> None:
        style = self._mark_style
        pad = 1.5 * mm
        canvas.setLineWidth(0.8)
        canvas.rect(x, y, text_width(text, style) + 2 * pad, style.fontSize + pad)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.drawString(x + pad, y + pad * 0.6 + style.fontSize * 0.12, text)


def _as_part(part: Part | Sequence[Flowable]) -> Part:
    return part if isinstance(part, Part) else Part(list(part))


def build_pdf(
    parts: Sequence[Part | Sequence[Flowable]],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    styles: Styles | None = None,
    geometry: PageGeometry = PORTRAIT,
) -> bytes:
    """Lay out ``parts`` into one PDF and return its bytes (metadata NFC, output reproducible)."""
    if not parts:
        raise ValueError("build_pdf needs at least one part")
    buffer = io.BytesIO()
    doc = _DocTemplate(
        buffer,
        styles or get_styles(),
        geometry,
        title=nfc(title),
        author=nfc(author),
        subject=nfc(subject),
        creator="TTHC Desk",
        lang="vi-VN",
    )
    story: list[Flowable] = []
    for i, raw in enumerate(parts):
        part = _as_part(raw)
        if i:
            story.append(PageBreak())
        story.append(_PartStart(part))
        story.extend(part.flowables)
    doc.build(story, canvasmaker=_CompactCanvas)
    return buffer.getvalue()


@dataclass(frozen=True)
class Laid:
    """How one part lays out: its number of pages and the page of each :class:`Mark`."""

    pages: int
    marks: dict[str, int]


def lay_out(part: Part, geometry: PageGeometry = PORTRAIT, styles: Styles | None = None) -> Laid:
    """Lay ``part`` out alone (into nothing kept) to see how many pages it takes. The flowables
    are used up: build the part afresh for the real document."""
    doc = _DocTemplate(io.BytesIO(), styles or get_styles(), geometry)
    doc.build([_PartStart(part), *part.flowables])
    return Laid(doc.page, dict(doc.marks))


def write_pdf(parts: Sequence[Part | Sequence[Flowable]], path: Path | str, **meta: Any) -> Path:
    """:func:`build_pdf` into ``path``; the file is replaced whole or not at all."""
    return write(path, build_pdf(parts, **meta))
