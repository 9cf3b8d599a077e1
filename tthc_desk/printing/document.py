"""Build a PDF from parts: each part is one document (a copy of a receipt, a letter).

Every part starts on a new page. Page numbers restart with each part and are printed centred in
the top margin from the part's second page on (ND 30/2020: no number on the first page). A part
may carry a form number ("Mẫu số 01 – …"), printed small at the top right of its first page in
the margin, and a running head (e.g. "Mã hồ sơ: … (Liên 1: Lưu)") printed small at the foot of
its continuation pages, so a loose second sheet can still be matched to its first.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from tthc_desk.domain.text import nfc
from tthc_desk.printing import fonts
from tthc_desk.printing.layout import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_SIZE,
    SMALL_SIZE,
    Styles,
    get_styles,
)


@dataclass(frozen=True)
class Part:
    """One document of the PDF: its flowables, an optional form number and running head."""

    flowables: Sequence[Flowable]
    form_number: str = ""
    running_head: str = ""


class _PartStart(Flowable):
    """Invisible marker at the start of each part: page numbering restarts there."""

    def __init__(self, part: Part) -> None:
        super().__init__()
        self.part = part

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class _DocTemplate(BaseDocTemplate):
    def __init__(self, target: Any, styles: Styles, **kw: Any) -> None:
        super().__init__(
            target,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            invariant=1,  # same input, same bytes: no timestamp, no random document ID
            **kw,
        )
        self._number_style = styles.page_number
        self._part_first_page = 1
        self._part = Part(())
        frame = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            FRAME_HEIGHT,
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

    def _page_end(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        number = self.page - self._part_first_page + 1
        right = PAGE_SIZE[0] - MARGIN_RIGHT
        canvas.saveState()
        if number == 1:
            if self._part.form_number:
                canvas.setFont(fonts.ITALIC, SMALL_SIZE)
                canvas.drawRightString(
                    right, PAGE_SIZE[1] - MARGIN_TOP + 3 * mm, nfc(self._part.form_number)
                )
        else:
            style = self._number_style
            baseline = PAGE_SIZE[1] - MARGIN_TOP / 2 - style.fontSize / 3
            canvas.setFont(style.fontName, style.fontSize)
            canvas.drawCentredString(MARGIN_LEFT + FRAME_WIDTH / 2, baseline, str(number))
            if self._part.running_head:
                canvas.setFont(fonts.ITALIC, SMALL_SIZE)
                canvas.drawRightString(right, MARGIN_BOTTOM - 8 * mm, nfc(self._part.running_head))
        canvas.restoreState()


def _as_part(part: Part | Sequence[Flowable]) -> Part:
    return part if isinstance(part, Part) else Part(list(part))


def build_pdf(
    parts: Sequence[Part | Sequence[Flowable]],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    styles: Styles | None = None,
) -> bytes:
    """Lay out ``parts`` into one PDF and return its bytes (metadata NFC, output reproducible)."""
    if not parts:
        raise ValueError("build_pdf needs at least one part")
    buffer = io.BytesIO()
    doc = _DocTemplate(
        buffer,
        styles or get_styles(),
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
    doc.build(story)
    return buffer.getvalue()


def write_pdf(parts: Sequence[Part | Sequence[Flowable]], path: Path | str, **meta: Any) -> Path:
    """:func:`build_pdf` into ``path``; the file is replaced whole or not at all."""
    target = Path(path)
    data = build_pdf(parts, **meta)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target
