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
    return [
        *forms.form_heading(t, office, refused_at.date(), [forms.code_line(t, dossier.code)], st),
        Spacer(1, 3 * mm),
        forms.office_line(t, office, st),
        *forms.applicant_lines(
            t, dossier, st, ("fields.applicant", "fields.address", "fields.phone", "fields.request")
        ),
        Spacer(1, 2 * mm),
        forms.body_paragraph(t, "body.refusal", st, **values),
        forms.body_paragraph(t, "body.reason", st, bold=("reason",), reason=nfc(reason)),
        KeepTogether(
            [
                forms.body_paragraph(t, "body.closing", st, **values),
                forms.counter_signatures(t, dossier, nfc(clerk_name), st),
            ]
        ),
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
    story = refusal_story(dossier, reason, refused_at, office, clerk_name, t)
    return forms.dossier_pdf(t, story, dossier, office)
