"""Mẫu số 05: Thông báo dừng giải quyết hồ sơ (TT 03/2025 Điều 7; reference.md §1.1).

The applicant asked to stop; the office confirms that the dossier is no longer handled. A
letter in the ND 30 layout, with a "Số:" line left blank for the records clerk, signed by the
head of office (prefix and title from the office profile). Every word comes from the
``stop_notice`` template.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import mid_sentence, nfc
from tthc_desk.printing import forms, layout, signatures
from tthc_desk.printing.templates import BLANK, FormTemplate

TEMPLATE_NAME = "stop_notice"

REQUIRED_KEYS: tuple[str, ...] = (
    "header.number",
    "form.number",
    "form.title",
    "form.code",
    "fields.addressee",
    "fields.address",
    "body.received",
    "body.request",
    "body.reason",
    "body.decision",
    "body.closing",
    "recipients.heading",
    "recipients.lines",
)


def stop_story(
    dossier: Dossier,
    reason: str,
    stopped_at: datetime,
    office: OfficeProfile,
    template: FormTemplate,
    styles: layout.Styles | None = None,
) -> list[Flowable]:
    t = template
    st = styles or layout.get_styles()
    values = {
        **forms.dossier_values(dossier, office.office_name),
        "procedure": mid_sentence(dossier.procedure_name),  # "… về việc đăng ký khai sinh"
        "stopped": forms.clock(stopped_at),
    }
    return [
        *forms.form_heading(
            t, office, stopped_at.date(), [forms.code_line(t, dossier.code)], st, number=BLANK
        ),
        Spacer(1, 4 * mm),
        *forms.applicant_lines(t, dossier, st, ("fields.addressee", "fields.address")),
        Spacer(1, 3 * mm),
        forms.body_paragraph(t, "body.received", st, bold=("code",), **values),
        forms.body_paragraph(t, "body.request", st, **values),
        forms.body_paragraph(t, "body.reason", st, reason=nfc(reason)),
        forms.body_paragraph(t, "body.decision", st, **values),
        KeepTogether(
            [
                forms.body_paragraph(t, "body.closing", st, **values),
                signatures.letter_signatures(t, signatures.Signer.head_of(office), st),
            ]
        ),
    ]


def render_stop_notice(
    dossier: Dossier,
    *,
    reason: str,
    stopped_at: datetime,
    office: OfficeProfile,
    template_dir: Path | None = None,
) -> bytes:
    """Mẫu 05 as PDF bytes."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    story = stop_story(dossier, reason, stopped_at, office, t)
    return forms.dossier_pdf(t, story, dossier, office)
