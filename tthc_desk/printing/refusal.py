"""Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (reference.md §1.2, §2.3).

The applicant's lines, the refusal sentence, the specific reason and the closing; signed by the
person at the counter and by the applicant. Every word comes from the ``refusal`` template.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import nfc
from tthc_desk.printing import forms, layout
from tthc_desk.printing.document import Part
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "refusal"

REQUIRED_KEYS: tuple[str, ...] = (
    "form.number",
    "form.title",
    "form.code",
    "fields.office",
    "fields.applicant",
    "fields.address",
    "fields.phone",
    "fields.email",
    "fields.request",
    "body.refusal",
    "body.reason",
    "body.closing",
    "signatures.applicant",
    "signatures.clerk",
    "signatures.note",
)


def refusal_story(
    dossier: Dossier,
    reason: str,
    refused_at: datetime,
    office: OfficeProfile,
    clerk_name: str,
    template: FormTemplate,
    styles: layout.Styles | None = None,
) -> list[Flowable]:
    t = template
    st = styles or layout.get_styles()
    values = forms.dossier_values(dossier, office.office_name)
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
            layout.office_header(t, office, refused_at.date()),
            t.text("form.title"),
            [t.markup("form.code", bold=("code",), code=dossier.code)],
            st,
        ),
        Spacer(1, 3 * mm),
        layout.field(
            t.markup("fields.office", office=office.office_name, parent=office.parent_authority),
            st,
        ),
        *forms.applicant_lines(
            t, dossier, st, ("fields.applicant", "fields.address", "fields.phone", "fields.request")
        ),
        Spacer(1, 2 * mm),
        forms.body_paragraph(t, "body.refusal", st, **values),
        forms.body_paragraph(t, "body.reason", st, bold=("reason",), reason=nfc(reason)),
        KeepTogether([forms.body_paragraph(t, "body.closing", st, **values), signatures]),
    ]


def render_refusal(
    dossier: Dossier,
    *,
    reason: str,
    refused_at: datetime,
    office: OfficeProfile,
    clerk_name: str,
    template_dir: Path | None = None,
) -> bytes:
    """Mẫu 03 as PDF bytes."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    part = Part(
        refusal_story(dossier, reason, refused_at, office, clerk_name, t),
        form_number=t.text("form.number"),
        running_head=t.text("form.code", code=dossier.code),
    )
    return forms.to_pdf(
        [part],
        f"{t.text('form.title')} – {nfc(dossier.code)}",
        office.office_name,
        dossier.procedure_name,
    )
