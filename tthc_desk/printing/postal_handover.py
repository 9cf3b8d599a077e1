"""DANH SÁCH BÀN GIAO: the results handed to the post office on one list (reference.md §1.3,
§5). A4 landscape, two copies by default (one kept by the office, one by the post), each
copy starting on a new page with its page numbers: the header with the list number and
date, who gives and who receives, the time of the handover, a ruled table whose header row
repeats on every page, the total, and the signatures of both sides.

An item without a waybill keeps an empty cell: the postal employee writes the number by hand
(a line under the table says how many), and the office may record it later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
from tthc_desk.printing.document import Mark, Part, build_pdf, lay_out
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "postal_handover"

#: Column keys in print order (labels under ``[columns]``), shared with the Excel list.
COLUMNS, CENTRED = HANDOVER_COLUMNS, HANDOVER_CENTRED_COLUMNS
#: Relative widths of the columns.
WEIGHTS = (7, 40, 62, 26, 26, 16, 24, 26, 28, 40)
#: Left and right padding of the cells.
_PADDING = 1 * mm

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


@dataclass(frozen=True)
class _Fit:
    """How tightly a copy is set: room to sign, the gaps around the lines, and how many of the
    last rows travel with the total and the signatures (in a table of their own, under the
    repeated header) when the signatures would otherwise stand alone on a page."""

    sign_space: float = signatures.PARTY_SPACE
    gap: float = 2 * mm
    paired: bool = False  # two form lines side by side (giver and receiver, total and closing)
    tail: int = 0


#: The normal setting, then a tighter one tried when it saves a sheet.
_FITS = (_Fit(), _Fit(sign_space=12 * mm, gap=0.5 * mm, paired=True))


def _lines(markups: list[str], st: layout.Styles, paired: bool) -> list[Flowable]:
    """Form lines one under another, or (``paired``) the first two side by side."""
    if not paired or len(markups) < 2:
        return [body.field(m, st) for m in markups]
    first = body.field_pair(markups[0], markups[1], st, registers.GEOMETRY.frame_width)
    return [first, *(body.field(m, st) for m in markups[2:])]


#: Columns printed whole, never wrapped: the number, the dossier code, the waybill.
WHOLE = ("number", "code", "waybill")


def column_widths(t: FormTemplate, rows: list[list[str]], st: layout.Styles) -> list[float]:
    """The number, code and waybill columns as wide as their longest text in the cell font
    (they never wrap); the rest of the width shared by :data:`WEIGHTS`, each column at least
    as wide as its longest word."""
    return registers.fitted_widths(
        [[t.text(f"columns.{key}") for key in COLUMNS]],
        rows,
        WEIGHTS,
        st.register_head,
        st.register_cell,
        whole=[COLUMNS.index(k) for k in WHOLE],
        padding=_PADDING,
    )


def _table(
    t: FormTemplate, rows: list[list[str]], widths: list[float], st: layout.Styles, long: bool
) -> Flowable:
    return body.ruled_table(
        [[t.text(f"columns.{key}") for key in COLUMNS]],
        rows,
        widths,
        st.register_head,
        st.register_cell,
        st.register_cell_center,
        center_columns=[COLUMNS.index(k) for k in CENTRED],
        long=long,
        padding=_PADDING,
        plain_columns=[COLUMNS.index(k) for k in WHOLE],
    )


def _copy(
    t: FormTemplate,
    batch: PostalBatch,
    office: OfficeProfile,
    st: layout.Styles,
    fit: _Fit = _FITS[0],
) -> list[Flowable]:
    header = heading.office_header(t, office, batch.created_at.date(), batch.number_text)
    lines = [
        t.markup("form.giver", bold=("office",), office=office.office_name),
        t.markup("form.receiver", bold=("employee",), employee=batch.postal_employee),
        t.markup("form.time", moment=format_clock_phrase(batch.created_at)),
    ]
    rows = [row_cells(t, i, item) for i, item in enumerate(batch.items, start=1)]
    widths = column_widths(t, rows, st)
    kept, tail = (rows[: -fit.tail], rows[-fit.tail :]) if fit.tail else (rows, [])
    story: list[Flowable] = [
        *heading.document_heading(
            header,
            t.text("form.title"),
            [],
            st,
            registers.GEOMETRY.frame_width,
            space_before=2 * fit.gap,
        ),
        Spacer(1, fit.gap),
        *_lines(lines, st, fit.paired),
        Spacer(1, fit.gap),
        _table(t, kept, widths, st, long=True),
        Mark("table_end"),
    ]
    closing: list[Flowable] = [Mark("closing")]
    if tail:
        closing.append(_table(t, tail, widths, st, long=False))
    ending = [t.markup("form.total", bold=("count",), count=len(rows)), t.markup("form.closing")]
    if batch.missing_waybills:
        # Under the total as a line of its own; paired, the total and the closing line share one.
        missing = t.markup("form.missing", count=batch.missing_waybills)
        ending.insert(len(ending) if fit.paired else 1, missing)
    closing += _lines(ending, st, fit.paired)
    closing.append(
        signatures.signature_block(
            signatures.party_column(t, "signatures.giver", batch.created_by, space=fit.sign_space),
            signatures.party_column(
                t, "signatures.receiver", batch.postal_employee, space=fit.sign_space
            ),
            st,
            width=registers.GEOMETRY.frame_width,
        )
    )
    # The total, the closing line and both signatures never part (KeepTogether moves them to
    # the next page whole when they do not fit under the table).
    story.append(KeepTogether(closing))
    return story


def _best_fit(
    t: FormTemplate, batch: PostalBatch, office: OfficeProfile, st: layout.Styles
) -> _Fit:
    """The setting that prints a copy on the fewest sheets, the signatures never alone on the
    last one: laid out first as normal, then tighter; a tail row goes with the signatures when
    the table ends at the foot of a page."""
    best: tuple[int, _Fit] | None = None
    for fit in _FITS:
        laid = lay_out(Part(_copy(t, batch, office, st, fit)), registers.GEOMETRY, st)
        if laid.marks["closing"] > laid.marks["table_end"] and len(batch.items) > 1:
            fit = replace(fit, tail=1)
            laid = lay_out(Part(_copy(t, batch, office, st, fit)), registers.GEOMETRY, st)

        if laid.pages == 1:
            return fit
        if best is None or laid.pages < best[0]:
            best = (laid.pages, fit)
    assert best is not None
    return best[1]


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
    fit = _best_fit(t, batch, office, st)
    parts = [
        Part(
            _copy(t, batch, office, st, fit),
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
