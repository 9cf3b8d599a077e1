"""DANH SÁCH BÀN GIAO: the results handed to the post office on one list (reference.md §1.3,
§5). A4 landscape, two copies by default (one kept by the office, one by the post), each
copy starting on a new page with its page numbers: the header with the list number and
date, who gives and who receives, the time of the handover, a ruled table whose header row
repeats on every page, the total, and the signatures of both sides.

An item without a waybill keeps an empty cell: the postal employee writes the number by hand
(a line under the table says how many), and the office may record it later.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.postal import (
    HANDOVER_CENTRED_COLUMNS,
    HANDOVER_COLUMNS,
    PostalBatch,
    PostalItem,
)
from tthc_desk.domain.text import format_clock_phrase, nfc
from tthc_desk.printing import body, forms, heading, layout, registers, signatures
from tthc_desk.printing.document import Part, build_pdf
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "postal_handover"

#: Column keys in print order (labels under ``[columns]``), shared with the Excel list.
COLUMNS, CENTRED = HANDOVER_COLUMNS, HANDOVER_CENTRED_COLUMNS
#: Relative widths of the columns.
WEIGHTS = (7, 40, 38, 22, 26, 13, 17, 30, 30, 48)

REQUIRED_KEYS: tuple[str, ...] = (
    "header.number",
    "form.title",
    "form.copies",
    "form.giver",
    "form.receiver",
    "form.time",
    "form.total",
    "form.missing",
    "form.closing",
    "values.result",
    "values.yes",
    "signatures.giver",
    "signatures.receiver",
    "signatures.note",
    *(f"columns.{key}" for key in COLUMNS),
)


def load(template_dir: Path | None = None) -> FormTemplate:
    return forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)


def row_cells(t: FormTemplate, position: int, item: PostalItem) -> list[str]:
    """One item as the table's cells (the Excel list uses the same texts)."""
    yes = t.text("values.yes")
    result = t.text("values.result", date=f"{item.settled_at:%d/%m/%Y}") if item.settled_at else ""
    recipient = ", ".join(filter(None, [nfc(item.recipient_name), nfc(item.recipient_phone)]))
    return [
        str(position),
        nfc(item.dossier_code),
        nfc(item.procedure_name),
        result,
        nfc(item.applicant_name),
        yes if item.fee_amount else "",
        yes,
        item.waybill,
        recipient,
        nfc(item.recipient_address),
    ]


def _copy(
    t: FormTemplate, batch: PostalBatch, office: OfficeProfile, st: layout.Styles
) -> list[Flowable]:
    header = heading.office_header(t, office, batch.created_at.date(), batch.number_text)
    lines = [
        t.markup("form.giver", bold=("office",), office=office.office_name),
        t.markup("form.receiver", bold=("employee",), employee=batch.postal_employee),
        t.markup("form.time", moment=format_clock_phrase(batch.created_at)),
    ]
    story: list[Flowable] = [
        *heading.document_heading(
            header,
            t.text("form.title"),
            [],
            st,
            registers.GEOMETRY.frame_width,
            space_before=4 * mm,
        ),
        Spacer(1, 2 * mm),
        *(body.field(line, st) for line in lines),
        Spacer(1, 2 * mm),
        body.ruled_table(
            [[t.text(f"columns.{key}") for key in COLUMNS]],
            [row_cells(t, i, item) for i, item in enumerate(batch.items, start=1)],
            registers.scaled_widths(WEIGHTS),
            st.register_head,
            st.register_cell,
            st.register_cell_center,
            center_columns=[COLUMNS.index(k) for k in CENTRED],
            long=True,
            padding=1 * mm,
        ),
        body.field(t.markup("form.total", bold=("count",), count=len(batch.items)), st),
    ]
    if batch.missing_waybills:
        story.append(body.field(t.markup("form.missing", count=batch.missing_waybills), st))
    story.append(body.field(t.markup("form.closing"), st))
    signed = signatures.two_parties(
        t,
        ("signatures.giver", batch.created_by),
        ("signatures.receiver", batch.postal_employee),
        st,
        width=registers.GEOMETRY.frame_width,
    )
    story.append(KeepTogether([signed]))
    return story


def render_handover(
    batch: PostalBatch, office: OfficeProfile, copies: int = 2, template_dir: Path | None = None
) -> bytes:
    """The list as landscape PDF bytes, ``copies`` copies."""
    if copies < 1:
        raise ValidationError.for_field(
            "copies", f"Số bản in phải từ 1 trở lên (đã chọn {copies})."
        )
    if not batch.items:
        raise ValidationError.for_field(
            "batch", f"Danh sách bàn giao {batch.number_text} không có hồ sơ nào."
        )
    t = load(template_dir)
    st = layout.get_styles()
    title = t.text("form.title")
    number_line = t.text("header.number", number=batch.number_text)
    parts = [
        Part(
            _copy(t, batch, office, st),
            form_number=forms.copy_label(t, i),
            running_head=f"{number_line} {forms.copy_label(t, i)}",
        )
        for i in range(copies)
    ]
    return build_pdf(
        parts,
        title=f"{title} – {batch.number_text}",
        author=nfc(office.office_name),
        geometry=registers.GEOMETRY,
    )
