"""The procedure catalog as an Excel workbook people can edit, and the bundled starter catalog.

A catalog workbook has two sheets: ``Thủ tục`` (one procedure a row) and ``Thành phần hồ sơ``
(one required paper a row, linked by ``Mã thủ tục``). Reading is all-or-nothing: every row of both
sheets is checked and every problem is reported at once, with its Excel row and column, so the
clerk can fix the file in one pass. The starter catalog (JSON) goes through the same checks.
"""

from __future__ import annotations

import json
import math
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tthc_desk.domain.errors import ProblemCollector, TthcError, ValidationError
from tthc_desk.domain.procedure import DurationUnit, PaperKind, Procedure
from tthc_desk.domain.text import fold, nfc
from tthc_desk.durable import atomic_path
from tthc_desk.exporting.catalog_rules import (
    PAPER_COLUMNS,
    PAPER_SHEET,
    PROCEDURE_COLUMNS,
    PROCEDURE_HEADERS,
    PROCEDURE_SHEET,
    Column,
    Row,
    is_blank,
    validate_records,
)
from tthc_desk.exporting.tabular import check_size, sheet_rows
from tthc_desk.presentation import label

IMPORT_SUMMARY = "Không nhập được danh mục: có {n} lỗi. Chưa có gì được ghi."
YES, NO = "Có", "Không"
MONEY_FORMAT = "#,##0"


# ---------------------------------------------------------------- writing


def write_catalog(procedures: Sequence[Procedure], path: str | os.PathLike[str]) -> None:
    """Write ``procedures`` as a catalog workbook that ``read_catalog`` reads back unchanged."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = PROCEDURE_SHEET
    _write_header(ws, PROCEDURE_COLUMNS)
    for p in procedures:
        ws.append(
            [
                p.code,
                p.name,
                p.field,
                p.deciding_agency,
                p.handling_unit,
                None if p.duration.unit is DurationUnit.SAME_DAY else p.duration.value,
                label(p.duration.unit),
                p.fee,
                p.charge,
                _yes_no(p.postal_return),
                _yes_no(p.online),
                _yes_no(p.active),
            ]
        )
    _style_body(
        ws,
        PROCEDURE_COLUMNS,
        text={"code"},
        wrap={"name"},
        money={"fee", "charge"},
        center={"postal_return", "online", "active"},
    )
    _add_list_validation(ws, PROCEDURE_COLUMNS, "duration_unit", [label(u) for u in DurationUnit])
    for key in ("postal_return", "online", "active"):
        _add_list_validation(ws, PROCEDURE_COLUMNS, key, [YES, NO])
    for key in ("duration_value", "fee", "charge"):
        _add_whole_validation(ws, PROCEDURE_COLUMNS, key, minimum=0)

    papers = wb.create_sheet(PAPER_SHEET)
    _write_header(papers, PAPER_COLUMNS)
    for p in procedures:
        for paper in p.papers:
            papers.append([p.code, paper.name, label(paper.kind), paper.count])
    _style_body(papers, PAPER_COLUMNS, text={"code"}, wrap={"name"}, money=set(), center={"count"})
    _add_list_validation(papers, PAPER_COLUMNS, "kind", [label(k) for k in PaperKind])
    _add_whole_validation(papers, PAPER_COLUMNS, "count", minimum=1)

    wb.properties.title = "Danh mục thủ tục hành chính"
    _save_atomically(wb, Path(path))


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _write_header(ws: Worksheet, columns: Sequence[Column]) -> None:
    ws.append([c.header for c in columns])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # A new sheet has its page set-up properties; the stubs allow None for a loaded one.
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _style_body(
    ws: Worksheet,
    columns: Sequence[Column],
    *,
    text: set[str],
    wrap: set[str],
    money: set[str],
    center: set[str],
) -> None:
    last_row = max(ws.max_row, 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    centered = Alignment(horizontal="center", vertical="top")
    for i, col in enumerate(columns, start=1):
        for (cell,) in ws.iter_rows(min_row=2, max_row=last_row, min_col=i, max_col=i):
            cell.alignment = wrapped if col.key in wrap else centered if col.key in center else top
            if col.key in text:
                # Stored as text so Excel does not turn "1.004770" into the number 1.00477.
                cell.number_format = "@"
            elif col.key in money:
                cell.number_format = MONEY_FORMAT
    # Neither Excel nor LibreOffice grows a row for wrapped text written by a program, so
    # estimate the lines from the text length (about 1.2 characters per unit of column width).
    wrap_columns = [(i, c.width * 1.2) for i, c in enumerate(columns, start=1) if c.key in wrap]
    for r in range(2, last_row + 1):
        lines = max(
            (
                math.ceil(len(str(ws.cell(r, i).value or "")) / per_line)
                for i, per_line in wrap_columns
            ),
            default=1,
        )
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines


def _column_range(columns: Sequence[Column], key: str) -> str:
    index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    letter = get_column_letter(index)
    return f"{letter}2:{letter}1048576"


def _add_list_validation(
    ws: Worksheet, columns: Sequence[Column], key: str, choices: list[str]
) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.error = "Hãy chọn một giá trị trong danh sách: " + ", ".join(choices) + "."
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(_column_range(columns, key))


def _add_whole_validation(ws: Worksheet, columns: Sequence[Column], key: str, minimum: int) -> None:
    dv = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1=str(minimum), allow_blank=True
    )
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.error = f"Hãy ghi một số nguyên từ {minimum} trở lên."
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(_column_range(columns, key))


def _save_atomically(wb: Workbook, path: Path) -> None:
    # A half-written file would be worse than none: write beside it, then swap in one step.
    try:
        with atomic_path(path) as tmp:
            wb.save(tmp)
    except PermissionError as exc:  # on Windows, mostly the workbook open in Excel
        raise TthcError(
            f"Không ghi được tệp “{path.name}”: tệp đang mở trong chương trình khác, "
            "thư mục không tồn tại hoặc không có quyền ghi."
        ) from exc


# ---------------------------------------------------------------- reading


def read_catalog(path: str | os.PathLike[str]) -> list[Procedure]:
    """Read a catalog workbook; raise one ValidationError listing every problem found."""
    problems = ProblemCollector()
    procedures: list[Procedure] = []
    try:
        check_size(Path(path))
        wb = load_workbook(Path(path), read_only=True, data_only=True)
    except FileNotFoundError:
        problems.add(f"Không tìm thấy tệp “{Path(path).name}”. Hãy chọn lại tệp.")
    except PermissionError:
        problems.add(
            f"Không mở được tệp “{Path(path).name}”: tệp đang bị khóa hoặc không có quyền đọc. "
            "Hãy đóng tệp trong Excel rồi thử lại."
        )
    except (InvalidFileException, OSError, *_BROKEN_FILE):
        problems.add(_not_xlsx(path))
    else:
        try:
            proc_rows = _sheet_rows(wb, PROCEDURE_SHEET, PROCEDURE_COLUMNS, problems)
            paper_rows = _sheet_rows(wb, PAPER_SHEET, PAPER_COLUMNS, problems)
        except _BROKEN_FILE:  # a valid zip whose sheets are damaged is only found while reading
            problems.add(_not_xlsx(path))
        else:
            if proc_rows is not None and paper_rows is not None:
                procedures = validate_records(proc_rows, paper_rows, problems)
        finally:
            wb.close()
    problems.raise_if_any(IMPORT_SUMMARY.format(n=len(problems.problems)))
    return procedures


# What openpyxl raises on a damaged or foreign file (XML parse errors derive from SyntaxError).
_BROKEN_FILE = (zipfile.BadZipFile, KeyError, ValueError, TypeError, SyntaxError)


def _not_xlsx(path: str | os.PathLike[str]) -> str:
    return (
        f"Tệp “{Path(path).name}” không phải bảng tính Excel .xlsx hoặc đã hỏng. "
        "Hãy mở tệp bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx."
    )


def _header_key(text: object) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(nfc(str(text or "")))).split())


def _sheet_rows(
    wb: Any, title: str, columns: Sequence[Column], problems: ProblemCollector
) -> list[Row] | None:
    """The non-empty rows of one sheet, or None when the sheet or a required column is missing."""
    ws = next((wb[n] for n in wb.sheetnames if _header_key(n) == _header_key(title)), None)
    if ws is None:
        problems.add(
            f"Không có trang tính “{title}”. Hãy thêm trang này (có thể để trống dữ liệu) "
            "hoặc xuất lại danh mục từ phần mềm để lấy mẫu đúng.",
            field=title,
        )
        return None
    rows = iter(sheet_rows(ws))
    header_row, positions = _find_header(rows, columns)
    missing = [c.header for c in columns if c.required and c.key not in positions]
    for header in missing:
        problems.add(
            f"Trang “{title}” thiếu cột “{header}”. Hãy thêm cột này vào dòng tiêu đề.",
            field=title,
            row=header_row,
            column=header,
        )
    if missing:
        return None
    return _data_rows(rows, positions, first_number=header_row + 1)


# A title row or two above the header is tolerated; past this row no header is looked for.
_HEADER_SEARCH_ROWS = 10


def _find_header(
    rows: Iterator[Sequence[Any]], columns: Sequence[Column]
) -> tuple[int, dict[str, int]]:
    """The header's row number and the position of each known column in it.

    The header is the first row that names a required column; ``rows`` is left just after it.
    When none is found, row 1 and no positions.
    """
    lookup = {_header_key(a): c for c in columns for a in (c.header, *c.aliases)}
    for number, values in enumerate(rows, start=1):
        found: dict[str, int] = {}
        for index, text in enumerate(values):
            col = lookup.get(_header_key(text))
            if col is not None and col.key not in found:
                found[col.key] = index
        if any(c.required and c.key in found for c in columns):
            return number, found
        if number >= _HEADER_SEARCH_ROWS:
            break
    return 1, {}


def _data_rows(
    rows: Iterable[Sequence[Any]], positions: Mapping[str, int], first_number: int
) -> list[Row]:
    """The rows below the header with a value in a known column, by column key."""
    out: list[Row] = []
    for number, values in enumerate(rows, start=first_number):
        picked = {
            key: values[index] if index < len(values) else None for key, index in positions.items()
        }
        if all(is_blank(v) for v in picked.values()):
            continue
        out.append(Row(number, picked))
    return out


# ---------------------------------------------------------------- starter catalog (JSON)


_JSON_PROCEDURE_KEYS = {c.key for c in PROCEDURE_COLUMNS} - {"duration_value", "duration_unit"}
_JSON_PROCEDURE_KEYS |= {"duration", "papers", "note"}
_JSON_PAPER_KEYS = {"name", "kind", "count"}


def load_starter_catalog() -> list[Procedure]:
    """The bundled starter catalog, checked exactly like an imported workbook."""
    path = _starter_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"Không đọc được danh mục thủ tục mẫu ({path.name}).") from exc
    problems = ProblemCollector()
    proc_rows, paper_rows = _json_rows(data, problems)
    procedures = validate_records(proc_rows, paper_rows, problems, from_json=True)
    problems.raise_if_any(f"Danh mục thủ tục mẫu ({path.name}) có {len(problems.problems)} lỗi.")
    return procedures


def _starter_path() -> Path:
    from tthc_desk.resources import resource_path

    return resource_path("catalog", "starter_catalog.json")


def _json_rows(data: Any, problems: ProblemCollector) -> tuple[list[Row], list[Row]]:
    """Flatten the JSON into the same rows a workbook gives; ``row`` is the 1-based position."""
    items = data.get("procedures") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.add("Thiếu danh sách “procedures”.")
        return [], []
    proc_rows: list[Row] = []
    paper_rows: list[Row] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.add("Mỗi thủ tục phải là một đối tượng JSON.", row=number)
            continue
        for key in sorted(set(item) - _JSON_PROCEDURE_KEYS):
            problems.add(f"Khóa “{key}” không được dùng.", row=number, column=key)
        duration = item.get("duration") or {}
        values = {k: item.get(k) for k in _JSON_PROCEDURE_KEYS if k in PROCEDURE_HEADERS}
        values["duration_value"] = duration.get("value") if isinstance(duration, dict) else None
        values["duration_unit"] = duration.get("unit") if isinstance(duration, dict) else None
        proc_rows.append(Row(number, values))
        for paper in _iter_papers(item.get("papers"), number, problems):
            paper_rows.append(Row(number, {"code": item.get("code"), **paper}))
    return proc_rows, paper_rows


def _iter_papers(papers: Any, number: int, problems: ProblemCollector) -> Iterator[dict[str, Any]]:
    if papers is None:
        return
    if not isinstance(papers, list):
        problems.add("“papers” phải là một danh sách.", row=number, column="papers")
        return
    for paper in papers:
        if not isinstance(paper, dict) or set(paper) - _JSON_PAPER_KEYS:
            problems.add(
                "Mỗi giấy tờ chỉ có các khóa name, kind, count.", row=number, column="papers"
            )
            continue
        yield {k: paper.get(k) for k in _JSON_PAPER_KEYS}
