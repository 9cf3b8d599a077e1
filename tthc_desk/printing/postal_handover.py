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
from tthc_desk.domain.postal import PostalBatch, PostalItem
from tthc_desk.domain.text import format_clock_phrase, format_long_date, nfc
from tthc_desk.printing import forms, layout, registers
from tthc_desk.printing.document import Part, build_pdf
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "postal_handover"

#: Column keys in print order (labels under ``[columns]``).
COLUMNS: tuple[str, ...] = (
    "number",
    "code",
    "procedure",
    "result",
    "applicant",
    "fee",
    "postal",
    "waybill",
    "recipient",
    "address",
)
WEIGHTS = (7, 40, 38, 22, 26, 13, 17, 30, 30, 48)
CENTRED = ("number", "fee", "postal")

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


def copy_label(t: FormTemplate, index: int) -> str:
    labels = t.texts("form.copies")
    return labels[min(index, len(labels) - 1)] if labels else ""


def _copy(
    t: FormTemplate, batch: PostalBatch, office: OfficeProfile, st: layout.Styles
) -> list[Flowable]:
    header = layout.Header(
        parent_authority=office.parent_authority,
        office_name=office.office_name,
        nation=t.text("header.nation"),
        motto=t.text("header.motto"),
        date_line=format_long_date(office.place_name, batch.created_at.date()),
        number_line=t.text("header.number", number=batch.number_text),
    )
    lines = [
        t.markup("form.giver", bold=("office",), office=office.office_name),
        t.markup("form.receiver", bold=("employee",), employee=batch.postal_employee),
        t.markup("form.time", moment=format_clock_phrase(batch.created_at)),
    ]
    story: list[Flowable] = [
        *layout.document_heading(
            header,
            t.text("form.title"),
            [],
            st,
            registers.GEOMETRY.frame_width,
            space_before=4 * mm,
        ),
        Spacer(1, 2 * mm),
        *(layout.field(line, st) for line in lines),
        Spacer(1, 2 * mm),
        layout.ruled_table(
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
        layout.field(t.markup("form.total", bold=("count",), count=len(batch.items)), st),
    ]
    if batch.missing_waybills:
        story.append(layout.field(t.markup("form.missing", count=batch.missing_waybills), st))
    story.append(layout.field(t.markup("form.closing"), st))
    note = t.text("signatures.note")
    story.append(
        KeepTogether(
            [
                layout.signature_block(
                    layout.SignatureColumn((t.text("signatures.giver"),), note, batch.created_by),
                    layout.SignatureColumn(
                        (t.text("signatures.receiver"),), note, batch.postal_employee
                    ),
                    st,
                    width=registers.GEOMETRY.frame_width,
                )
            ]
        )
    )
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
    parts = [
        Part(
            _copy(t, batch, office, st),
            form_number=copy_label(t, i),
            running_head=f"{t.text('header.number', number=batch.number_text)} {copy_label(t, i)}",
        )
        for i in range(copies)
    ]
    return build_pdf(
        parts,
        title=f"{title} – {batch.number_text}",
        author=nfc(office.office_name),
        geometry=registers.GEOMETRY,
    )
