"""Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (reference.md §1.2).

One copy (liên) per page, two by default: "(Liên 1: Lưu)" stays with the Phiếu kiểm soát,
"(Liên 2: Giao người nộp)" goes to the applicant. Every word comes from the ``receipt``
template; this module only decides where things go and fills in the dossier's data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.dossier import Dossier, Person, ReturnMethod
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.domain.text import format_clock_phrase, format_money, nfc
from tthc_desk.printing import layout
from tthc_desk.printing.document import Part, build_pdf, write_pdf
from tthc_desk.printing.templates import BLANK, FormTemplate, load_template

TEMPLATE_NAME = "receipt"
QR_SIZE = 21 * mm

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

_KIND_KEYS: tuple[tuple[PaperKind, str], ...] = (
    (PaperKind.ORIGINAL, "papers.original"),
    (PaperKind.CERTIFIED, "papers.certified"),
    (PaperKind.PHOTOCOPY, "papers.photocopy"),
)


def copy_label(template: FormTemplate, index: int) -> str:
    """Label of copy ``index`` (0-based); copies past the list reuse its last label."""
    labels = template.texts("form.copies")
    if not labels:
        return ""
    return labels[min(index, len(labels) - 1)]


def _person_values(person: Person) -> dict[str, str]:
    return {
        "name": person.full_name,
        "id_number": person.id_number,
        "address": person.address,
        "phone": person.phone,
        "email": person.email,
    }


def _fields(
    t: FormTemplate, dossier: Dossier, office: OfficeProfile, st: layout.Styles
) -> list[Flowable]:
    applicant = _person_values(dossier.applicant)
    out: list[Flowable] = [
        layout.field(
            t.markup("fields.office", office=office.office_name, parent=office.parent_authority),
            st,
        ),
        layout.field(t.markup("fields.applicant", bold=("name",), **applicant), st),
    ]
    if dossier.authorised is not None:
        out.append(
            layout.field(
                t.markup("fields.authorised", bold=("name",), **_person_values(dossier.authorised)),
                st,
            )
        )
    out += [
        layout.field(t.markup("fields.id_number", **applicant), st),
        layout.field(t.markup("fields.address", **applicant), st),
        layout.field_pair(
            t.markup("fields.phone", **applicant),
            t.markup("fields.email", **applicant),
            st,
            left_share=0.45,
        ),
        layout.field(
            t.markup(
                "fields.request",
                bold=("procedure",),
                procedure=dossier.procedure_name,
                procedure_code=dossier.procedure_code,
            ),
            st,
        ),
    ]
    return out


def _papers_table(t: FormTemplate, dossier: Dossier, st: layout.Styles) -> Flowable:
    kinds = [(kind, t.text(key)) for kind, key in _KIND_KEYS]
    padding = 2 * 1.5 * mm + 1
    number_w = max(10 * mm, layout.text_width(t.text("papers.number"), st.table_head) + padding)
    kind_ws = [
        max(18 * mm, layout.text_width(label, st.table_head) + padding) for _, label in kinds
    ]
    name_w = layout.FRAME_WIDTH - number_w - sum(kind_ws)
    rows: list[list[object]] = []
    for i, paper in enumerate((p for p in dossier.papers if p.provided), start=1):
        counts = [str(paper.count) if paper.kind is kind else "" for kind, _ in kinds]
        rows.append([i, paper.name, *counts])
    if not rows:
        rows.append(["", BLANK, "", "", ""])
    table = layout.grid_table(
        [t.text("papers.number"), t.text("papers.name"), *(label for _, label in kinds)],
        rows,
        [number_w, name_w, *kind_ws],
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
    out = [
        layout.field(t.markup("items.sets", sets=dossier.sets_count), st),
        layout.field(t.markup("items.duration", duration=dossier.duration_text), st),
        layout.field(
            t.markup("items.received", received=format_clock_phrase(dossier.received_at)), st
        ),
        layout.field(
            t.markup("items.due", bold=("due",), due=format_clock_phrase(dossier.due_at)), st
        ),
        layout.field(t.markup("items.return", place=_return_place(t, dossier, office)), st),
    ]
    if dossier.fee_amount:
        out.append(
            layout.field(t.markup("items.fees", amount=format_money(dossier.fee_amount)), st)
        )
    elif t.raw("items.fees_free"):
        out.append(layout.field(t.markup("items.fees_free"), st))
    out.append(
        layout.field(
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
) -> list[Flowable]:
    """The flowables of one copy of the receipt (exposed for previews and tests)."""
    t = template
    st = styles or layout.get_styles()
    code = nfc(dossier.code)
    title_lines = [t.markup("form.code", bold=("code",), code=code)]
    label = copy_label(t, copy_index)
    if label:
        title_lines.append(layout.italic(label))

    submitter = dossier.authorised or dossier.applicant
    signatures = layout.signature_block(
        layout.SignatureColumn(
            (t.text("signatures.applicant"),), t.text("signatures.note"), submitter.full_name
        ),
        layout.SignatureColumn(
            (t.text("signatures.clerk"),),
            t.text("signatures.note"),
            nfc(clerk_name) or dossier.clerk_name,
        ),
        st,
    )

    papers_heading = layout.field(t.markup("papers.heading"), st)
    papers_heading.keepWithNext = True
    *items, last_item = _items(t, dossier, office, st)
    story: list[Flowable] = [
        layout.header_block(layout.office_header(t, office, dossier.received_at.date()), st),
        Spacer(1, 3 * mm),
        # The QR code sits at the right of the title lines; the title stays centred.
        layout.centred_with_side(
            layout.title_block(t.text("form.title"), title_lines, st, space_before=0),
            layout.qr_code(code, QR_SIZE),
            QR_SIZE,
        ),
        Spacer(1, 1 * mm),
        *_fields(t, dossier, office, st),
        papers_heading,
        _papers_table(t, dossier, st),
        *items,
        # Signatures and notes stay together, and with the line before them, so a long list
        # never leaves the signatures alone on a page.
        KeepTogether(
            [
                last_item,
                signatures,
                *layout.notes_block(t.text("notes.heading"), t.texts("notes.lines"), st),
            ]
        ),
    ]
    return story


def _check_copies(copies: int) -> None:
    if copies < 1:
        raise ValidationError.for_field(
            "copies", f"Số liên in phải từ 1 trở lên (đã chọn {copies})."
        )


def _parts(
    dossier: Dossier,
    office: OfficeProfile,
    clerk_name: str,
    copies: int,
    template_dir: Path | None,
) -> tuple[list[Part], Mapping[str, str]]:
    _check_copies(copies)
    template = load_template(TEMPLATE_NAME, template_dir)
    template.require(REQUIRED_KEYS)
    styles = layout.get_styles()
    code_line = template.text("form.code", code=dossier.code)
    parts = [
        Part(
            receipt_story(dossier, office, clerk_name, template, i, styles),
            form_number=template.text("form.number"),
            running_head=" ".join(filter(None, [code_line, copy_label(template, i)])),
        )
        for i in range(copies)
    ]
    meta = {
        "title": f"{template.text('form.title')} – {nfc(dossier.code)}",
        "author": nfc(office.office_name),
        "subject": nfc(dossier.procedure_name),
    }
    return parts, meta


def render_receipt(
    dossier: Dossier,
    office: OfficeProfile,
    clerk_name: str,
    copies: int = 2,
    template_dir: Path | None = None,
) -> bytes:
    """The receipt as PDF bytes: ``copies`` copies, each starting on a new page.

    ``template_dir`` is the administrator's override folder (``<data dir>/templates``); a
    ``receipt.toml`` there replaces the shipped template.
    """
    parts, meta = _parts(dossier, office, clerk_name, copies, template_dir)
    return build_pdf(parts, **meta)


def write_receipt(
    dossier: Dossier,
    office: OfficeProfile,
    clerk_name: str,
    path: Path | str,
    copies: int = 2,
    template_dir: Path | None = None,
) -> Path:
    """:func:`render_receipt` into ``path`` (written whole or not at all)."""
    parts, meta = _parts(dossier, office, clerk_name, copies, template_dir)
    return write_pdf(parts, path, **meta)
