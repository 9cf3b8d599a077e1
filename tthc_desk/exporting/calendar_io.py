"""Read and write the administrator's table of calendar exceptions (Excel or CSV).

rules.md "Calendar and office hours": the per-year table of holidays, days off in exchange and
make-up working days is importable from Excel/CSV. Columns: ``Ngày`` (dd/mm/yyyy, yyyy-mm-dd or
an Excel date), ``Loại`` (code or Vietnamese label of :class:`DayKind`), ``Tên`` and ``Căn cứ``
(optional). Header names are matched without regard to accents, case or column order.

A file is imported whole or not at all: every row is checked and one ValidationError lists every
problem with its row and column, so the administrator fixes the file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from tthc_desk.domain.calendar import CalendarException, DayKind, basis_of, year_problem
from tthc_desk.domain.errors import ProblemCollector
from tthc_desk.domain.text import SHORT_TEXT_MAX, format_date, nfc, search_tokens, text_problem
from tthc_desk.exporting.tabular import Row, cell_text, is_blank, read_rows
from tthc_desk.presentation import label, parse_label

COL_DAY = "Ngày"
COL_KIND = "Loại"
COL_NAME = "Tên"
COL_SOURCE = "Căn cứ"
COLUMNS = (COL_DAY, COL_KIND, COL_NAME, COL_SOURCE)
REQUIRED_COLUMNS = (COL_DAY, COL_KIND)

_HEADER_KEYS = {" ".join(search_tokens(c)): c for c in COLUMNS}  # "can cu" → "Căn cứ"
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def read_exceptions(path: str | Path) -> list[CalendarException]:
    """The exceptions of a .csv (UTF-8, with or without BOM) or .xlsx file (first sheet)."""
    path = Path(path)
    return parse_exception_rows(read_rows(path), source_name=path.name)


def parse_exception_rows(rows: Iterable[Row], source_name: str = "") -> list[CalendarException]:
    """Check every row and build the exceptions.

    The header is the first row naming a known column; rows above it (a title) are skipped.
    """
    problems = ProblemCollector()
    filled = (row for row in rows if not all(is_blank(c) for c in row[1]))
    columns = _find_header(filled, problems)  # reads ``filled`` up to the header
    if columns is None:
        out: list[CalendarException] = []
        for name in REQUIRED_COLUMNS:
            problems.add(f"Không tìm thấy dòng tiêu đề có cột “{name}”", column=name)
    else:
        out = _body(filled, columns, problems)
    where = f"Tệp “{source_name}”" if source_name else "Bảng ngày nghỉ, ngày làm bù"
    problems.raise_if_any(f"{where} có {len(problems.problems)} lỗi; chưa nhập ngày nào.")
    return out


def write_exceptions_xlsx(exceptions: Iterable[CalendarException], path: str | Path) -> None:
    """Write the exceptions in the layout :func:`read_exceptions` reads (a template when empty)."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's active sheet is a worksheet
    ws.title = "Ngày nghỉ, làm bù"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for exc in exceptions:
        ws.append([exc.day, label(exc.kind), nfc(exc.name), nfc(basis_of(exc))])
        ws.cell(row=ws.max_row, column=1).number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCD", (14, 20, 48, 36), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"

    help_sheet = wb.create_sheet("Hướng dẫn")
    help_sheet.append(["Cột", "Cách ghi"])
    help_sheet.append([COL_DAY, "dd/mm/yyyy, ví dụ 22/08/2026 (hoặc ô kiểu ngày của Excel)"])
    help_sheet.append([COL_KIND, "Một trong: " + "; ".join(label(k) for k in DayKind)])
    help_sheet.append([COL_NAME, "Tên ngày nghỉ hoặc ngày làm bù (không bắt buộc)"])
    help_sheet.append([COL_SOURCE, "Văn bản căn cứ, ví dụ Thông báo 9441/TB-BNV (không bắt buộc)"])
    help_sheet.column_dimensions["B"].width = 70
    wb.save(Path(path))


# -- cells ---------------------------------------------------------------------------------------


def _find_header(rows: Iterator[Row], problems: ProblemCollector) -> dict[str, int] | None:
    """The columns of the first row naming a known column; None when no row does."""
    for row_no, cells in rows:
        if any(_column_name(c) for c in cells):
            return _header(row_no, cells, problems)
    return None


def _body(
    rows: Iterable[Row], columns: dict[str, int], problems: ProblemCollector
) -> list[CalendarException]:
    """The exceptions of the rows below the header; a day given twice is a problem."""
    out: list[CalendarException] = []
    first_row_of: dict[date, int] = {}
    for row_no, cells in rows:
        values = {name: cells[pos] if pos < len(cells) else None for name, pos in columns.items()}
        day = _parse_day(values[COL_DAY], row_no, problems) if COL_DAY in values else None
        kind = _parse_kind(values[COL_KIND], row_no, problems) if COL_KIND in values else None
        if day is None:
            continue
        if msg := year_problem(day.year):
            problems.add(msg, row=row_no, column=COL_DAY)
            continue
        gate = [(COL_NAME, "Tên ngày"), (COL_SOURCE, "Căn cứ")]
        for col, what in gate:
            if msg := text_problem(cell_text(values.get(col)), what, SHORT_TEXT_MAX):
                problems.add(msg, row=row_no, column=col)
        if day in first_row_of:
            problems.add(
                f"Ngày {format_date(day)} bị trùng với dòng {first_row_of[day]}",
                row=row_no,
                column=COL_DAY,
            )
        else:
            first_row_of[day] = row_no
        if kind is not None:
            name, source = cell_text(values.get(COL_NAME)), cell_text(values.get(COL_SOURCE))
            out.append(CalendarException(day, kind, name, source))
    return out


def _header(row_no: int, cells: Sequence[object], problems: ProblemCollector) -> dict[str, int]:
    columns: dict[str, int] = {}
    for pos, raw in enumerate(cells):
        name = _column_name(raw)
        if name is None:
            continue  # extra columns (notes, weekday) are allowed and ignored
        if name in columns:
            problems.add(f"Cột “{name}” xuất hiện hai lần", row=row_no, column=name)
        else:
            columns[name] = pos
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.add(f"Thiếu cột “{name}” ở dòng tiêu đề", row=row_no, column=name)
    return columns


def _column_name(value: object) -> str | None:
    """The canonical column a header cell names ("CĂN CỨ", "can cu" → "Căn cứ"), if any."""
    return _HEADER_KEYS.get(" ".join(search_tokens(cell_text(value))))


def _parse_day(value: object, row_no: int, problems: ProblemCollector) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = _from_serial(value)
        if serial is not None:
            return serial
    text = cell_text(value)
    if not text:
        problems.add("Thiếu ngày", row=row_no, column=COL_DAY)
        return None
    if match := _DMY.match(text):
        d, m, y = (int(g) for g in match.groups())
    elif match := _YMD.match(text):
        y, m, d = (int(g) for g in match.groups())
    else:
        d = m = y = 0
    try:
        return date(y, m, d)
    except ValueError:
        problems.add(f"Ngày “{text}” không hợp lệ, cần dạng dd/mm/yyyy", row=row_no, column=COL_DAY)
        return None


def _from_serial(value: float) -> date | None:
    """The day of an Excel date serial in a cell not formatted as a date."""
    try:
        moment: object = from_excel(value)
    except (ValueError, OverflowError):
        return None
    # A serial below 1 is a time of day, not a date.
    return moment.date() if isinstance(moment, datetime) else None


def _parse_kind(value: object, row_no: int, problems: ProblemCollector) -> DayKind | None:
    text = cell_text(value)
    if not text:
        problems.add("Thiếu loại ngày", row=row_no, column=COL_KIND)
        return None
    kind = parse_label(DayKind, text)
    if kind is None:
        allowed = "; ".join(f"“{label(k)}”" for k in DayKind)
        problems.add(
            f"Loại “{text}” không hợp lệ, cần một trong: {allowed}", row=row_no, column=COL_KIND
        )
    return kind
