"""Phiếu khóa khôi phục dữ liệu: the database key of the office, on one A4 page, for the head of
office to keep.

The office database and its backups are encrypted with one random key kept in this PC's keyring
(``services.data_folder``); the recovery key is that key written for people
(:func:`tthc_desk.domain.recovery_key.format_key`: 14 groups of 4 characters, the last group a
check). The sheet prints it large in a fixed-width face, four lines of groups to copy by hand,
with a QR code of the same text beside it; then where to keep the sheet, how to use it, the
warning that nothing else opens the data, and the signatures of the person who printed it and of
the head of office who received it. Every word comes from ``recovery_sheet.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import nfc
from tthc_desk.printing import fonts, forms, heading, layout, signatures
from tthc_desk.printing.document import build_pdf
from tthc_desk.printing.templates import FormTemplate

TEMPLATE_NAME = "recovery_sheet"

REQUIRED_KEYS: tuple[str, ...] = (
    "form.title",
    "form.subtitle",
    "fields.agency",
    "fields.printed",
    "fields.printed_by",
    "key.heading",
    "key.line",
    "key.hint",
    "keep.heading",
    "keep.lines",
    "use.heading",
    "use.lines",
    "warning.heading",
    "warning.text",
    "signatures.printer",
    "signatures.head",
    "signatures.note",
    "signatures.head_note",
    "signatures.handover",
)

#: Groups of four characters on each printed line of the key: 4 + 4 + 3 + 3 = 14.
LINE_GROUPS = (4, 4, 3, 3)
#: The key's face: reportlab's built-in Courier (the key is ASCII; no Vietnamese to draw).
KEY_FONT = "Courier-Bold"
KEY_SIZE = 20.0
QR_SIZE = 42 * mm
SECTION_SIZE = 12.0


@dataclass(frozen=True)
class RecoverySheet:
    """What one sheet prints: the formatted key, the office, when and by whom."""

    key_text: str
    office: OfficeProfile
    printed_at: datetime
    printed_by: str
    username: str


def key_lines(key_text: str) -> list[str]:
    """The key's groups on :data:`LINE_GROUPS` lines, dashes between groups."""
    groups = nfc(key_text).split("-")
    lines, start = [], 0
    for count in LINE_GROUPS:
        if start >= len(groups):
            break
        lines.append("-".join(groups[start : start + count]))
        start += count
    if start < len(groups):  # a key of another length: nothing is left out
        lines.append("-".join(groups[start:]))
    return lines


def _styles() -> dict[str, ParagraphStyle]:
    family = fonts.register_fonts()
    lead = SECTION_SIZE * 1.17
    return {
        "text": ParagraphStyle(
            "sheet_text", fontName=family, fontSize=SECTION_SIZE, leading=lead, alignment=TA_LEFT
        ),
        "item": ParagraphStyle(
            "sheet_item",
            fontName=family,
            fontSize=SECTION_SIZE,
            leading=lead,
            alignment=TA_JUSTIFY,
            leftIndent=4 * mm,
            firstLineIndent=-2.5 * mm,
        ),
        "heading": ParagraphStyle(
            "sheet_heading",
            fontName=fonts.BOLD,
            fontSize=SECTION_SIZE + 0.5,
            leading=lead,
            spaceBefore=1.5 * mm,
            spaceAfter=0.3 * mm,
        ),
        "key": ParagraphStyle(
            "sheet_key", fontName=KEY_FONT, fontSize=KEY_SIZE, leading=KEY_SIZE * 1.3
        ),
        "line_no": ParagraphStyle("sheet_line_no", fontName=family, fontSize=11),
        "hint": ParagraphStyle(
            "sheet_hint", fontName=fonts.ITALIC, fontSize=10.5, leading=12.5, spaceBefore=1 * mm
        ),
        "warning_heading": ParagraphStyle(
            "sheet_warning_heading",
            fontName=fonts.BOLD,
            fontSize=13,
            leading=16,
            alignment=TA_CENTER,
        ),
        "warning": ParagraphStyle(
            "sheet_warning",
            fontName=fonts.BOLD,
            fontSize=SECTION_SIZE,
            leading=lead,
            alignment=TA_JUSTIFY,
        ),
        "handover": ParagraphStyle(
            "sheet_handover", fontName=fonts.ITALIC, fontSize=SECTION_SIZE, leading=lead
        ),
    }


def _key_box(t: FormTemplate, key_text: str, ss: dict[str, ParagraphStyle]) -> Table:
    """The key on numbered lines, its hint, the QR code of the same text on the right."""
    # The line number and the key in one paragraph: on the same baseline.
    lines = [
        layout.markup_para(
            f'<font name="{ss["line_no"].fontName}" size="{ss["line_no"].fontSize}">'
            f"{layout.esc(t.text('key.line', number=i))}</font>&nbsp;&nbsp;{layout.esc(line)}",
            ss["key"],
        )
        for i, line in enumerate(key_lines(key_text), start=1)
    ]
    left: list[Flowable] = [
        layout.para(t.text("key.heading"), ss["heading"]),
        *lines,
        layout.para(t.text("key.hint"), ss["hint"]),
    ]
    pad = 3 * mm
    qr_w = QR_SIZE + 2 * pad
    box = Table(
        [[left, layout.qr_code(key_text, QR_SIZE)]],
        colWidths=[layout.FRAME_WIDTH - qr_w, qr_w],
    )
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ]
        )
    )
    return box


def _warning_box(t: FormTemplate, ss: dict[str, ParagraphStyle]) -> Table:
    box = Table(
        [
            [layout.para(t.text("warning.heading"), ss["warning_heading"])],
            [layout.para(t.text("warning.text"), ss["warning"])],
        ],
        colWidths=[layout.FRAME_WIDTH],
    )
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.0, "black"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
                ("TOPPADDING", (0, 0), (0, 0), 2 * mm),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 2.5 * mm),
            ]
        )
    )
    return box


def _section(t: FormTemplate, name: str, ss: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [
        layout.para(t.text(f"{name}.heading"), ss["heading"]),
        *(layout.para(line, ss["item"]) for line in t.texts(f"{name}.lines")),
    ]


def recovery_sheet_story(
    sheet: RecoverySheet, template: FormTemplate, styles: layout.Styles | None = None
) -> list[Flowable]:
    t = template
    st = styles or layout.get_styles()
    ss = _styles()
    office = sheet.office
    moment = sheet.printed_at
    fields: list[Flowable] = []
    if nfc(office.agency_id):
        fields.append(layout.para(t.text("fields.agency", agency_id=office.agency_id), ss["text"]))
    fields += [
        layout.para(
            t.text("fields.printed", date=f"{moment:%d/%m/%Y}", time=f"{moment:%H:%M}"),
            ss["text"],
        ),
        layout.para(
            t.text("fields.printed_by", name=sheet.printed_by, username=sheet.username),
            ss["text"],
        ),
    ]
    signers = signatures.signature_block(
        signatures.SignatureColumn(
            (t.text("signatures.printer"),), t.text("signatures.note"), sheet.printed_by
        ),
        signatures.SignatureColumn(
            (t.text("signatures.head"),), t.text("signatures.head_note"), office.head_name
        ),
        st,
    )
    return [
        heading.header_block(heading.office_header(t, office, moment.date()), st),
        *heading.title_block(
            t.text("form.title"), [layout.esc(t.text("form.subtitle"))], st, space_before=4 * mm
        ),
        Spacer(1, 2 * mm),
        *fields,
        Spacer(1, 2 * mm),
        _key_box(t, sheet.key_text, ss),
        Spacer(1, 2.5 * mm),
        _warning_box(t, ss),
        *_section(t, "keep", ss),
        *_section(t, "use", ss),
        KeepTogether(
            [
                Spacer(1, 1 * mm),
                layout.para(t.text("signatures.handover"), ss["handover"]),
                signers,
            ]
        ),
    ]


def render_recovery_sheet(sheet: RecoverySheet, template_dir: Path | None = None) -> bytes:
    """The sheet as PDF bytes (one A4 page)."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    return build_pdf(
        [recovery_sheet_story(sheet, t)],
        title=t.text("form.title"),
        author=sheet.printed_by,
        subject=nfc(sheet.office.office_name),
    )
