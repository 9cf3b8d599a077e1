"""Mẫu số 07 (TT 03/2025): Sổ theo dõi hồ sơ for a date range (reference.md §1.2, "Mẫu 06 –
SỔ THEO DÕI HỒ SƠ" in the TT 01/2018 numbering).

A4 landscape; thirteen columns, the five dates grouped under "Ngày, tháng, năm"; both header
rows repeat on every page. Text cells are Paragraphs (they wrap: the procedure's full name);
dates, numbers and the dossier code are plain cells that never wrap, and the table is a
LongTable, so thousands of rows lay out in seconds.

A ledger is a thick book: the type is 8.5 pt (the forms prescribe the columns, not the size;
ND 30 leaves tables free), the cells tight, and the columns sized to what they hold (the code
and the dates as wide as their longest text, the rest sharing the width by
:data:`WEIGHTS`), so a page holds some twenty rows of a commune's usual dossiers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.registers import LEDGER_COLUMNS, LEDGER_DATE_COLUMNS, LedgerRow
from tthc_desk.domain.text import nfc
from tthc_desk.presentation import label
from tthc_desk.printing import body, forms, heading, layout, registers
from tthc_desk.printing.column_fit import sample_step, tuned_widths, widest_line, wrap
from tthc_desk.printing.streamed_table import StreamedTable
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "ledger"

#: Column keys in print order (labels under ``[columns]``); the five dates share ``dates``.
COLUMNS, DATE_COLUMNS = LEDGER_COLUMNS, LEDGER_DATE_COLUMNS
#: Relative widths of the columns that wrap (the others are as wide as their text).
WEIGHTS = (8, 46, 50, 24, 34, 22, 11, 19, 19, 19, 19, 19, 16)
#: Columns printed whole on their line(s): never wrapped.
WHOLE = ("number", "code", "sets", *DATE_COLUMNS)
#: The ledger's type size and the room around the text of a cell.
SIZE = 7.5
HEAD_SIZE = 7.0
PADDING = 0.8 * mm
VERTICAL = (0.4, 1.4)
LEADING = 1.08
#: The ledger's page: A4 landscape with the narrower margins of a book kept in the office.
GEOMETRY = replace(registers.GEOMETRY, top=12 * mm, left=15 * mm, right=10 * mm)

REQUIRED_KEYS: tuple[str, ...] = (
    "form.number",
    "form.title",
    "form.period",
    "form.total",
    "form.empty",
    "columns.dates",
    *(f"columns.{key}" for key in COLUMNS),
)


def header_rows(t: FormTemplate) -> list[list[str]]:
    first = [
        t.text("columns.dates")
        if key == DATE_COLUMNS[0]
        else ("" if key in DATE_COLUMNS else t.text(f"columns.{key}"))
        for key in COLUMNS
    ]
    second = [t.text(f"columns.{key}") if key in DATE_COLUMNS else "" for key in COLUMNS]
    return [first, second]


def header_spans() -> list[tuple[tuple[int, int], tuple[int, int]]]:
    first_date = COLUMNS.index(DATE_COLUMNS[0])
    last_date = COLUMNS.index(DATE_COLUMNS[-1])
    spans = [((first_date, 0), (last_date, 0))]
    spans += [((i, 0), (i, 1)) for i, key in enumerate(COLUMNS) if key not in DATE_COLUMNS]
    return spans


def row_cells(row: LedgerRow) -> list[str]:
    contact = ", ".join(filter(None, [nfc(row.applicant_address), nfc(row.applicant_phone)]))
    note = "; ".join(filter(None, [label(row.timeliness), nfc(row.note)]))
    return [
        str(row.ledger_number),
        row.code,
        nfc(row.procedure_name),
        row.applicant_name,
        contact,
        row.handling_unit or row.deciding_agency,
        str(row.sets_count),
        registers.cell_moment(row.received_at),
        registers.cell_moment(row.due_at),
        registers.cell_moment(row.handed_over_at),
        registers.cell_moment(row.settled_at),
        registers.cell_moment(row.returned_at),
        note,
    ]


Progress = Callable[[int, int], object]


@cache
def styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Header, cell and centred cell styles of the ledger (:data:`SIZE`)."""
    st = layout.get_styles()
    lead = round(SIZE * LEADING, 2)
    return (
        ParagraphStyle(
            "ledger_head", st.register_head, fontSize=HEAD_SIZE, leading=HEAD_SIZE * LEADING
        ),
        ParagraphStyle("ledger_cell", st.register_cell, fontSize=SIZE, leading=lead),
        ParagraphStyle("ledger_center", st.register_cell_center, fontSize=SIZE, leading=lead),
    )


def _survey(t: FormTemplate, rows: Iterable[LedgerRow], total: int) -> tuple[list[float], int]:
    """The column widths, from one pass over the rows (the evenly spread sample, and the
    widest line of each column printed whole), and how many rows there were."""
    head, cell, _center = styles()
    whole = [COLUMNS.index(k) for k in WHOLE]
    step = sample_step(total)
    sample: list[list[str]] = []
    widest = dict.fromkeys(whole, 0.0)
    count = 0
    for count, row in enumerate(rows, start=1):
        cells = row_cells(row)
        if (count - 1) % step == 0:
            sample.append(cells)
        for i in whole:
            widest[i] = max(widest[i], widest_line(cells[i], cell))
    if not count:
        return [], 0
    widths = tuned_widths(
        header_rows(t),
        sample,
        head,
        cell,
        whole=whole,
        padding=PADDING,
        width=GEOMETRY.frame_width,
        widest=widest,
    )
    return widths, count


def _table(
    t: FormTemplate,
    rows: Iterable[LedgerRow],
    widths: Sequence[float],
    total: int,
    progress: Progress | None,
) -> Flowable:
    """The ledger's table, its rows read as its pages are laid out."""
    head, cell, center = styles()
    heads = header_rows(t)
    whole = [COLUMNS.index(k) for k in WHOLE]
    # Every cell a plain string, the wrapping ones broken into lines here as a Paragraph would
    # break them: thousands of rows lay out several times faster.
    wrapped = [i for i in range(len(COLUMNS)) if i not in whole]

    def cells() -> Iterator[list[str]]:
        for row in rows:
            values = row_cells(row)
            for i in wrapped:
                values[i] = wrap(nfc(values[i]), widths[i], cell, PADDING)
            yield values

    def build(page: list[Sequence[str]]) -> Table:
        return body.ruled_table(
            heads,
            page,
            widths,
            head,
            cell,
            center,
            center_columns=[COLUMNS.index(k) for k in ("number", "sets", *DATE_COLUMNS)],
            spans=header_spans(),
            long=True,
            padding=PADDING,
            plain_columns=range(len(COLUMNS)),
            vertical=VERTICAL,
        )

    return StreamedTable(cells(), build, len(heads), total, progress)


#: The ledger's rows: a sequence, or what reads them afresh each time it is called (the PDF
#: reads them twice: once for the column widths, once to lay them out).
Rows = Sequence[LedgerRow] | Callable[[], Iterable[LedgerRow]]


def render_ledger(
    rows: Rows,
    office: OfficeProfile,
    date_from: date,
    date_to: date,
    template_dir: Path | None = None,
    progress: Progress | None = None,
    total: int | None = None,
) -> bytes:
    """The ledger of ``rows`` (already chosen for the period) as landscape PDF bytes;
    ``progress`` hears (rows laid out, rows in all) page by page. Given as a callable, the rows
    stream: ``total`` (how many there are, read beforehand) spreads the measured sample, and
    only a few pages' rows are held at a time."""
    again: Callable[[], Iterable[LedgerRow]] = rows if callable(rows) else lambda: rows
    if total is None:
        total = sum(1 for _ in again())
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    st = layout.get_styles()
    period = registers.period_values(date_from, date_to)
    widths, count = _survey(t, again(), total)
    table = _table(t, again(), widths, count, progress) if count else None
    after = [body.field(t.markup("form.total", count=count), st)]
    if not count:
        after.insert(0, body.field(t.markup("form.empty"), st))
    period_text = t.text("form.period", **period)
    return registers.register_pdf(
        header=heading.office_header(t, office),
        title=t.text("form.title"),
        title_lines=[t.markup("form.period", **period)],
        before=[],
        table=table,
        after=after,
        form_number=t.text("form.number"),
        running_head=f"{t.text('form.title')} – {period_text}",
        author=nfc(office.office_name),
        styles=st,
        geometry=GEOMETRY,
    )
