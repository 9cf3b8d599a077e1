"""The body of a printed form: its lines and its ruled tables.

- :func:`field`, :func:`field_pair`, :func:`leader_field` – "Label: value" lines (one, two side
  by side, or ending in dots);
- :func:`centred_with_side` – content centred with a narrow column on its right (the receipt's
  QR code beside its title);
- :func:`grid_table` – a ruled table whose header row repeats on every page;
  :func:`ruled_table` – the same with grouped header rows (registers, control slip);
- :func:`notes_block` – the "Ghi chú:" lines at the foot of a form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, LongTable, Paragraph, Table, TableStyle

from tthc_desk.domain.text import nfc
from tthc_desk.printing.layout import (
    FRAME_WIDTH,
    RULE_WIDTH,
    TIGHT,
    Styles,
    get_styles,
    markup_para,
    para,
)

# ---- form lines -----------------------------------------------------------------------------


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
    table.setStyle(TIGHT)
    table.spaceBefore = st.field.spaceBefore
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
    table.setStyle(TIGHT)
    return table


def notes_block(heading: str, lines: Iterable[str], styles: Styles | None = None) -> list[Flowable]:
    """A "Ghi chú:" heading and its lines in small type."""
    st = styles or get_styles()
    return [para(heading, st.note_heading), *(para(line, st.note) for line in lines)]


# ---- ruled tables ---------------------------------------------------------------------------

#: A cell of :func:`ruled_table`: text (wrapped in a Paragraph), or a ready flowable / list.
Cell = object

#: A reportlab SPAN range ((col, row), (col, row)).
Span = tuple[tuple[int, int], tuple[int, int]]


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


def _cell(value: Cell, style: ParagraphStyle) -> object:
    if isinstance(value, Flowable | list | tuple):
        return value
    return para(value, style) if value not in (None, "") else ""


def _body_row(
    row: Sequence[Cell],
    cell_style: ParagraphStyle,
    center_style: ParagraphStyle,
    centred: set[int],
    plain: set[int],
) -> list[object]:
    return [
        nfc(v)
        if i in plain and isinstance(v, str)
        else _cell(v, center_style if i in centred else cell_style)
        for i, v in enumerate(row)
    ]


#: Room above and below the text of a cell (points): the descenders of the last line need
#: the larger bottom share.
CELL_TOP, CELL_BOTTOM = 0.8, 2.2


def _rules(
    n_head: int, padding: float, vertical: tuple[float, float] = (CELL_TOP, CELL_BOTTOM)
) -> list[tuple[Any, ...]]:
    """The grid, header rows centred vertically, body rows top-aligned."""
    return [
        ("GRID", (0, 0), (-1, -1), RULE_WIDTH, colors.black),
        ("VALIGN", (0, 0), (-1, n_head - 1), "MIDDLE"),
        ("VALIGN", (0, n_head), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), vertical[0]),
        ("BOTTOMPADDING", (0, 0), (-1, -1), vertical[1]),
    ]


def _plain_cells(
    n_head: int, cell_style: ParagraphStyle, plain: set[int], centred: set[int]
) -> list[tuple[Any, ...]]:
    """Plain body cells drawn in the cell style's font (centred where their column is)."""
    if not plain:
        return []
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, n_head), (-1, -1), cell_style.fontName),
        ("FONTSIZE", (0, n_head), (-1, -1), cell_style.fontSize),
        ("LEADING", (0, n_head), (-1, -1), cell_style.leading),
    ]
    commands += [("ALIGN", (i, n_head), (i, -1), "CENTER") for i in plain & centred]
    return commands


def ruled_table(
    header_rows: Sequence[Sequence[str]],
    rows: Sequence[Sequence[Cell]],
    col_widths: Sequence[float],
    head_style: ParagraphStyle,
    cell_style: ParagraphStyle,
    center_style: ParagraphStyle,
    *,
    center_columns: Iterable[int] = (),
    spans: Sequence[Span] = (),
    long: bool = False,
    padding: float = 1.5 * mm,
    plain_columns: Iterable[int] = (),
    vertical: tuple[float, float] = (CELL_TOP, CELL_BOTTOM),
    progress: Callable[[int, int], object] | None = None,
) -> Table:
    """A ruled table whose ``header_rows`` (one or more, e.g. a grouped "Ngày, tháng, năm" over
    its sub-columns) repeat on every page.

    ``spans`` are reportlab SPAN ranges ((col, row), (col, row)) in table coordinates, header
    rows included; cells covered by a span are left empty. Text cells become Paragraphs (NFC,
    escaped); flowables and lists of flowables are used as they are. ``long`` uses LongTable,
    whose page splitting stays linear for registers of thousands of rows. Body text in
    ``plain_columns`` (short values: dates, numbers) is drawn as plain strings in the cell
    style's font, which costs far less than a Paragraph; it does not wrap. ``vertical`` is
    the room above and below the text of each cell. ``progress`` (with ``long``) hears (rows
    laid out, rows in all) each time the table breaks to a new page, and at its end.
    """
    centred = set(center_columns)
    plain = set(plain_columns)
    data: list[list[object]] = [[_cell(h, head_style) for h in row] for row in header_rows]
    data += [_body_row(row, cell_style, center_style, centred, plain) for row in rows]
    n_head = len(header_rows)
    table: Table
    if long and progress is not None:
        counted = CountedLongTable(data, colWidths=list(col_widths), repeatRows=n_head)
        counted.counter = _RowCounter(progress, len(rows), n_head)
        table = counted
    else:
        table = (LongTable if long else Table)(data, colWidths=list(col_widths), repeatRows=n_head)
    commands = _rules(n_head, padding, vertical)
    commands += [("SPAN", a, b) for a, b in spans]
    commands += _plain_cells(n_head, cell_style, plain, centred)
    table.setStyle(TableStyle(commands))
    return table


class _RowCounter:
    """Tells ``progress`` how many body rows of a long table are laid out."""

    def __init__(self, progress: Callable[[int, int], object], total: int, n_head: int) -> None:
        self.progress = progress
        self.total = total
        self.n_head = n_head

    def left(self, remaining: int) -> None:
        self.progress(self.total - remaining, self.total)


class CountedLongTable(LongTable):
    """A LongTable that reports, each time it breaks across a page, how many rows it has laid
    out (the rest goes on as a table of the same class, with the same counter)."""

    counter: _RowCounter | None = None

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        counter = self.counter
        if counter is not None and len(parts) == 2 and isinstance(parts[1], CountedLongTable):
            rest = parts[1]
            rest.counter = counter
            # reportlab's stubs do not declare the rows a split table keeps.
            counter.left(len(rest._cellvalues) - counter.n_head)  # type: ignore[attr-defined]
        return parts

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        # Table.drawOn takes the shrink width the stubs leave out.
        super().drawOn(canvas, x, y, _sW)  # type: ignore[call-arg]
        counter, self.counter = self.counter, None
        if counter is not None:  # drawn whole, never split again: the last piece
            counter.left(0)
