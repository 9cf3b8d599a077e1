"""Page layout of printed forms and letters (Nghị định 30/2020/NĐ-CP, Phụ lục I): the page,
the type and the smallest pieces every other printing module draws with.

A4, margins top 20, bottom 20, left 30, right 15 mm; Times-metric type.

- :data:`PORTRAIT` / :data:`LANDSCAPE` – page geometries (registers are A4 landscape);
- :func:`get_styles` – paragraph styles (13 pt body, 12 pt header and tables, 10 pt notes);
- :func:`esc`, :func:`para`, :func:`markup_para`, :func:`italic` – NFC text into Paragraphs;
- :func:`text_width`, :func:`balanced_lines` – measuring and breaking a line of text;
- :class:`HRule`, :func:`qr_code` – a centred rule, a QR code.

A form is built from these with :mod:`~tthc_desk.printing.heading` (the header and title),
:mod:`~tthc_desk.printing.body` (form lines and ruled tables) and
:mod:`~tthc_desk.printing.signatures` (who signs), then handed to
:func:`tthc_desk.printing.document.build_pdf`.

Every text is NFC-normalised before it is drawn; template text reaches these helpers as markup
escaped by :meth:`FormTemplate.markup`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, TableStyle

from tthc_desk.domain.text import nfc
from tthc_desk.printing import fonts

PAGE_SIZE = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT


@dataclass(frozen=True)
class PageGeometry:
    """Paper size and margins of a document; the body frame is what the margins leave."""

    size: tuple[float, float]
    top: float
    bottom: float
    left: float
    right: float

    @property
    def frame_width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.size[1] - self.top - self.bottom


PORTRAIT = PageGeometry(PAGE_SIZE, MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT)
#: Registers (sổ, danh sách) on A4 landscape, which ND 30 allows for tables: narrower side
#: margins so thirteen columns fit.
LANDSCAPE = PageGeometry(landscape(A4), 20 * mm, 15 * mm, 20 * mm, 15 * mm)

BODY_SIZE = 13.0
HEADER_SIZE = 12.0  # Quốc hiệu and agency lines: 12–13 pt
MOTTO_SIZE = 13.0  # Tiêu ngữ: 13–14 pt
TITLE_SIZE = 14.0
TABLE_SIZE = 12.0
NOTE_SIZE = 10.0
SMALL_SIZE = 9.5  # form number, running head
REGISTER_SIZE = 9.5  # cells of landscape registers (sổ theo dõi, danh sách)
RULE_WIDTH = 0.6


# ---- text -----------------------------------------------------------------------------------


def esc(text: object) -> str:
    """NFC, then escaped for Paragraph markup."""
    return escape(nfc("" if text is None else str(text)))


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain text (no markup)."""
    return Paragraph(esc(text), style)


def markup_para(markup: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of markup whose text parts were escaped already (see FormTemplate.markup)."""
    return Paragraph(nfc(markup), style)


def italic(text: object) -> str:
    return f"<i>{esc(text)}</i>"


def text_width(text: str, style: ParagraphStyle) -> float:
    return stringWidth(nfc(text), style.fontName, style.fontSize)


def balanced_lines(text: str, style: ParagraphStyle, width: float) -> list[str]:
    """``text`` as one line if it fits, else two lines of even length ("TRUNG TÂM PHỤC VỤ" /
    "HÀNH CHÍNH CÔNG" rather than a long line and a short one), else as the paragraph wraps it."""
    text = nfc(text)
    if text_width(text, style) <= width:
        return [text]
    words = text.split()
    best: tuple[float, list[str]] | None = None
    for i in range(1, len(words)):
        lines = [" ".join(words[:i]), " ".join(words[i:])]
        longest = max(text_width(line, style) for line in lines)
        if longest <= width and (best is None or longest < best[0]):
            best = (longest, lines)
    return best[1] if best else [text]


# ---- styles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle  # justified, first-line indent, 6 pt after (letters)
    field: ParagraphStyle  # a form line: left aligned, no indent
    field_leader: ParagraphStyle  # a form line whose end is filled with dots
    center: ParagraphStyle
    center_bold: ParagraphStyle
    center_italic: ParagraphStyle
    right_small_italic: ParagraphStyle  # form number line
    title: ParagraphStyle
    subtitle: ParagraphStyle
    header_parent: ParagraphStyle  # TÊN CƠ QUAN CHỦ QUẢN: caps, not bold
    header_office: ParagraphStyle  # TÊN CƠ QUAN: caps, bold
    header_number: ParagraphStyle  # Số: …
    header_nation: ParagraphStyle  # Quốc hiệu
    header_motto: ParagraphStyle  # Tiêu ngữ
    header_date: ParagraphStyle  # <place>, ngày … (italic)
    table_head: ParagraphStyle
    table_cell: ParagraphStyle
    table_cell_center: ParagraphStyle
    compact_head: ParagraphStyle  # 11 pt tables of forms with many rows (control slip)
    compact_cell: ParagraphStyle
    compact_cell_center: ParagraphStyle
    register_head: ParagraphStyle  # small type of landscape registers
    register_cell: ParagraphStyle
    register_cell_center: ParagraphStyle
    recipients_heading: ParagraphStyle  # "Nơi nhận:" (12 pt bold italic)
    recipients_item: ParagraphStyle  # its lines (11 pt)
    mark: ParagraphStyle  # "DỰ THẢO"
    sign_caption: ParagraphStyle
    sign_note: ParagraphStyle
    sign_name: ParagraphStyle
    note_heading: ParagraphStyle
    note: ParagraphStyle
    page_number: ParagraphStyle


@cache
def get_styles(body_size: float = BODY_SIZE) -> Styles:
    """Paragraph styles in the registered Times-metric family; ``body_size`` 13 or 14 pt."""
    family = fonts.register_fonts()
    lead = round(body_size * 1.18, 1)

    def style(name: str, size: float = body_size, **kw: Any) -> ParagraphStyle:
        kw.setdefault("leading", round(size * 1.22, 1))
        kw.setdefault("fontName", family)
        return ParagraphStyle(name, fontSize=size, **kw)

    return Styles(
        body=style("body", alignment=TA_JUSTIFY, firstLineIndent=1.27 * 72 / 2.54, spaceAfter=6),
        field=style("field", alignment=TA_LEFT, spaceBefore=1, leading=lead),
        field_leader=style(
            "field_leader", alignment=TA_LEFT, spaceBefore=1, leading=lead, endDots="."
        ),
        center=style("center", alignment=TA_CENTER),
        center_bold=style("center_bold", alignment=TA_CENTER, fontName=fonts.BOLD),
        center_italic=style("center_italic", alignment=TA_CENTER, fontName=fonts.ITALIC),
        right_small_italic=style(
            "right_small_italic",
            SMALL_SIZE,
            alignment=TA_RIGHT,
            fontName=fonts.ITALIC,
            spaceAfter=2 * mm,
        ),
        title=style("title", TITLE_SIZE, alignment=TA_CENTER, fontName=fonts.BOLD, spaceBefore=4),
        subtitle=style("subtitle", alignment=TA_CENTER),
        header_parent=style("header_parent", HEADER_SIZE, alignment=TA_CENTER, leading=14.5),
        header_office=style(
            "header_office", HEADER_SIZE, alignment=TA_CENTER, fontName=fonts.BOLD, leading=14.5
        ),
        header_number=style("header_number", 13, alignment=TA_CENTER, spaceBefore=5),
        header_nation=style(
            "header_nation", HEADER_SIZE, alignment=TA_CENTER, fontName=fonts.BOLD, leading=14.5
        ),
        header_motto=style(
            "header_motto", MOTTO_SIZE, alignment=TA_CENTER, fontName=fonts.BOLD, leading=15
        ),
        header_date=style(
            "header_date", 13, alignment=TA_CENTER, fontName=fonts.ITALIC, spaceBefore=4
        ),
        table_head=style("table_head", TABLE_SIZE, alignment=TA_CENTER, fontName=fonts.BOLD),
        table_cell=style("table_cell", TABLE_SIZE, alignment=TA_LEFT, leading=TABLE_SIZE * 1.15),
        table_cell_center=style(
            "table_cell_center", TABLE_SIZE, alignment=TA_CENTER, leading=TABLE_SIZE * 1.15
        ),
        compact_head=style(
            "compact_head", 11, alignment=TA_CENTER, fontName=fonts.BOLD, leading=12.5
        ),
        compact_cell=style("compact_cell", 11, alignment=TA_LEFT, leading=12.5),
        compact_cell_center=style("compact_cell_center", 11, alignment=TA_CENTER, leading=12.5),
        register_head=style(
            "register_head",
            REGISTER_SIZE,
            alignment=TA_CENTER,
            fontName=fonts.BOLD,
            leading=REGISTER_SIZE * 1.15,
        ),
        register_cell=style(
            "register_cell", REGISTER_SIZE, alignment=TA_LEFT, leading=REGISTER_SIZE * 1.15
        ),
        register_cell_center=style(
            "register_cell_center",
            REGISTER_SIZE,
            alignment=TA_CENTER,
            leading=REGISTER_SIZE * 1.15,
        ),
        recipients_heading=style("recipients_heading", 12, fontName=fonts.BOLD_ITALIC, leading=14),
        recipients_item=style("recipients_item", 11, leading=13),
        mark=style("mark", 11, alignment=TA_LEFT, fontName=fonts.BOLD),
        sign_caption=style("sign_caption", body_size, alignment=TA_CENTER, fontName=fonts.BOLD),
        sign_note=style("sign_note", body_size, alignment=TA_CENTER, fontName=fonts.ITALIC),
        sign_name=style("sign_name", body_size, alignment=TA_CENTER, fontName=fonts.BOLD),
        note_heading=style("note_heading", NOTE_SIZE, fontName=fonts.BOLD_ITALIC, spaceBefore=3),
        note=style("note", NOTE_SIZE, alignment=TA_JUSTIFY, leading=NOTE_SIZE * 1.15),
        page_number=style("page_number", 13, alignment=TA_CENTER),
    )


#: A table that only places things: top-aligned, no padding.
TIGHT = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


# ---- small flowables ------------------------------------------------------------------------


class HRule(Flowable):
    """A solid horizontal rule of ``length`` points, centred in the available width."""

    def __init__(
        self,
        length: float,
        thickness: float = RULE_WIDTH,
        space_above: float = 2.5,
        space_below: float = 1.5,
    ) -> None:
        super().__init__()
        self.length = length
        self.thickness = thickness
        self.space_above = space_above
        self.space_below = space_below
        self._avail = length

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        return avail_width, self.space_above + self.thickness + self.space_below

    def draw(self) -> None:
        length = min(self.length, self._avail)
        x = (self._avail - length) / 2
        y = self.space_below + self.thickness / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x, y, x + length, y)


#: Modules of blank margin around a QR code (what reportlab's QrCodeWidget leaves).
QR_QUIET_ZONE = 4


class QrCode(Flowable):
    """A square QR code of ``value`` (error correction M, with its quiet zone)."""

    def __init__(self, value: str, size: float = 24 * mm) -> None:
        super().__init__()
        self.value = nfc(value)
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        # The modules of reportlab's encoder, drawn as one filled path of runs: the same code
        # as QrCodeWidget draws, without a shape object per run (half the receipt's render time).
        qr = QRCode(None, QRErrorCorrectLevel.M)
        qr.addData(self.value)
        qr.make()
        border = QR_QUIET_ZONE
        box = self.size / (qr.moduleCount + 2 * border)
        path = self.canv.beginPath()
        for r, row in enumerate(qr.modules):
            c = 0
            for dark, run in itertools.groupby(bool(m) for m in row):
                n = sum(1 for _ in run)
                if dark:
                    path.rect((c + border) * box, self.size - (r + border + 1) * box, n * box, box)
                c += n
        self.canv.saveState()
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, stroke=0, fill=1)
        self.canv.restoreState()


def qr_code(value: str, size: float = 24 * mm) -> QrCode:
    return QrCode(value, size)
