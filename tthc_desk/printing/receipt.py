"""Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (reference.md §1.2).

One copy (liên) per page, two by default: "(Liên 1: Lưu)" stays with the Phiếu kiểm soát,
"(Liên 2: Giao người nộp)" goes to the applicant. Every word comes from the ``receipt``
template; this module only decides where things go and fills in the dossier's data.

A paper reused from the applicant's earlier dossier (issue 15: *Dùng lại bản đã số hóa*) is
listed like any other, its name followed by ``papers.reused`` ("(dùng lại bản đã số hóa của hồ
sơ …)"); an override template without that key gets the shipped wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypedDict

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.dossier import Dossier, ReturnMethod
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import format_clock_phrase, format_money, nfc
from tthc_desk.printing import body, forms, heading, layout
from tthc_desk.printing.document import Part, build_pdf, write_pdf
from tthc_desk.printing.templates import FormTemplate, load_template

TEMPLATE_NAME = "receipt"
QR_SIZE = 21 * mm
#: Keys an office's own template may lack (added after offices made theirs): the shipped
#: wording is printed instead.
OPTIONAL_KEYS: tuple[str, ...] = ("papers.reused",)
#: What follows a reused paper's name when the template does not say it (``papers.reused``).
REUSED_TEXT = "(dùng lại bản đã số hóa của hồ sơ {code})"

#: Keys the receipt prints; checked up front so a broken override fails before drawing.
REQUIRED_KEYS: tuple[str, ...] = (
    "header.nation",
    "header.motto",
    "form.number",
    "form.title",
    "form.code",
    "form.copies",
    "fields.office",
    "fields.applicant",
    "fields.authorised",
    "fields.id_number",
    "fields.address",
    "fields.phone",
    "fields.email",
    "fields.request",
    "papers.heading",
    "papers.number",
    "papers.name",
    "papers.original",
    "papers.certified",
    "papers.photocopy",
    "items.sets",
    "items.duration",
    "items.received",
    "items.due",
    "items.return",
    "items.fees",
    "items.fees_free",
    "items.ledger",
    "return_places.counter",
    "return_places.postal",
    "signatures.applicant",
    "signatures.clerk",
    "signatures.note",
    "notes.heading",
    "notes.lines",
)

#: The applicant's lines, before and after the line of the person authorised (if any).
_APPLICANT: tuple[str, ...] = ("fields.applicant",)
_CONTACT: tuple[str, ...] = ("fields.id_number", "fields.address", "fields.phone", "fields.request")


def _fields(
    t: FormTemplate, dossier: Dossier, office: OfficeProfile, st: layout.Styles
) -> list[Flowable]:
    out = [forms.office_line(t, office, st), *forms.applicant_lines(t, dossier, st, _APPLICANT)]
    if dossier.authorised is not None:
        authorised = forms.person_values(dossier.authorised)
        out.append(body.field(t.markup("fields.authorised", bold=("name",), **authorised), st))
    out += forms.applicant_lines(t, dossier, st, _CONTACT)
    return out


def _reused_note(t: FormTemplate, code: str) -> str:
    if "papers.reused" in t:
        return t.text("papers.reused", code=code)
    return REUSED_TEXT.format(code=code)


def _papers_table(
    t: FormTemplate, dossier: Dossier, st: layout.Styles, reused: Mapping[int, str]
) -> Flowable:
    papers = [
        replace(p, name=f"{p.name} {_reused_note(t, reused[no])}") if no in reused else p
        for no, p in enumerate(dossier.papers, start=1)
    ]
    table = body.grid_table(
        [t.text("papers.number"), t.text("papers.name"), *(t.text(k) for _, k in forms.KIND_KEYS)],
        forms.paper_rows(p for p in papers if p.provided),
        forms.paper_widths(t, st, number_min=10 * mm),
        st,
        center_columns=(0, 2, 3, 4),
    )
    table.spaceBefore = 1.5 * mm
    table.spaceAfter = 1 * mm
    return table


def _return_place(t: FormTemplate, dossier: Dossier, office: OfficeProfile) -> str:
    key = (
        "return_places.postal"
        if dossier.return_method is ReturnMethod.POSTAL
        else "return_places.counter"
    )
    address = dossier.return_address or dossier.applicant.address
    return t.text(key, address=address, office=office.office_name)


def _items(
    t: FormTemplate, dossier: Dossier, office: OfficeProfile, st: layout.Styles
) -> list[Flowable]:
    out: list[Flowable] = [
        body.field(t.markup("items.sets", sets=dossier.sets_count), st),
        body.field(t.markup("items.duration", duration=dossier.duration_text), st),
        body.field(
            t.markup("items.received", received=format_clock_phrase(dossier.received_at)), st
        ),
        body.field(
            t.markup("items.due", bold=("due",), due=format_clock_phrase(dossier.due_at)), st
        ),
        body.field(t.markup("items.return", place=_return_place(t, dossier, office)), st),
    ]
    if dossier.fee_amount:
        out.append(body.field(t.markup("items.fees", amount=format_money(dossier.fee_amount)), st))
    elif t.raw("items.fees_free"):
        out.append(body.field(t.markup("items.fees_free"), st))
    out.append(
        body.field(
            t.markup("items.ledger", book=dossier.ledger_book, number=dossier.ledger_number), st
        )
    )
    return out


def receipt_story(
    dossier: Dossier,
    office: OfficeProfile,
    clerk_name: str,
    template: FormTemplate,
    copy_index: int = 0,
    styles: layout.Styles | None = None,
    reused: Mapping[int, str] | None = None,
) -> list[Flowable]:
    """The flowables of one copy of the receipt (exposed for previews and tests); ``reused``:
    the papers reused from earlier dossiers, line of the checklist (1-based) → that dossier."""
    t = template
    st = styles or layout.get_styles()
    code = nfc(dossier.code)
    title_lines = [forms.code_line(t, code)]
    label = forms.copy_label(t, copy_index)
    if label:
        title_lines.append(layout.italic(label))

    papers_heading = body.field(t.markup("papers.heading"), st)
    papers_heading.keepWithNext = True
    *items, last_item = _items(t, dossier, office, st)
    return [
        heading.header_block(heading.office_header(t, office, dossier.received_at.date()), st),
        Spacer(1, 3 * mm),
        # The QR code sits at the right of the title lines; the title stays centred.
        body.centred_with_side(
            heading.title_block(t.text("form.title"), title_lines, st, space_before=0),
            layout.qr_code(code, QR_SIZE),
            QR_SIZE,
        ),
        Spacer(1, 1 * mm),
        *_fields(t, dossier, office, st),
        papers_heading,
        _papers_table(t, dossier, st, reused or {}),
        *items,
        # Signatures and notes stay together, and with the line before them, so a long list
        # never leaves the signatures alone on a page.
        KeepTogether(
            [
                last_item,
                forms.counter_signatures(t, dossier, nfc(clerk_name) or dossier.clerk_name, st),
                *body.notes_block(t.text("notes.heading"), t.texts("notes.lines"), st),
            ]
        ),
    ]


def _check_copies(copies: int) -> None:
    if copies < 1:
        raise ValidationError.for_field(
            "copies", f"Số liên in phải từ 1 trở lên (đã chọn {copies})."
        )


class _Meta(TypedDict):
    title: str
    author: str
    subject: str


def _parts(
    dossier: Dossier,
    office: OfficeProfile,
    clerk_name: str,
    copies: int,
    template_dir: Path | None,
    reused: Mapping[int, str] | None = None,
) -> tuple[list[Part], _Meta]:
    _check_copies(copies)
    template = load_template(TEMPLATE_NAME, template_dir)
    template.require(REQUIRED_KEYS)
    styles = layout.get_styles()
    code_line = template.text("form.code", code=dossier.code)
    parts = [
        Part(
            receipt_story(dossier, office, clerk_name, template, i, styles, reused),
            form_number=template.text("form.number"),
            running_head=" ".join(filter(None, [code_line, forms.copy_label(template, i)])),
        )
        for i in range(copies)
    ]
    meta = _Meta(
        title=f"{template.text('form.title')} – {nfc(dossier.code)}",
        author=nfc(office.office_name),
        subject=nfc(dossier.procedure_name),
    )
    return parts, meta


def render_receipt(
    dossier: Dossier,
    office: OfficeProfile,
    clerk_name: str,
    copies: int = 2,
    template_dir: Path | None = None,
    reused: Mapping[int, str] | None = None,
) -> bytes:
    """The receipt as PDF bytes: ``copies`` copies, each starting on a new page.

    ``template_dir`` is the administrator's override folder (``<data dir>/templates``); a
    ``receipt.toml`` there replaces the shipped template.
    """
    parts, meta = _parts(dossier, office, clerk_name, copies, template_dir, reused)
    return build_pdf(parts, **meta)


def write_receipt(
    dossier: Dossier,
    office: OfficeProfile,
    clerk_name: str,
    path: Path | str,
    copies: int = 2,
    template_dir: Path | None = None,
    reused: Mapping[int, str] | None = None,
) -> Path:
    """:func:`render_receipt` into ``path`` (written whole or not at all)."""
    parts, meta = _parts(dossier, office, clerk_name, copies, template_dir, reused)
    return write_pdf(parts, path, **meta)
