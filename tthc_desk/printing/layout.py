"""Shared page layout of printed forms and letters (Nghị định 30/2020/NĐ-CP, Phụ lục I).

A4, margins top 20, bottom 20, left 30, right 15 mm; Times-metric type. A form module builds
the flowables of each document from these pieces and hands them to
:func:`tthc_desk.printing.document.build_pdf`:

- :func:`get_styles` – paragraph styles (13 pt body, 12 pt header and tables, 10 pt notes);
- :func:`office_header` / :func:`header_block` – the two-column header (agency | Quốc hiệu,
  Tiêu ngữ, italic place and date);
- :func:`title_block`, :func:`form_number_line` – centred title lines, a small "Mẫu số" line;
- :func:`field`, :func:`field_pair`, :func:`leader_field` – "Label: value" lines (one, two side
  by side, or ending in dots);
- :func:`centred_with_side`, :func:`beside` – content with a narrow column on its right (the
  receipt's QR code);
- :func:`grid_table` – a ruled table whose header row repeats on every page;
  :func:`ruled_table` – the same with grouped header rows (registers, control slip);
- :data:`PORTRAIT` / :data:`LANDSCAPE` – page geometries (registers are A4 landscape);
- :func:`document_heading` – the header, then the title with its lines (every form but the
  receipt, which puts a QR code beside its title);
- :func:`signature_block`, :func:`notes_block` – signatures in two columns, "Ghi chú:" lines;
- :func:`qr_code` – a QR code flowable.

Every text is NFC-normalised before it is drawn; template text reaches these helpers as markup
escaped by :meth:`FormTemplate.markup`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, LongTable, Paragraph, Spacer, Table, TableStyle

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import format_long_date, nfc
from tthc_desk.printing import fonts
from tthc_desk.printing.templates import FormTemplate

PAGE_SIZE = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM


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

#: Header column widths: the motto column must hold the Quốc hiệu at 12 pt on one line.
HEADER_LEFT_SHARE = 0.43


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


def bold(text: object) -> str:
    return f"<b>{esc(text)}</b>"


def italic(text: object) -> str:
    return f"<i>{esc(text)}</i>"


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


_TIGHT = TableStyle(
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
        widget = QrCodeWidget(self.value, barLevel="M")
        widget.qr.make()
        count = widget.qr.getModuleCount()
        border = widget.barBorder
        box = self.size / (count + 2 * border)
        path = self.canv.beginPath()
        for r, row in enumerate(widget.qr.modules):
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


# ---- header ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """What the two-column header prints. Agency lines are printed in capitals."""

    parent_authority: str
    office_name: str
    nation: str
    motto: str
    date_line: str
    number_line: str = ""


def office_header(
    template: FormTemplate, office: OfficeProfile, day: date, number: str = ""
) -> Header:
    """The header of a form issued by ``office`` on ``day``.

    ``number`` fills the template's ``header.number`` line ("Số: {number}") when given.
    """
    return Header(
        parent_authority=office.parent_authority,
        office_name=office.office_name,
        nation=template.text("header.nation"),
        motto=template.text("header.motto"),
        date_line=format_long_date(office.place_name, day),
        number_line=template.text("header.number", number=number) if number else "",
    )


def header_block(header: Header, styles: Styles | None = None, width: float = FRAME_WIDTH) -> Table:
    """ND 30 header: agency left (parent upright, office bold, short rule, optional Số),
    national motto right (Quốc hiệu, Tiêu ngữ with a rule as long as the text, italic date)."""
    st = styles or get_styles()
    left_w = width * HEADER_LEFT_SHARE
    right_w = width - left_w
    office_lines = balanced_lines(nfc(header.office_name).upper(), st.header_office, left_w)

    left: list[Flowable] = []
    for line in balanced_lines(nfc(header.parent_authority).upper(), st.header_parent, left_w):
        if line:
            left.append(para(line, st.header_parent))
    left.append(markup_para("<br/>".join(esc(line) for line in office_lines), st.header_office))
    # Rule under the agency name: a third of its longest line, centred (ND 30: 1/3–1/2).
    office_line = min(max(text_width(line, st.header_office) for line in office_lines), left_w)
    left.append(HRule(max(office_line / 3, 18 * mm)))
    if header.number_line:
        left.append(para(header.number_line, st.header_number))

    right: list[Flowable] = [
        para(header.nation.upper(), st.header_nation),
        para(header.motto, st.header_motto),
        HRule(text_width(header.motto, st.header_motto)),
    ]
    if header.date_line:
        right.append(para(header.date_line, st.header_date))

    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(_TIGHT)
    return table


def form_number_line(text: str, styles: Styles | None = None) -> Paragraph:
    """The small "Mẫu số …" line at the top right."""
    st = styles or get_styles()
    return para(text, st.right_small_italic)


def title_block(
    title: str,
    lines: Iterable[str] = (),
    styles: Styles | None = None,
    space_before: float = 7 * mm,
) -> list[Flowable]:
    """Centred bold title in capitals, then centred markup ``lines`` (already escaped)."""
    st = styles or get_styles()
    out: list[Flowable] = [Spacer(1, space_before), para(nfc(title).upper(), st.title)]
    out.extend(markup_para(line, st.center) for line in lines)
    return out


# ---- body -----------------------------------------------------------------------------------


def field(markup: str, styles: Styles | None = None) -> Paragraph:
    """A form line, e.g. from FormTemplate.markup("fields.address", address=…)."""
    st = styles or get_styles()
    return markup_para(markup, st.field)


def leader_field(markup: str, styles: Styles | None = None) -> Paragraph:
    """A form line whose last line is filled with dots up to the right margin."""
    st = styles or get_styles()
    return markup_para(markup, st.field_leader)


def field_pair(
    left_markup: str,
    right_markup: str,
    styles: Styles | None = None,
    width: float = FRAME_WIDTH,
    left_share: float = 0.5,
) -> Table:
    """Two form lines side by side, e.g. "Số điện thoại: …" and "Email: …"."""
    st = styles or get_styles()
    left_w = width * left_share
    table = Table(
        [[markup_para(left_markup, st.field), markup_para(right_markup, st.field)]],
        colWidths=[left_w, width - left_w],
    )
    table.setStyle(_TIGHT)
    table.spaceBefore = st.field.spaceBefore
    return table


def beside(
    main: Sequence[Flowable],
    side: Flowable,
    side_width: float,
    width: float = FRAME_WIDTH,
    gap: float = 3 * mm,
) -> Table:
    """``main`` flowables with ``side`` top-aligned in a narrow right column (kept on one page)."""
    table = Table([[list(main), side]], colWidths=[width - side_width - gap, side_width + gap])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def centred_with_side(
    main: Sequence[Flowable],
    side: Flowable,
    side_width: float,
    width: float = FRAME_WIDTH,
) -> Table:
    """``main`` centred on the page with ``side`` (e.g. a QR code) in the right margin of the
    text block; an empty column of the same width on the left keeps ``main`` centred."""
    table = Table(
        [["", list(main), side]], colWidths=[side_width, width - 2 * side_width, side_width]
    )
    table.setStyle(_TIGHT)
    return table


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float],
    styles: Styles | None = None,
    center_columns: Iterable[int] = (),
) -> Table:
    """A ruled table of plain text; the header row repeats when the table breaks across pages."""
    st = styles or get_styles()
    return ruled_table(
        [header],
        rows,
        col_widths,
        st.table_head,
        st.table_cell,
        st.table_cell_center,
        center_columns=center_columns,
    )


#: A cell of :func:`ruled_table`: text (wrapped in a Paragraph), or a ready flowable / list.
Cell = object


def ruled_table(
    header_rows: Sequence[Sequence[str]],
    rows: Sequence[Sequence[Cell]],
    col_widths: Sequence[float],
    head_style: ParagraphStyle,
    cell_style: ParagraphStyle,
    center_style: ParagraphStyle,
    *,
    center_columns: Iterable[int] = (),
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
    long: bool = False,
    padding: float = 1.5 * mm,
    plain_columns: Iterable[int] = (),
) -> Table:
    """A ruled table whose ``header_rows`` (one or more, e.g. a grouped "Ngày, tháng, năm" over
    its sub-columns) repeat on every page.

    ``spans`` are reportlab SPAN ranges ((col, row), (col, row)) in table coordinates, header
    rows included; cells covered by a span are left empty. Text cells become Paragraphs (NFC,
    escaped); flowables and lists of flowables are used as they are. ``long`` uses LongTable,
    whose page splitting stays linear for registers of thousands of rows. Body text in
    ``plain_columns`` (short values: dates, numbers) is drawn as plain strings in the cell
    style's font, which costs far less than a Paragraph; it does not wrap.
    """
    centred = set(center_columns)
    plain = set(plain_columns)

    def cell(value: Cell, style: ParagraphStyle) -> object:
        if isinstance(value, Flowable | list | tuple):
            return value
        return para(value, style) if value not in (None, "") else ""

    data: list[list[object]] = [[cell(h, head_style) for h in row] for row in header_rows]
    for row in rows:
        data.append(
            [
                nfc(str(v))
                if i in plain and isinstance(v, str)
                else cell(v, center_style if i in centred else cell_style)
                for i, v in enumerate(row)
            ]
        )
    table_class = LongTable if long else Table
    n_head = len(header_rows)
    table = table_class(data, colWidths=list(col_widths), repeatRows=n_head)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), RULE_WIDTH, colors.black),
        ("VALIGN", (0, 0), (-1, n_head - 1), "MIDDLE"),
        ("VALIGN", (0, n_head), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    commands += [("SPAN", a, b) for a, b in spans]
    if plain:
        commands += [
            ("FONTNAME", (0, n_head), (-1, -1), cell_style.fontName),
            ("FONTSIZE", (0, n_head), (-1, -1), cell_style.fontSize),
            ("LEADING", (0, n_head), (-1, -1), cell_style.leading),
        ]
        commands += [("ALIGN", (i, n_head), (i, -1), "CENTER") for i in plain & centred]
    table.setStyle(TableStyle(commands))
    return table


def document_heading(
    header: Header,
    title: str,
    lines: Iterable[str] = (),
    styles: Styles | None = None,
    width: float = FRAME_WIDTH,
    space_before: float = 6 * mm,
) -> list[Flowable]:
    """The two-column header, then the centred title and its (markup) lines."""
    st = styles or get_styles()
    return [header_block(header, st, width), *title_block(title, lines, st, space_before)]


# ---- signatures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureColumn:
    """One signature: caption lines in bold capitals (e.g. "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    an italic note such as "(Ký và ghi rõ họ tên)", room to sign, then the name in bold."""

    captions: tuple[str, ...]
    note: str = ""
    name: str = ""
    space: float = 16 * mm


def _signature_cell(column: SignatureColumn | None, st: Styles) -> list[Flowable]:
    if column is None:
        return []
    cell: list[Flowable] = [para(nfc(c).upper(), st.sign_caption) for c in column.captions]
    if column.note:
        cell.append(para(column.note, st.sign_note))
    cell.append(Spacer(1, column.space))
    if column.name:
        cell.append(para(column.name, st.sign_name))
    return cell


def signature_block(
    left: SignatureColumn | Sequence[Flowable] | None,
    right: SignatureColumn | Sequence[Flowable] | None,
    styles: Styles | None = None,
    width: float = FRAME_WIDTH,
    space_before: float = 3 * mm,
) -> Table:
    """Two columns side by side (either may be None, or ready flowables such as "Nơi nhận:").

    The table is a single row, so a signature never splits from its caption.
    """
    st = styles or get_styles()

    def cell(side: SignatureColumn | Sequence[Flowable] | None) -> list[Flowable]:
        if side is None or isinstance(side, SignatureColumn):
            return _signature_cell(side, st)
        return list(side)

    table = Table([[cell(left), cell(right)]], colWidths=[width / 2, width / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), space_before),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def notes_block(heading: str, lines: Iterable[str], styles: Styles | None = None) -> list[Flowable]:
    """A "Ghi chú:" heading and its lines in small type."""
    st = styles or get_styles()
    return [para(heading, st.note_heading), *(para(line, st.note) for line in lines)]


def recipients_block(
    heading: str, lines: Iterable[str], styles: Styles | None = None
) -> list[Flowable]:
    """ND 30 "Nơi nhận:" (12 pt bold italic) and its lines (11 pt), left of a signature."""
    st = styles or get_styles()
    return [
        para(heading, st.recipients_heading),
        *(para(line, st.recipients_item) for line in lines),
    ]
