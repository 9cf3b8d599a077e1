"""What the dossier forms (Mẫu 02–06) share: loading their template, the applicant's lines,
the long date phrases, and turning parts into a PDF.

Every word still comes from each form's own template; this module only fills values in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.platypus import Flowable

from tthc_desk.domain.dossier import Dossier, Person
from tthc_desk.domain.text import format_clock_phrase, format_long_date, nfc
from tthc_desk.printing import layout
from tthc_desk.printing.document import Part, build_pdf
from tthc_desk.printing.templates import BLANK, FormTemplate, load_template

#: Keys every header prints (from common.toml).
HEADER_KEYS: tuple[str, ...] = ("header.nation", "header.motto")


def load_form(name: str, keys: Iterable[str], template_dir: Path | None) -> FormTemplate:
    """Load template ``name`` and fail at once, naming every missing key."""
    template = load_template(name, template_dir)
    template.require((*HEADER_KEYS, *keys))
    return template


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


def applicant_lines(
    t: FormTemplate,
    dossier: Dossier,
    st: layout.Styles,
    keys: Sequence[str],
) -> list[Flowable]:
    """The form's applicant lines in the order of ``keys``; "fields.phone" brings
    "fields.email" beside it on one line; "fields.request" is the procedure line."""
    person = person_values(dossier.applicant)
    out: list[Flowable] = []
    for key in keys:
        if key == "fields.phone":
            out.append(
                layout.field_pair(
                    t.markup("fields.phone", **person),
                    t.markup("fields.email", **person),
                    st,
                    left_share=0.45,
                )
            )
        elif key == "fields.request":
            out.append(
                layout.field(
                    t.markup(
                        key,
                        bold=("procedure",),
                        procedure=dossier.procedure_name,
                        procedure_code=dossier.procedure_code,
                    ),
                    st,
                )
            )
        else:
            out.append(layout.field(t.markup(key, bold=("name",), **person), st))
    return out


def body_paragraph(
    t: FormTemplate, key: str, st: layout.Styles, *, bold: Iterable[str] = (), **values: object
) -> Flowable:
    """A justified letter paragraph (ND 30 body: first-line indent, 6 pt after)."""
    return layout.markup_para(t.markup(key, bold=bold, **values), st.body)


@dataclass(frozen=True)
class Signer:
    """The head of office signing for the agency: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / name."""

    prefix: str
    title: str
    name: str

    def column(self) -> layout.SignatureColumn:
        captions = tuple(c for c in (self.prefix, self.title) if nfc(c))
        return layout.SignatureColumn(captions, "", self.name, space=22 * 2.835)


def to_pdf(parts: Sequence[Part], title: str, author: str, subject: str = "") -> bytes:
    return build_pdf(parts, title=title, author=nfc(author), subject=nfc(subject))


__all__ = [
    "BLANK",
    "Signer",
    "applicant_lines",
    "body_paragraph",
    "clock",
    "dossier_values",
    "load_form",
    "long_date",
    "long_moment",
    "person_values",
    "short_date",
    "to_pdf",
]
