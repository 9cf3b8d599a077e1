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
from tthc_desk.domain.text import nfc
from tthc_desk.printing import body, forms, layout
from tthc_desk.printing.templates import FormTemplate

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


def papers_table(t: FormTemplate, papers: Sequence[PaperItem], st: layout.Styles) -> Flowable:
    """STT | Thành phần hồ sơ | Số lượng [Bản chính | Bản chứng thực | Bản photo]: two header
    rows, the count written in the column of the paper's kind."""
    header = [
        [t.text("papers.number"), t.text("papers.name"), t.text("papers.count"), "", ""],
        ["", "", *(t.text(key) for _kind, key in forms.KIND_KEYS)],
    ]
    table = body.ruled_table(
        header,
        forms.paper_rows(papers),
        forms.paper_widths(t, st, number_min=11 * mm),
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
    papers_heading = body.field(t.markup("papers.heading"), st)
    papers_heading.keepWithNext = True
    return [
        *forms.form_heading(t, office, requested_at.date(), [forms.code_line(t, dossier.code)], st),
        Spacer(1, 3 * mm),
        *forms.applicant_lines(
            t, dossier, st, ("fields.applicant", "fields.request", "fields.address", "fields.phone")
        ),
        body.field(t.markup("fields.received", received=forms.clock(dossier.received_at)), st),
        papers_heading,
        papers_table(t, papers, st),
        body.field(t.markup("body.reason", reason=nfc(reason)), st),
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
                forms.counter_signatures(t, dossier, nfc(clerk_name), st),
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
    return forms.dossier_pdf(t, story, dossier, office)
