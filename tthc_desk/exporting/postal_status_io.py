"""Read the delivery-status file the post office sends back (CSV or Excel).

Columns, in any order, named in Vietnamese or English with or without accents: the waybill
(``Số hiệu bưu gửi``, ``Mã vận đơn``, ``Mã bưu gửi``, ``waybill``, ``tracking number``), the
status (``Trạng thái``, ``Tình trạng``, ``status``) and the date (``Ngày``, ``Thời gian``,
``Ngày phát``, ``date``). Rows above the header (a title) and extra columns are ignored.
Dates are ``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM[:SS]``, ISO ``yyyy-mm-dd[ HH:MM[:SS]]`` or Excel
date cells.

This module checks what a file can say by itself (columns, waybill shape, status word, date,
duplicate rows) and returns every problem with its row and column; the postal service adds
what needs the database (unknown waybills, impossible changes) and applies all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path

from openpyxl.utils.datetime import from_excel

from tthc_desk.domain.errors import Problem
from tthc_desk.domain.postal import (
    STATUS_CHOICES,
    PostalState,
    StatusRow,
    minute,
    normalise_waybill,
    waybill_problem,
)
from tthc_desk.domain.text import SHORT_TEXT_MAX, search_tokens, text_problem
from tthc_desk.exporting.tabular import Row, cell_text, is_blank, read_rows
from tthc_desk.presentation import parse_status_word

COL_WAYBILL = "Số hiệu bưu gửi"
COL_STATUS = "Trạng thái"
COL_DATE = "Ngày"
COLUMNS = (COL_WAYBILL, COL_STATUS, COL_DATE)
# The column of each field of a row, as the postal rules name them.
_FIELD_COLUMNS = {"waybill": COL_WAYBILL, "state": COL_STATUS, "at": COL_DATE}

_ALIASES: dict[str, tuple[str, ...]] = {
    COL_WAYBILL: (
        "Số hiệu bưu gửi",
        "Số hiệu",
        "Mã vận đơn",
        "Mã bưu gửi",
        "Số vận đơn",
        "Mã bưu phẩm",
        "Số hiệu bưu phẩm",
        "waybill",
        "waybill number",
        "tracking",
        "tracking number",
        "item",
        "item number",
        "item code",
    ),
    COL_STATUS: ("Trạng thái", "Tình trạng", "Kết quả phát", "Trạng thái phát", "status", "state"),
    COL_DATE: (
        "Ngày",
        "Thời gian",
        "Ngày phát",
        "Ngày giờ",
        "Thời điểm",
        "Ngày cập nhật",
        "date",
        "datetime",
        "time",
        "date time",
    ),
}
_HEADER_KEYS = {
    " ".join(search_tokens(alias)): col for col, aliases in _ALIASES.items() for alias in aliases
}

_DMY = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$"
)
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")


def read_status_file(path: str | Path) -> tuple[list[StatusRow], list[Problem]]:
    """The checked rows of a .csv (UTF-8 with or without BOM; ``,`` ``;`` or tab) or .xlsx file,
    and every problem found. An unreadable file raises a ValidationError at once."""
    return parse_status_rows(read_rows(path))


def parse_status_rows(rows: Iterable[Row]) -> tuple[list[StatusRow], list[Problem]]:
    """The rows below the header (found among the first rows; those above are titles), and
    every problem found. Blank rows are skipped."""
    lines = (row for row in rows if not all(is_blank(c) for c in row[1]))
    header = next((row for row in lines if any(_column_name(c) for c in row[1])), None)
    if header is None:
        return [], [
            Problem(f"Không tìm thấy dòng tiêu đề có cột “{name}”", column=name) for name in COLUMNS
        ]
    problems: list[Problem] = []
    columns = _header(header[0], header[1], problems)
    if len(columns) < len(COLUMNS):
        return [], problems  # without every column no row can be read
    out = _body(lines, columns, problems)
    if not out and not problems:
        problems.append(Problem("Tệp không có dòng trạng thái nào dưới dòng tiêu đề"))
    return out, problems


def _body(
    lines: Iterable[Row], columns: Mapping[str, int], problems: list[Problem]
) -> list[StatusRow]:
    out: list[StatusRow] = []
    first_row_of: dict[str, int] = {}
    for row_no, cells in lines:
        values = {name: cells[pos] if pos < len(cells) else None for name, pos in columns.items()}
        gate = [(col, text_problem(cell_text(values[col]), col, SHORT_TEXT_MAX)) for col in COLUMNS]
        if any(msg for _, msg in gate):
            problems.extend(Problem(msg, row=row_no, column=col) for col, msg in gate if msg)
            continue
        waybill = _waybill(values[COL_WAYBILL], row_no, problems)
        state = _state(values[COL_STATUS], row_no, problems)
        moment = _moment(values[COL_DATE], row_no, problems)
        if waybill in first_row_of:
            problems.append(
                Problem(
                    f"Số hiệu bưu gửi {waybill} trùng với dòng {first_row_of[waybill]}",
                    row=row_no,
                    column=COL_WAYBILL,
                )
            )
            continue
        if waybill:
            first_row_of[waybill] = row_no
        if waybill and state is not None and moment is not None:
            out.append(StatusRow(row_no, waybill, state, moment[0], date_only=moment[1]))
    return out


def locate(problem: Problem) -> Problem:
    """A problem found on a row's field ("waybill", "at", "state") by the postal rules, placed
    at the file's column, as the checks of this module place theirs."""
    return Problem(problem.message, row=problem.row, column=_FIELD_COLUMNS[problem.field or ""])


def _header(row_no: int, cells: Sequence[object], problems: list[Problem]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for pos, raw in enumerate(cells):
        name = _column_name(raw)
        if name is None:
            continue  # extra columns (recipient, notes) are allowed and ignored
        if name in columns:
            problems.append(Problem(f"Cột “{name}” xuất hiện hai lần", row=row_no, column=name))
        else:
            columns[name] = pos
    for name in COLUMNS:
        if name not in columns:
            aliases = ", ".join(f"“{a}”" for a in _ALIASES[name][:3])
            problems.append(
                Problem(
                    f"Thiếu cột “{name}” (hoặc {aliases}) ở dòng tiêu đề", row=row_no, column=name
                )
            )
    return columns


def _column_name(value: object) -> str | None:
    return _HEADER_KEYS.get(" ".join(search_tokens(cell_text(value))))


def _waybill(value: object, row_no: int, problems: list[Problem]) -> str:
    waybill = normalise_waybill(cell_text(value))
    if msg := waybill_problem(waybill):
        problems.append(Problem(msg.rstrip("."), row=row_no, column=COL_WAYBILL))
        return ""
    return waybill


def _state(value: object, row_no: int, problems: list[Problem]) -> PostalState | None:
    text = cell_text(value)
    if not text:
        problems.append(Problem("Thiếu trạng thái", row=row_no, column=COL_STATUS))
        return None
    state = parse_status_word(text)
    if state is None:
        problems.append(
            Problem(
                f"Trạng thái “{text}” không hiểu được, cần một trong: {STATUS_CHOICES}",
                row=row_no,
                column=COL_STATUS,
            )
        )
    return state


def _moment(value: object, row_no: int, problems: list[Problem]) -> tuple[datetime, bool] | None:
    """(moment, date only). An Excel date cell at exactly midnight counts as a date only."""
    found = _cell_moment(value)
    if found is not None:
        return found
    text = cell_text(value)
    if not text:
        problems.append(Problem("Thiếu ngày", row=row_no, column=COL_DATE))
        return None
    found = _text_moment(text)
    if found is None:
        problems.append(
            Problem(
                f"Ngày “{text}” không hợp lệ, cần dạng dd/mm/yyyy hoặc dd/mm/yyyy HH:MM",
                row=row_no,
                column=COL_DATE,
            )
        )
    return found


def _cell_moment(value: object) -> tuple[datetime, bool] | None:
    """The moment of an Excel date cell, or of a date serial in a cell not formatted as a date
    (None for anything else)."""
    if isinstance(value, datetime):
        moment = minute(value.replace(tzinfo=None))
    elif isinstance(value, date):
        return datetime.combine(value, time.min), True
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = from_excel(value)
        except (ValueError, OverflowError):
            return None
        if not isinstance(moment, datetime):  # a fraction of a day is a time, not a date
            return None
        moment = minute(moment)
    else:
        return None
    return moment, moment.time() == time.min


def _text_moment(text: str) -> tuple[datetime, bool] | None:
    """``dd/mm/yyyy[ HH:MM[:SS]]`` or ``yyyy-mm-dd[ HH:MM[:SS]]`` (seconds dropped)."""
    if match := _DMY.match(text):
        d, m, y, hh, mm, _ss = match.groups()
    elif match := _YMD.match(text):
        y, m, d, hh, mm, _ss = match.groups()
    else:
        return None
    try:
        moment = datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0))
    except ValueError:
        return None
    return moment, hh is None
