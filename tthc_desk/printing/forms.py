"""What the dossier forms (Mẫu 01–06) share: loading their template, their heading, the
applicant's lines, the long date phrases, who signs at the counter, and turning parts into a PDF.

Every word still comes from each form's own template; this module only fills values in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from tthc_desk.domain.dossier import Dossier, PaperItem, Person
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.domain.text import format_clock_phrase, format_long_date, nfc
from tthc_desk.printing import body, heading, layout, signatures
from tthc_desk.printing.document import Part, build_pdf
from tthc_desk.printing.templates import BLANK, FormTemplate, load_template

#: Keys every header prints (from common.toml).
HEADER_KEYS: tuple[str, ...] = ("header.nation", "header.motto")

#: The "Số lượng" columns of a papers table, by the kind of paper counted in each.
KIND_KEYS: tuple[tuple[PaperKind, str], ...] = (
    (PaperKind.ORIGINAL, "papers.original"),
    (PaperKind.CERTIFIED, "papers.certified"),
    (PaperKind.PHOTOCOPY, "papers.photocopy"),
)


def load_form(name: str, keys: Iterable[str], template_dir: Path | None) -> FormTemplate:
    """Load template ``name`` and fail at once, naming every missing key."""
    template = load_template(name, template_dir)
    template.require((*HEADER_KEYS, *keys))
    return template


def copy_label(template: FormTemplate, index: int) -> str:
    """Label of copy ``index`` (0-based) from ``form.copies``; copies past the list reuse its
    last label."""
    labels = template.texts("form.copies")
    return labels[min(index, len(labels) - 1)] if labels else ""


# ---- values ---------------------------------------------------------------------------------


def person_values(person: Person | None) -> dict[str, str]:
    if person is None:
        return {"name": "", "id_number": "", "address": "", "phone": "", "email": ""}
    return {
        "name": person.full_name,
        "id_number": person.id_number,
        "address": person.address,
        "phone": person.phone,
        "email": person.email,
    }


def long_date(value: date) -> str:
    """ "ngày 05 tháng 02 năm 2026" (ND 30 leading zeros)."""
    return format_long_date("", value)


def long_moment(value: datetime | None) -> str:
    """ "16 giờ 30 phút, ngày 10 tháng 02 năm 2026"; empty for None (printed as a blank)."""
    if value is None:
        return ""
    return f"{value.hour:02d} giờ {value.minute:02d} phút, {long_date(value.date())}"


def clock(value: datetime | None) -> str:
    """ "08 giờ 15 phút, ngày 02/03/2026"; empty for None."""
    return format_clock_phrase(value) if value is not None else ""


def short_date(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def dossier_values(dossier: Dossier, office_name: str) -> dict[str, str]:
    """Placeholders every dossier form may use in its body lines."""
    return {
        "code": nfc(dossier.code),
        "procedure": dossier.procedure_name,
        "procedure_code": dossier.procedure_code,
        "office": office_name,
        "received": short_date(dossier.received_at),
    }


# ---- pieces of a form -----------------------------------------------------------------------


def paper_widths(t: FormTemplate, st: layout.Styles, number_min: float) -> list[float]:
    """Column widths of a papers table: the number and each kind's column as wide as their
    heading (at least ``number_min`` and 18 mm), the paper's name takes the rest."""
    pad = 2 * 1.5 * mm + 1
    number_w = max(number_min, layout.text_width(t.text("papers.number"), st.table_head) + pad)
    kind_ws = [
        max(18 * mm, layout.text_width(t.text(key), st.table_head) + pad) for _, key in KIND_KEYS
    ]
    return [number_w, layout.FRAME_WIDTH - number_w - sum(kind_ws), *kind_ws]


def paper_rows(papers: Iterable[PaperItem]) -> list[list[object]]:
    """Numbered papers, each count in the column of its kind; a blank row when there are none
    (the clerk writes them in)."""
    rows: list[list[object]] = []
    for i, paper in enumerate(papers, start=1):
        counts = [str(paper.count) if paper.kind is kind else "" for kind, _ in KIND_KEYS]
        rows.append([str(i), paper.name, *counts])
    return rows or [["", BLANK, "", "", ""]]


def code_line(t: FormTemplate, code: str) -> str:
    """The "Mã hồ sơ: <b>…</b>" line under a form's title (markup)."""
    return t.markup("form.code", bold=("code",), code=code)


def form_heading(
    t: FormTemplate,
    office: OfficeProfile,
    day: date,
    lines: Iterable[str],
    st: layout.Styles,
    number: str = "",
) -> list[Flowable]:
    """The ND 30 header of ``office`` dated ``day`` (with a "Số:" line when ``number`` is
    given), then the template's ``form.title`` and the markup ``lines`` under it."""
    return heading.document_heading(
        heading.office_header(t, office, day, number), t.text("form.title"), lines, st
    )


def office_line(t: FormTemplate, office: OfficeProfile, st: layout.Styles) -> Flowable:
    """ "Bộ phận tiếp nhận và trả kết quả: <office>" (``fields.office``)."""
    return body.field(
        t.markup("fields.office", office=office.office_name, parent=office.parent_authority), st
    )


def _applicant_line(
    t: FormTemplate, key: str, dossier: Dossier, person: dict[str, str], st: layout.Styles
) -> Flowable:
    if key == "fields.phone":
        return body.field_pair(
            t.markup("fields.phone", **person),
            t.markup("fields.email", **person),
            st,
            left_share=0.45,
        )
    if key == "fields.request":
        return body.field(
            t.markup(
                key,
                bold=("procedure",),
                procedure=dossier.procedure_name,
                procedure_code=dossier.procedure_code,
            ),
            st,
        )
    return body.field(t.markup(key, bold=("name",), **person), st)


def applicant_lines(
    t: FormTemplate,
    dossier: Dossier,
    st: layout.Styles,
    keys: Sequence[str],
) -> list[Flowable]:
    """The form's applicant lines in the order of ``keys``; "fields.phone" brings
    "fields.email" beside it on one line; "fields.request" is the procedure line."""
    person = person_values(dossier.applicant)
    return [_applicant_line(t, key, dossier, person, st) for key in keys]


def body_paragraph(
    t: FormTemplate, key: str, st: layout.Styles, *, bold: Iterable[str] = (), **values: object
) -> Flowable:
    """A justified letter paragraph (ND 30 body: first-line indent, 6 pt after)."""
    return layout.markup_para(t.markup_values(key, values, bold=bold), st.body)


def counter_signatures(
    t: FormTemplate, dossier: Dossier, clerk_name: str, st: layout.Styles
) -> Table:
    """The applicant (or the person authorised, who came to the counter) on the left, the
    clerk on the right, each under the template's ``signatures.*`` caption and note."""
    submitter = dossier.authorised or dossier.applicant
    return signatures.two_parties(
        t,
        ("signatures.applicant", submitter.full_name),
        ("signatures.clerk", clerk_name),
        st,
    )


# ---- the PDF --------------------------------------------------------------------------------


def to_pdf(parts: Sequence[Part], title: str, author: str, subject: str = "") -> bytes:
    return build_pdf(parts, title=title, author=nfc(author), subject=nfc(subject))


def dossier_pdf(
    t: FormTemplate,
    story: Sequence[Flowable],
    dossier: Dossier,
    office: OfficeProfile,
    running_head_key: str = "form.code",
) -> bytes:
    """One form about ``dossier`` as PDF bytes: the template's form number on its first page,
    the ``running_head_key`` line ("Mã hồ sơ: …") on the next ones, titled by form and code."""
    part = Part(
        story,
        form_number=t.text("form.number"),
        running_head=t.text(running_head_key, code=dossier.code),
    )
    return to_pdf(
        [part],
        f"{t.text('form.title')} – {nfc(dossier.code)}",
        office.office_name,
        dossier.procedure_name,
    )
