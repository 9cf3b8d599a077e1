"""Late dossiers for a period, on A4 landscape (rules.md "Late dossiers and apology letters"):

- the explanation list (``DANH SÁCH HỒ SƠ QUÁ HẠN VÀ GIẢI TRÌNH``) addressed to the head of
  office and signed by whoever made it;
- with ``public=True`` the monthly public list (``DANH SÁCH HỒ SƠ TRỄ HẠN``) signed by the head
  of office. Each variant prints the columns its template section lists, so an office can drop a
  column from the public list without code changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.privacy import scrub_free_text
from tthc_desk.domain.registers import LateRow, late_counts
from tthc_desk.domain.text import nfc
from tthc_desk.printing import body, forms, heading, layout, registers, signatures
from tthc_desk.printing.layout import Styles
from tthc_desk.printing.templates import FormTemplate, TemplateError

TEMPLATE_NAME = "late_list"

#: Every column the list knows, with its relative width.
COLUMN_WEIGHTS: dict[str, float] = {
    "number": 9,
    "code": 42,
    "applicant": 27,
    "procedure": 40,
    "received": 19,
    "due": 19,
    "settled": 19,
    "late_days": 14,
    "reason": 30,
    "unit": 22,
    "letter": 24,
}
CENTRED = {"number", "received", "due", "settled", "late_days", "letter"}
PLAIN = {"number", "received", "due", "late_days"}

REQUIRED_KEYS: tuple[str, ...] = (
    "header.blank_date",
    "explain.title",
    "explain.addressee",
    "explain.intro",
    "explain.columns",
    "explain.signer",
    "explain.note",
    "public.title",
    "public.intro",
    "public.columns",
    "cells.open",
    "cells.no_reason",
    "cells.no_letter",
    "cells.letter",
    "totals.total",
    "totals.empty",
    *(f"columns.{key}" for key in COLUMN_WEIGHTS),
)


def columns_of(t: FormTemplate, public: bool) -> list[str]:
    key = "public.columns" if public else "explain.columns"
    keys = list(t.raw_list(key))
    unknown = [k for k in keys if k not in COLUMN_WEIGHTS]
    if unknown or not keys:
        allowed = ", ".join(COLUMN_WEIGHTS)
        raise TemplateError(
            f"Mẫu in “{t.path}”, mục “{key}”: tên cột không hợp lệ "
            f"({', '.join(unknown) or 'danh sách trống'}). Các cột dùng được: {allowed}."
        )
    return keys


def row_values(t: FormTemplate, index: int, row: LateRow) -> dict[str, str]:
    letter = t.text("cells.no_letter")
    if row.letter_number:
        letter = t.text(
            "cells.letter", number=row.letter_number, date=forms.short_date(row.letter_date)
        )
    return {
        "number": str(index),
        "code": row.code,
        "applicant": nfc(row.applicant_name),
        "procedure": registers.procedure_cell(row.procedure_name),
        "received": registers.cell_moment(row.received_at),
        "due": registers.cell_moment(row.due_at),
        "settled": registers.cell_moment(row.settled_at) or t.text("cells.open"),
        "late_days": str(row.late_working_days),
        "reason": scrub_free_text(nfc(row.reason)) or t.text("cells.no_reason"),
        "unit": nfc(row.responsible_unit),
        "letter": letter,
    }


def _before_table(
    t: FormTemplate, office: OfficeProfile, public: bool, values: dict[str, object], st: Styles
) -> list[Flowable]:
    """The explanation list's "Kính gửi" line to the head of office, then the intro."""
    section = "public" if public else "explain"
    before: list[Flowable] = []
    if not public:
        addressee = t.markup(
            "explain.addressee",
            head_title=nfc(office.head_title).capitalize(),
            head_name=office.head_name,
            office=office.office_name,
        )
        before.append(body.field(addressee, st))
    before.append(layout.markup_para(t.markup_values(f"{section}.intro", values), st.body))
    return before


def _table(t: FormTemplate, rows: Sequence[LateRow], keys: list[str], st: Styles) -> Flowable:
    return body.ruled_table(
        [[t.text(f"columns.{k}") for k in keys]],
        [[row_values(t, i, r)[k] for k in keys] for i, r in enumerate(rows, start=1)],
        registers.scaled_widths([COLUMN_WEIGHTS[k] for k in keys]),
        st.register_head,
        st.register_cell,
        st.register_cell_center,
        center_columns=[i for i, k in enumerate(keys) if k in CENTRED],
        plain_columns=[i for i, k in enumerate(keys) if k in PLAIN],
        long=True,
        padding=1 * mm,
    )


def _after_table(
    t: FormTemplate, office: OfficeProfile, public: bool, count: int, st: Styles
) -> list[Flowable]:
    """The total and the signature: the head of office signs the public list; whoever made
    the explanation list signs it under ``explain.signer``."""
    if public:
        signature = signatures.Signer.head_of(office).column()
    else:
        signature = signatures.party_column(t, "explain.signer", "", note_key="explain.note")
    signed = signatures.signature_block(None, signature, st, width=registers.GEOMETRY.frame_width)
    after: list[Flowable] = []
    if not count:
        after.append(body.field(t.markup("totals.empty"), st))
    after.append(KeepTogether([body.field(t.markup("totals.total", count=count), st), signed]))
    return after


def render_late_list(
    rows: Sequence[LateRow],
    office: OfficeProfile,
    date_from: date,
    date_to: date,
    *,
    public: bool = False,
    issued_on: date | None = None,
    template_dir: Path | None = None,
) -> bytes:
    """The explanation list (or, ``public=True``, the public list) as landscape PDF bytes.

    ``issued_on`` fills the date line; without it the line is left for handwriting."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    st = layout.get_styles()
    keys = columns_of(t, public)
    period = registers.period_values(date_from, date_to)
    values = {**period, **late_counts(rows), "office": office.office_name}
    blank_date = t.text("header.blank_date", place=office.place_name)
    title = t.text("public.title" if public else "explain.title")
    return registers.register_pdf(
        header=heading.office_header(t, office, issued_on, date_line=blank_date),
        title=title,
        title_lines=[],
        before=_before_table(t, office, public, values, st),
        table=_table(t, rows, keys, st) if rows else None,
        after=_after_table(t, office, public, len(rows), st),
        form_number="",
        running_head=f"{title} – {period['date_from']} – {period['date_to']}",
        author=nfc(office.office_name),
        styles=st,
    )
