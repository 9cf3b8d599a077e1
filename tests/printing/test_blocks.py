"""The blocks every form shares, written once: the ND 30 header (agency, national motto, place
and date, "Số:") and the signature columns (parties to a form, the head of office)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import pytest
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from tthc_desk.domain.dossier import PaperItem, Person
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.domain.postal import HANDOVER_CENTRED_COLUMNS, HANDOVER_COLUMNS
from tthc_desk.domain.procedure import PaperKind
from tthc_desk.printing import forms, heading, layout, signatures
from tthc_desk.printing.document import build_pdf
from tthc_desk.printing.templates import BLANK, load_template

from .support import make_dossier, pdf_text

OFFICE = DEMO_OFFICE


def texts(cell: list[Flowable]) -> list[str]:
    """The text of each paragraph of a table cell, with the room to sign as "<space>"."""
    out = []
    for f in cell:
        if isinstance(f, Paragraph):
            out.append(f.getPlainText())
        elif isinstance(f, Spacer):
            out.append("<space>")
    return out


def cells(table: Table) -> list[list[str]]:
    return [texts(cell) for cell in table._cellvalues[0]]


# ---- header ---------------------------------------------------------------------------------


def test_office_header_dated_and_numbered() -> None:
    header = heading.office_header(load_template("apology"), OFFICE, date(2026, 3, 2), "12/PXL")
    assert header.parent_authority == OFFICE.parent_authority
    assert header.office_name == OFFICE.office_name
    assert header.nation == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert header.motto == "Độc lập - Tự do - Hạnh phúc"
    assert header.date_line == heading.place_and_date(OFFICE, date(2026, 3, 2))
    assert header.date_line == "Đồng Nguyên, ngày 02 tháng 3 năm 2026"
    assert header.number_line == "Số: 12/PXL"
    # A form without a number (the refusal's template has no "Số:" line) prints none.
    assert (
        heading.office_header(load_template("refusal"), OFFICE, date(2026, 3, 2)).number_line == ""
    )


def test_office_header_number_left_blank_for_the_records_clerk() -> None:
    header = heading.office_header(load_template("stop_notice"), OFFICE, date(2026, 3, 2), BLANK)
    assert header.number_line == f"Số: {BLANK}"


def test_register_header_has_no_date_unless_given_a_line() -> None:
    t = load_template("ledger")
    assert heading.office_header(t, OFFICE).date_line == ""
    blank = "Đồng Nguyên, ngày … tháng … năm …"
    assert heading.office_header(t, OFFICE, None, date_line=blank).date_line == blank
    dated = heading.office_header(t, OFFICE, date(2026, 3, 2), date_line=blank)
    assert dated.date_line == "Đồng Nguyên, ngày 02 tháng 3 năm 2026"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_header_block_prints_agency_in_capitals_and_the_motto() -> None:
    office = replace(OFFICE, parent_authority="Ubnd phường Đồng Nguyên")
    header = heading.office_header(load_template("refusal"), office, date(2026, 3, 2))
    text = pdf_text(build_pdf([[heading.header_block(header)]], title="t"))
    for expected in (
        "UBND PHƯỜNG ĐỒNG NGUYÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đồng Nguyên, ngày 02 tháng 3 năm 2026",
    ):
        assert expected in text, expected


# ---- signatures -----------------------------------------------------------------------------


def test_two_parties_caption_note_room_and_name() -> None:
    table = signatures.two_parties(
        load_template("refusal"),
        ("signatures.applicant", "Nguyễn Thị Diễm Hương"),
        ("signatures.clerk", ""),
    )
    left, right = cells(table)
    note = "(Ký và ghi rõ họ tên)"
    assert left == ["NGƯỜI NỘP HỒ SƠ", note, "<space>", "Nguyễn Thị Diễm Hương"]
    assert right == ["NGƯỜI TIẾP NHẬN HỒ SƠ", note, "<space>"]  # no name: written by hand


def test_head_of_office_signs_with_prefix_title_room_and_name() -> None:
    column = signatures.Signer.head_of(OFFICE).column()
    assert column.captions == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert column.name == "Nguyễn Văn An" and column.note == ""
    assert column.space > signatures.PARTY_SPACE  # room for the seal too
    # Signing as the head himself: no "KT." line.
    alone = signatures.Signer.head_of(replace(OFFICE, head_sign_prefix="  ")).column()
    assert alone.captions == ("PHÓ GIÁM ĐỐC",)


def test_letter_signatures_recipients_left_head_right() -> None:
    table = signatures.letter_signatures(
        load_template("stop_notice"), signatures.Signer("KT. Giám đốc", "Phó giám đốc", "An")
    )
    left, right = cells(table)
    assert left[0] == "Nơi nhận:" and left[1:] == [
        "- Như trên;",
        "- Cơ quan, đơn vị giải quyết hồ sơ;",
        "- Lưu: VT, hồ sơ.",
    ]
    assert right == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "<space>", "An"]


def test_signature_block_may_leave_one_side_empty() -> None:
    column = signatures.party_column(
        load_template("late_list"), "explain.signer", "", "explain.note"
    )
    left, right = cells(signatures.signature_block(None, column))
    assert left == [] and right[0] == column.captions[0].upper()


def test_counter_signatures_the_authorised_person_signs_for_the_applicant() -> None:
    t = load_template("refusal")
    st = layout.get_styles()
    plain = cells(forms.counter_signatures(t, make_dossier(), "Ánh", st))
    assert plain[0][-1] == "Nguyễn Thị Diễm Hương" and plain[1][-1] == "Ánh"
    authorised = make_dossier(authorised=Person("Đỗ Văn Lộc", "036090005678"))
    assert cells(forms.counter_signatures(t, authorised, "Ánh", st))[0][-1] == "Đỗ Văn Lộc"


# ---- papers and handover columns ------------------------------------------------------------


def test_paper_rows_count_in_the_column_of_their_kind_or_one_blank_row() -> None:
    papers = [
        PaperItem("Giấy A", PaperKind.CERTIFIED, 2),
        PaperItem("Giấy B", PaperKind.PHOTOCOPY, 3),
    ]
    assert forms.paper_rows(papers) == [["1", "Giấy A", "", "2", ""], ["2", "Giấy B", "", "", "3"]]
    assert forms.paper_rows([]) == [["", BLANK, "", "", ""]]


def test_paper_widths_fill_the_frame() -> None:
    widths = forms.paper_widths(load_template("receipt"), layout.get_styles(), number_min=10)
    assert len(widths) == 5 and sum(widths) == pytest.approx(layout.FRAME_WIDTH)
    assert widths[1] > max(widths[0], *widths[2:])


def test_every_handover_column_has_a_label() -> None:
    t = load_template("postal_handover")
    assert set(HANDOVER_CENTRED_COLUMNS) <= set(HANDOVER_COLUMNS)
    assert all(t.text(f"columns.{key}") for key in HANDOVER_COLUMNS)
    assert {k.split(".")[1] for k in t.labels() if k.startswith("columns.")} == set(
        HANDOVER_COLUMNS
    )
