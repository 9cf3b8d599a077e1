"""The head of every printed form, letter and register (Nghị định 30/2020/NĐ-CP, Phụ lục I).

- :func:`office_header` – what the header says for an office: its parent authority and name,
  the Quốc hiệu and Tiêu ngữ of the template, the place-and-date line
  (:func:`place_and_date`, "Đồng Nguyên, ngày 02 tháng 3 năm 2026") and an optional "Số:" line;
- :func:`header_block` – that header drawn in two columns (agency | national motto);
- :func:`title_block` – the centred title and its lines;
- :func:`document_heading` – the header, then the title: how every form but the receipt starts
  (the receipt puts a QR code beside its title).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import format_long_date, nfc
from tthc_desk.printing.layout import (
    FRAME_WIDTH,
    TIGHT,
    HRule,
    Styles,
    balanced_lines,
    esc,
    get_styles,
    markup_para,
    para,
    text_width,
)
from tthc_desk.printing.templates import FormTemplate

#: Header column widths: the motto column must hold the Quốc hiệu at 12 pt on one line.
HEADER_LEFT_SHARE = 0.43


@dataclass(frozen=True)
class Header:
    """What the two-column header prints. Agency lines are printed in capitals."""

    parent_authority: str
    office_name: str
    nation: str
    motto: str
    date_line: str
    number_line: str = ""


def place_and_date(office: OfficeProfile, day: date) -> str:
    """The italic line under the motto: "Đồng Nguyên, ngày 02 tháng 3 năm 2026"."""
    return format_long_date(office.place_name, day)


def office_header(
    template: FormTemplate,
    office: OfficeProfile,
    day: date | None = None,
    number: str = "",
    *,
    date_line: str = "",
) -> Header:
    """The header of a form issued by ``office`` on ``day``.

    ``number`` fills the template's ``header.number`` line ("Số: {number}") when given. Without
    a ``day`` the header prints ``date_line`` as it is (empty: no date line, as on a register).
    """
    return Header(
        parent_authority=office.parent_authority,
        office_name=office.office_name,
        nation=template.text("header.nation"),
        motto=template.text("header.motto"),
        date_line=place_and_date(office, day) if day is not None else date_line,
        number_line=template.text("header.number", number=number) if number else "",
    )


def _agency_column(header: Header, st: Styles, width: float) -> list[Flowable]:
    """Parent authority upright, office bold (two even lines when long), a short rule, Số."""
    office_lines = balanced_lines(nfc(header.office_name).upper(), st.header_office, width)
    column: list[Flowable] = [
        para(line, st.header_parent)
        for line in balanced_lines(nfc(header.parent_authority).upper(), st.header_parent, width)
        if line
    ]
    column.append(markup_para("<br/>".join(esc(line) for line in office_lines), st.header_office))
    # Rule under the agency name: a third of its longest line, centred (ND 30: 1/3–1/2).
    office_line = min(max(text_width(line, st.header_office) for line in office_lines), width)
    column.append(HRule(max(office_line / 3, 18 * mm)))
    if header.number_line:
        column.append(para(header.number_line, st.header_number))
    return column


def _motto_column(header: Header, st: Styles) -> list[Flowable]:
    """Quốc hiệu, Tiêu ngữ with a rule as long as the text, the italic place and date."""
    column: list[Flowable] = [
        para(header.nation.upper(), st.header_nation),
        para(header.motto, st.header_motto),
        HRule(text_width(header.motto, st.header_motto)),
    ]
    if header.date_line:
        column.append(para(header.date_line, st.header_date))
    return column


def header_block(header: Header, styles: Styles | None = None, width: float = FRAME_WIDTH) -> Table:
    """ND 30 header: the agency on the left, the national motto on the right."""
    st = styles or get_styles()
    left_w = width * HEADER_LEFT_SHARE
    table = Table(
        [[_agency_column(header, st, left_w), _motto_column(header, st)]],
        colWidths=[left_w, width - left_w],
    )
    table.setStyle(TIGHT)
    return table


def title_block(
    title: str,
    lines: Iterable[str] = (),
    styles: Styles | None = None,
    space_before: float = 7 * mm,
) -> list[Flowable]:
    """Centred bold title in capitals, then centred markup ``lines`` (already escaped)."""
    st = styles or get_styles()
    out: list[Flowable] = [Spacer(1, space_before), para(nfc(title).upper(), st.title)]
    out.extend(markup_para(line, st.center) for line in lines)
    return out


def document_heading(
    header: Header,
    title: str,
    lines: Iterable[str] = (),
    styles: Styles | None = None,
    width: float = FRAME_WIDTH,
    space_before: float = 6 * mm,
) -> list[Flowable]:
    """The two-column header, then the centred title and its (markup) lines."""
    st = styles or get_styles()
    return [header_block(header, st, width), *title_block(title, lines, st, space_before)]
