"""Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (reference.md §1.2, §2.3).

The papers still missing (or to be redone) are listed with their kind in the "Số lượng"
columns, then the reason and the closing sentence with the office's telephone number. Every
word comes from the ``supplement`` template.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.dossier import Dossier, PaperItem
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.domain.text import nfc
from tthc_desk.printing import forms, layout
from tthc_desk.printing.document import Part
from tthc_desk.printing.templates import BLANK, FormTemplate

TEMPLATE_NAME = "supplement"

REQUIRED_KEYS: tuple[str, ...] = (
    "form.number",
    "form.title",
    "form.code",
    "fields.applicant",
    "fields.request",
    "fields.address",
    "fields.phone",
    "fields.email",
    "fields.received",
    "papers.heading",
    "papers.number",
    "papers.name",
    "papers.count",
    "papers.original",
    "papers.certified",
    "papers.photocopy",
    "body.reason",
    "body.closing",
    "signatures.applicant",
    "signatures.clerk",
    "signatures.note",
)

KIND_KEYS: tuple[tuple[PaperKind, str], ...] = (
    (PaperKind.ORIGINAL, "papers.original"),
    (PaperKind.CERTIFIED, "papers.certified"),
    (PaperKind.PHOTOCOPY, "papers.photocopy"),
)


def papers_table(
    t: FormTemplate, papers: Sequence[PaperItem], st: layout.Styles, key_prefix: str = "papers"
) -> Flowable:
    """STT | Thành phần hồ sơ | Số lượng [Bản chính | Bản chứng thực | Bản photo]: two header
    rows, the count written in the column of the paper's kind."""
    labels = [t.text(key) for _kind, key in KIND_KEYS]
    pad = 2 * 1.5 * mm + 1
    number_w = max(11 * mm, layout.text_width(t.text(f"{key_prefix}.number"), st.table_head) + pad)
    kind_ws = [max(18 * mm, layout.text_width(label, st.table_head) + pad) for label in labels]
    name_w = layout.FRAME_WIDTH - number_w - sum(kind_ws)
    rows: list[list[object]] = []
    for i, paper in enumerate(papers, start=1):
        counts = [str(paper.count) if paper.kind is kind else "" for kind, _ in KIND_KEYS]
        rows.append([str(i), paper.name, *counts])
    if not rows:
        rows.append(["", BLANK, "", "", ""])
    header = [
        [
            t.text(f"{key_prefix}.number"),
            t.text(f"{key_prefix}.name"),
            t.text(f"{key_prefix}.count"),
            "",
            "",
        ],
        ["", "", *labels],
    ]
    table = layout.ruled_table(
        header,
        rows,
        [number_w, name_w, *kind_ws],
        st.table_head,
        st.table_cell,
        st.table_cell_center,
        center_columns=(0, 2, 3, 4),
        spans=(((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (4, 0))),
    )
    table.spaceBefore = 1.5 * mm
    table.spaceAfter = 2 * mm
    return table


def supplement_story(
    dossier: Dossier,
    papers: Sequence[PaperItem],
    reason: str,
    requested_at: datetime,
    office: OfficeProfile,
    clerk_name: str,
    template: FormTemplate,
    styles: layout.Styles | None = None,
) -> list[Flowable]:
    t = template
    st = styles or layout.get_styles()
    heading = layout.field(t.markup("papers.heading"), st)
    heading.keepWithNext = True
    signatures = layout.signature_block(
        layout.SignatureColumn(
            (t.text("signatures.applicant"),),
            t.text("signatures.note"),
            (dossier.authorised or dossier.applicant).full_name,
        ),
        layout.SignatureColumn(
            (t.text("signatures.clerk"),), t.text("signatures.note"), nfc(clerk_name)
        ),
        st,
    )
    return [
        *layout.document_heading(
            layout.office_header(t, office, requested_at.date()),
            t.text("form.title"),
            [t.markup("form.code", bold=("code",), code=dossier.code)],
            st,
        ),
        Spacer(1, 3 * mm),
        *forms.applicant_lines(
            t, dossier, st, ("fields.applicant", "fields.request", "fields.address", "fields.phone")
        ),
        layout.field(t.markup("fields.received", received=forms.clock(dossier.received_at)), st),
        heading,
        papers_table(t, papers, st),
        layout.field(t.markup("body.reason", reason=nfc(reason)), st),
        KeepTogether(
            [
                forms.body_paragraph(
                    t,
                    "body.closing",
                    st,
                    office=office.office_name,
                    phone=office.phone,
                    address=office.address,
                ),
                signatures,
            ]
        ),
    ]


def render_supplement_request(
    dossier: Dossier,
    *,
    papers: Sequence[PaperItem],
    reason: str,
    requested_at: datetime,
    office: OfficeProfile,
    clerk_name: str,
    template_dir: Path | None = None,
) -> bytes:
    """Mẫu 02 as PDF bytes (one page, more when the list is long)."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    story = supplement_story(dossier, papers, reason, requested_at, office, clerk_name, t)
    part = Part(
        story,
        form_number=t.text("form.number"),
        running_head=t.text("form.code", code=dossier.code),
    )
    return forms.to_pdf(
        [part],
        f"{t.text('form.title')} – {nfc(dossier.code)}",
        office.office_name,
        dossier.procedure_name,
    )
