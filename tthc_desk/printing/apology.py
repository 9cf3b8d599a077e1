"""Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (rules.md "Late dossiers and apology
letters"; reference.md §1.2, §2.4).

A letter in the ND 30 layout: Số (the register number, or a blank on a draft), Kính gửi, the
received date, the dossier code, the original appointment, the sentence that the result was not
returned on time, the reason, the apology, the new appointment, the thanks, then "Nơi nhận" and
the signature of the head of office. One letter per part, so a batch prints as one PDF whose
page numbers restart with each letter; an unsigned draft carries a boxed "DỰ THẢO" mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import ApologyLetter, LetterStatus
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import mid_sentence, nfc
from tthc_desk.printing import body, forms, layout, signatures
from tthc_desk.printing.document import Part
from tthc_desk.printing.templates import BLANK, FormTemplate

TEMPLATE_NAME = "apology"

REQUIRED_KEYS: tuple[str, ...] = (
    "header.number",
    "form.number",
    "form.title",
    "form.draft",
    "fields.addressee",
    "fields.address",
    "body.received",
    "body.code",
    "body.original_due",
    "body.late",
    "body.reason",
    "body.apology",
    "body.new_due",
    "body.thanks",
    "recipients.heading",
    "recipients.lines",
)


def apology_story(
    letter: ApologyLetter,
    office: OfficeProfile,
    template: FormTemplate,
    styles: layout.Styles | None = None,
) -> list[Flowable]:
    t = template
    st = styles or layout.get_styles()
    values = {
        "office": office.office_name,
        "code": nfc(letter.dossier_code),
        "procedure": mid_sentence(letter.procedure_name),  # "… về việc đăng ký khai sinh"
        "received": forms.short_date(letter.received_at),
    }
    issued = letter.confirmed_at or letter.created_at
    signer = signatures.Signer(letter.signer_prefix, letter.signer_title, letter.signer_name)
    person = {"name": letter.applicant_name, "address": letter.applicant_address}
    return [
        *forms.form_heading(t, office, issued.date(), (), st, number=letter.number_text or BLANK),
        Spacer(1, 5 * mm),
        body.field(t.markup("fields.addressee", bold=("name",), **person), st),
        body.field(t.markup("fields.address", **person), st),
        Spacer(1, 3 * mm),
        forms.body_paragraph(t, "body.received", st, **values),
        forms.body_paragraph(t, "body.code", st, bold=("code",), **values),
        forms.body_paragraph(
            t, "body.original_due", st, **values, due=forms.long_moment(letter.original_due_at)
        ),
        forms.body_paragraph(t, "body.late", st, **values),
        forms.body_paragraph(t, "body.reason", st, **values, reason=letter.full_reason),
        forms.body_paragraph(t, "body.apology", st, **values),
        forms.body_paragraph(
            t,
            "body.new_due",
            st,
            bold=("due",),
            **values,
            due=forms.long_moment(letter.proposed_due_at),
        ),
        KeepTogether(
            [
                forms.body_paragraph(t, "body.thanks", st, **values),
                signatures.letter_signatures(t, signer, st),
            ]
        ),
    ]


def render_apology_letters(
    letters: Sequence[ApologyLetter],
    office: OfficeProfile,
    template_dir: Path | None = None,
) -> bytes:
    """The letters as one PDF, each starting on a new page with its own page numbers."""
    if not letters:
        raise ValidationError.for_field("letters", "Chưa chọn phiếu xin lỗi nào để in.")
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    styles = layout.get_styles()
    parts = [
        Part(
            apology_story(letter, office, t, styles),
            form_number=t.text("form.number"),
            running_head=" – ".join(filter(None, [letter.number_text, nfc(letter.dossier_code)])),
            mark=t.text("form.draft") if letter.status is LetterStatus.DRAFT else "",
        )
        for letter in letters
    ]
    codes = ", ".join(nfc(letter.dossier_code) for letter in letters[:3])
    more = "…" if len(letters) > 3 else ""
    return forms.to_pdf(parts, f"{t.text('form.title')} – {codes}{more}", office.office_name)
