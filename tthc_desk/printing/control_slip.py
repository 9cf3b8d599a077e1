"""Mẫu số 06 (TT 03/2025): Phiếu kiểm soát quá trình giải quyết hồ sơ (reference.md §1.2, where
it is Mẫu 05 of TT 01/2018; §2.5).

Built from the recorded hand-offs: each event that moved the dossier between two parties
(receipt, hand-over, supplement, result, return, refusal, stop) becomes two rows of the table:
"1. Giao: …" / "2. Nhận: …" with the moment and, for every step after the receipt, whether it
came early, on time or late against the dossier's due moment; then the signature row "Người
giao" / "Người nhận". Blank hand-offs are added for handwriting up to ``form.min_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.lifecycle import DossierEvent, classify
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import nfc
from tthc_desk.presentation import event_label, label
from tthc_desk.printing import body, forms, layout
from tthc_desk.printing.templates import BLANK, FormTemplate

TEMPLATE_NAME = "control_slip"

#: Event kinds that hand the dossier from one party to another.
HANDOFF_KINDS: frozenset[str] = frozenset(
    {
        "received",
        "handed-over",
        "supplement",
        "supplemented",
        "result-ready",
        "returned",
        "refused",
        "stopped",
    }
)
DEFAULT_MIN_ROWS = 4

REQUIRED_KEYS: tuple[str, ...] = (
    "form.number",
    "form.title",
    "form.ledger",
    "fields.code",
    "fields.applicant",
    "fields.received",
    "fields.due",
    "fields.agency",
    "fields.partner",
    "table.unit",
    "table.moment",
    "table.result",
    "table.note",
    "table.give",
    "table.take",
    "table.blank_moment",
    "table.giver",
    "table.taker",
    "table.sign",
    "notes.heading",
    "notes.lines",
)

#: Column shares of the frame width: unit, moment, result, note.
COLUMN_SHARES = (0.35, 0.24, 0.21, 0.20)


def handoffs(events: Sequence[DossierEvent]) -> list[DossierEvent]:
    """The events that go on the slip, oldest first."""
    return sorted(
        (e for e in events if e.kind in HANDOFF_KINDS and (e.from_unit or e.to_unit)),
        key=lambda e: e.at,
    )


def _min_rows(t: FormTemplate) -> int:
    value = t.data.get("form", {}).get("min_rows", DEFAULT_MIN_ROWS)
    return value if isinstance(value, int) and value >= 0 else DEFAULT_MIN_ROWS


def _event_note(event: DossierEvent) -> str:
    note, step = nfc(event.note), event_label(event)
    if not note or note == step:
        return step
    return f"{step}; {note}"


def slip_table(
    t: FormTemplate, dossier: Dossier, events: Sequence[DossierEvent], st: layout.Styles
) -> Flowable:
    sign = f"{t.text('table.sign')}"
    rows: list[list[object]] = []
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    steps = handoffs(events)
    count = max(len(steps), _min_rows(t))
    for i in range(count):
        event = steps[i] if i < len(steps) else None
        if event is None:
            units = [t.text("table.give", unit=BLANK), t.text("table.take", unit=BLANK)]
            moment, result, note = t.text("table.blank_moment"), "", ""
        else:
            units = [
                t.text("table.give", unit=event.from_unit or BLANK),
                t.text("table.take", unit=event.to_unit or BLANK),
            ]
            moment = forms.clock(event.at)
            result = "" if event.kind == "received" else label(classify(event.at, dossier.due_at))
            note = _event_note(event)
        first = len(rows) + 1  # + the header row
        rows.append(
            [
                [layout.para(u, st.compact_cell) for u in units],
                moment,
                result,
                note,
            ]
        )
        rows.append(
            [
                [
                    layout.para(t.text("table.giver"), st.compact_cell_center),
                    layout.para(sign, st.compact_cell_center),
                ],
                [
                    layout.para(t.text("table.taker"), st.compact_cell_center),
                    layout.para(sign, st.compact_cell_center),
                    Spacer(1, 5 * mm),
                ],
                "",
                "",
            ]
        )
        # The signature row shares the result and note cells of its hand-off.
        spans += [((2, first), (2, first + 1)), ((3, first), (3, first + 1))]
    widths = [layout.FRAME_WIDTH * share for share in COLUMN_SHARES]
    return body.ruled_table(
        [
            [
                t.text("table.unit"),
                t.text("table.moment"),
                t.text("table.result"),
                t.text("table.note"),
            ]
        ],
        rows,
        widths,
        st.compact_head,
        st.compact_cell,
        st.compact_cell_center,
        center_columns=(1, 2),
        spans=spans,
    )


def control_slip_story(
    dossier: Dossier,
    events: Sequence[DossierEvent],
    office: OfficeProfile,
    template: FormTemplate,
    styles: layout.Styles | None = None,
) -> list[Flowable]:
    t = template
    st = styles or layout.get_styles()
    agency = " – ".join(filter(None, [dossier.deciding_agency, dossier.handling_unit]))
    table = slip_table(t, dossier, events, st)
    table.spaceBefore = 2 * mm
    return [
        *forms.form_heading(
            t,
            office,
            dossier.received_at.date(),
            [t.markup("form.ledger", book=dossier.ledger_book, number=dossier.ledger_number)],
            st,
        ),
        Spacer(1, 3 * mm),
        body.field(t.markup("fields.code", bold=("code",), code=dossier.code), st),
        body.field(
            t.markup("fields.applicant", bold=("name",), name=dossier.applicant.full_name), st
        ),
        body.field(t.markup("fields.received", received=forms.clock(dossier.received_at)), st),
        body.field(t.markup("fields.due", bold=("due",), due=forms.clock(dossier.due_at)), st),
        body.field(t.markup("fields.agency", agency=agency, unit=dossier.handling_unit), st),
        body.leader_field(t.markup("fields.partner", partner="", blank=""), st),
        table,
        KeepTogether(body.notes_block(t.text("notes.heading"), t.texts("notes.lines"), st)),
    ]


def render_control_slip(
    dossier: Dossier,
    events: Sequence[DossierEvent],
    office: OfficeProfile,
    template_dir: Path | None = None,
) -> bytes:
    """The control slip as PDF bytes (continuation pages numbered and headed by the code)."""
    t = forms.load_form(TEMPLATE_NAME, REQUIRED_KEYS, template_dir)
    story = control_slip_story(dossier, events, office, t)
    return forms.dossier_pdf(t, story, dossier, office, running_head_key="fields.code")
