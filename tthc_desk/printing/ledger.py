"""Mẫu số 07 (TT 03/2025): Sổ theo dõi hồ sơ for a date range (reference.md §1.2, "Mẫu 06 –
SỔ THEO DÕI HỒ SƠ" in the TT 01/2018 numbering).

A4 landscape; thirteen columns, the five dates grouped under "Ngày, tháng, năm"; both header
rows repeat on every page. Text cells are Paragraphs (they wrap); dates and numbers are plain
cells, and the table is a LongTable, so thousands of rows lay out in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.registers import LEDGER_COLUMNS, LEDGER_DATE_COLUMNS, LedgerRow
from tthc_desk.domain.text import nfc
from tthc_desk.presentation import label
from tthc_desk.printing import body, forms, heading, layout, registers
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "ledger"

#: Column keys in print order (labels under ``[columns]``); the five dates share ``dates``.
COLUMNS, DATE_COLUMNS = LEDGER_COLUMNS, LEDGER_DATE_COLUMNS
#: Relative widths of the columns.
WEIGHTS = (8, 46, 25, 23, 25, 22, 11, 19, 19, 19, 19, 19, 19)

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
        registers.procedure_cell(row.procedure_name),
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


def render_ledger(
    rows: Sequence[LedgerRow],
    office: OfficeProfile,
    date_from: date,
    date_to: date,
    template_dir: Path | None = None,
) -> bytes:
    """The ledger of ``rows`` (already chosen for the period) as landscape PDF bytes."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    st = layout.get_styles()
    period = registers.period_values(date_from, date_to)
    table = None
    if rows:
        table = body.ruled_table(
            header_rows(t),
            [row_cells(r) for r in rows],
            registers.scaled_widths(WEIGHTS),
            st.register_head,
            st.register_cell,
            st.register_cell_center,
            center_columns=[COLUMNS.index(k) for k in ("number", "sets", *DATE_COLUMNS)],
            spans=header_spans(),
            long=True,
            padding=1 * mm,
            plain_columns=[COLUMNS.index(k) for k in ("number", "sets", *DATE_COLUMNS)],
        )
    after = [body.field(t.markup("form.total", count=len(rows)), st)]
    if not rows:
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
    )
