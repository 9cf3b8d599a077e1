"""Who signs a printed form: the signature columns at its foot, written once for every form.

A signature column is caption lines in bold capitals, an optional italic note such as "(Ký và
ghi rõ họ tên)", room to sign, then the name in bold (:class:`SignatureColumn`). Two columns sit
side by side in :func:`signature_block`. The shapes the forms use:

- :func:`party_column` / :func:`two_parties` – two people sign what passed between them: the
  applicant and the clerk (Mẫu 01–03), the office and the postal employee (handover list);
- :class:`Signer` and :func:`letter_signatures` – the head of office signs for the agency
  ("KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / room / name), "Nơi nhận:" on the left (Mẫu 04, 05);
  :meth:`Signer.column` alone signs the public list of late dossiers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import nfc
from tthc_desk.printing.layout import FRAME_WIDTH, Styles, get_styles, para
from tthc_desk.printing.templates import FormTemplate

#: Room to sign under a party's caption and note.
PARTY_SPACE = 16 * mm
#: Room to sign (and stamp) under the head of office's title: 22 mm, in the points the letters
#: have always been laid out with.
HEAD_SPACE = 22 * 2.835


@dataclass(frozen=True)
class SignatureColumn:
    """One signature: caption lines in bold capitals (e.g. "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    an italic note such as "(Ký và ghi rõ họ tên)", room to sign, then the name in bold."""

    captions: tuple[str, ...]
    note: str = ""
    name: str = ""
    space: float = PARTY_SPACE


@dataclass(frozen=True)
class Signer:
    """The head of office signing for the agency: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / name."""

    prefix: str
    title: str
    name: str

    @classmethod
    def head_of(cls, office: OfficeProfile) -> Signer:
        """The head named in the office profile."""
        return cls(office.head_sign_prefix, office.head_title, office.head_name)

    def column(self) -> SignatureColumn:
        """Prefix (when there is one) and title, room to sign and stamp, the name."""
        captions = tuple(c for c in (self.prefix, self.title) if nfc(c))
        return SignatureColumn(captions, "", self.name, space=HEAD_SPACE)


Side = SignatureColumn | Sequence[Flowable] | None
"""One side of a signature block: a signature, ready flowables ("Nơi nhận:"), or nothing."""


def _signature_cell(column: SignatureColumn, st: Styles) -> list[Flowable]:
    cell: list[Flowable] = [para(nfc(c).upper(), st.sign_caption) for c in column.captions]
    if column.note:
        cell.append(para(column.note, st.sign_note))
    cell.append(Spacer(1, column.space))
    if column.name:
        cell.append(para(column.name, st.sign_name))
    return cell


def _side_cell(side: Side, st: Styles) -> list[Flowable]:
    if side is None:
        return []
    if isinstance(side, SignatureColumn):
        return _signature_cell(side, st)
    return list(side)


def signature_block(
    left: Side,
    right: Side,
    styles: Styles | None = None,
    width: float = FRAME_WIDTH,
    space_before: float = 3 * mm,
) -> Table:
    """Two columns side by side (either may be None, or ready flowables such as "Nơi nhận:").

    The table is a single row, so a signature never splits from its caption.
    """
    st = styles or get_styles()
    table = Table([[_side_cell(left, st), _side_cell(right, st)]], colWidths=[width / 2, width / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), space_before),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def party_column(
    template: FormTemplate,
    caption_key: str,
    name: str,
    note_key: str = "signatures.note",
    space: float = PARTY_SPACE,
) -> SignatureColumn:
    """A party to the form: the caption at ``caption_key`` ("NGƯỜI NỘP HỒ SƠ"), the note at
    ``note_key`` ("(Ký và ghi rõ họ tên)"), room to sign, the name (none: written by hand)."""
    return SignatureColumn((template.text(caption_key),), template.text(note_key), name, space)


def two_parties(
    template: FormTemplate,
    left: tuple[str, str],
    right: tuple[str, str],
    styles: Styles | None = None,
    width: float = FRAME_WIDTH,
) -> Table:
    """Two parties side by side; ``left`` and ``right`` are (caption key, name)."""
    return signature_block(
        party_column(template, *left), party_column(template, *right), styles, width
    )


def recipients_block(
    heading: str, lines: Iterable[str], styles: Styles | None = None
) -> list[Flowable]:
    """ND 30 "Nơi nhận:" (12 pt bold italic) and its lines (11 pt), left of a signature."""
    st = styles or get_styles()
    return [
        para(heading, st.recipients_heading),
        *(para(line, st.recipients_item) for line in lines),
    ]


def letter_signatures(
    template: FormTemplate, signer: Signer, styles: Styles | None = None
) -> Table:
    """The foot of a letter: "Nơi nhận:" with the template's ``recipients`` lines on the left,
    ``signer`` on the right."""
    st = styles or get_styles()
    recipients = recipients_block(
        template.text("recipients.heading"), template.texts("recipients.lines"), st
    )
    return signature_block(recipients, signer.column(), st)
