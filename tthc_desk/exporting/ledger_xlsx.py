"""The tracking ledger (Sổ theo dõi hồ sơ, Mẫu 07) as an Excel workbook, and the register-sheet
writer the late-dossier list shares.

Column titles come from the same template as the printed register
(``resources/templates/ledger.toml``, or the administrator's replacement in the override
folder), so paper and Excel always agree. openpyxl (write-only) writes the workbook around the
table, one shared style per column kind, and the rows stream from the database into the sheet
as text (:mod:`tthc_desk.exporting.sheet_rows`): a year of dossiers is never in memory. Dates are
real datetimes formatted ``dd/mm/yyyy hh:mm``; the page setup is A4 landscape, fit to width, with
the header rows repeated on every printed page.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.properties import PageSetupProperties, WorksheetProperties

from tthc_desk import presentation
from tthc_desk.domain.errors import TthcError
from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.registers import LEDGER_COLUMNS, LEDGER_DATE_COLUMNS, LedgerRow
from tthc_desk.domain.text import nfc
from tthc_desk.durable import atomic_path
from tthc_desk.exporting.sheet_rows import RowWriter, splice
from tthc_desk.exporting.tabular import cell_value
from tthc_desk.resources import resource_path

#: What a register cell holds (an int is a float to the type checker).
CellValue = str | float | datetime | None
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
LEDGER_TEMPLATE = "ledger"
LEDGER_WIDTHS = (6, 28, 34, 24, 36, 26, 9, 16, 16, 16, 16, 16, 22)
#: Rows between two progress reports.
PROGRESS_EVERY = 200

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD = Alignment(wrap_text=True, horizontal="center", vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="top")


class ExportTemplateError(TthcError):
    """The register template is missing or lacks a title the Excel file needs."""


def read_labels(name: str, template_dir: Path | None = None) -> dict[str, Any]:
    """The register template ``name`` (override folder first), NFC, as a nested dict."""
    path = None
    if template_dir is not None and (Path(template_dir) / f"{name}.toml").is_file():
        path = Path(template_dir) / f"{name}.toml"
    path = path or resource_path("templates", f"{name}.toml")
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ExportTemplateError(f"Không đọc được mẫu “{path}”: {exc}.") from None
    return {k: _nfc(v) for k, v in data.items()}


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def label(data: dict[str, Any], dotted: str, **values: object) -> str:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ExportTemplateError(f"Mẫu in thiếu mục “{dotted}”.")
        node = node[part]
    return str(node).format(**values) if values else str(node)


@dataclass(frozen=True)
class Sheet:
    """What a register sheet prints above and in its table."""

    title: str
    lines: Sequence[str]  # under the title: period, addressee …
    header_rows: Sequence[Sequence[str]]  # one or two rows
    merges: Sequence[str]  # ranges inside the header rows, e.g. "H1:L1" (1 = first header row)
    widths: Sequence[float]
    date_columns: Iterable[int]  # 0-based columns holding datetimes
    centre_columns: Iterable[int] = ()
    #: The ``lines`` as they read once the rows are written (as many), when they tell of the
    #: rows (how many are late): the rows then wait in a temporary file, not in memory.
    final_lines: Callable[[], Sequence[str]] | None = None


class PrintedSheet(Protocol):
    """What the page setup and the layout of a register need of a worksheet. A normal worksheet
    has it all; a write-only one has it too at run time (``Worksheet._setup`` gives it), though
    its stubs leave it out."""

    column_dimensions: DimensionHolder[str, ColumnDimension]
    row_dimensions: DimensionHolder[int, RowDimension]
    merged_cells: MultiCellRange
    page_setup: PrintPageSetup
    sheet_properties: WorksheetProperties
    oddFooter: HeaderFooterItem | None


def print_setup(ws: PrintedSheet) -> None:
    """A4 landscape, fitted to the page width, pages numbered in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    props = ws.sheet_properties
    if props.pageSetUpPr is None:
        props.pageSetUpPr = PageSetupProperties()
    props.pageSetUpPr.fitToPage = True
    if ws.oddFooter is not None:  # openpyxl gives every sheet one
        ws.oddFooter.center.text = "Trang &P / &N"


#: Height of one line of the default 11 pt font (points), and how many characters of
#: Vietnamese text a column holds per unit of width (a unit is one "0"; letters are narrower,
#: but a line breaks at a space and the cell has margins: kept on the safe side).
LINE_HEIGHT = 15.0
CHARS_PER_UNIT = 1.2


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell of ``width`` units (greedy at spaces,
    explicit line breaks kept)."""
    room = max(1, int((width - 1) * CHARS_PER_UNIT))
    if len(text) <= room and "\n" not in text and "\r" not in text:
        return 1  # most cells: one line, known without splitting
    return _lines(str(text), room)


@lru_cache(maxsize=8192)
def _lines(text: str, room: int) -> int:
    """:func:`text_lines` in ``room`` characters a line; a register repeats its procedure
    names, units and notes on thousands of rows, so the answers are kept."""
    lines = 0
    for part in text.splitlines() or [""]:
        used = 0
        lines += 1
        for word in part.split():
            if used and used + 1 + len(word) <= room:
                used += 1 + len(word)
                continue
            lines += (1 if used else 0) + (len(word) - 1) // room  # a word longer than a line
            used = len(word) % room or room
    return lines


def wrapped_height(
    values: Sequence[object], widths: Sequence[float], wrapping: Iterable[int]
) -> float | None:
    """The height a row needs so its wrapped text shows whole (None: one line is enough).
    Excel grows such rows by itself when it opens a file; LibreOffice does not, and the lines
    of one row would run over the next."""
    lines = 1
    for i in wrapping:
        value = values[i]
        if value is not None and value != "":
            lines = max(lines, text_lines(str(value), widths[i]))
    return lines * LINE_HEIGHT + 1 if lines > 1 else None


def column_widths(ws: PrintedSheet, widths: Sequence[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def write_register(
    sheet_title: str,
    office: OfficeProfile,
    sheet: Sheet,
    rows: Iterable[Sequence[object]],
    path: str | os.PathLike[str],
) -> Path:
    """Write one register sheet and return the path. ``rows`` is read once, as the file is
    written (:mod:`tthc_desk.exporting.sheet_rows`): a year's register is never in memory."""
    target = Path(path)
    dates, centred = set(sheet.date_columns), set(sheet.centre_columns)
    wrapping = [i for i in range(len(sheet.widths)) if i not in dates and i not in centred]
    skeleton, part, styles = _skeleton(sheet_title, office, sheet, sheet.lines)
    body = RowWriter(
        styles,
        len(sheet.lines) + 5 + len(sheet.header_rows),  # under 3 title rows, a gap, the head
        lambda values: wrapped_height(values, sheet.widths, wrapping),
    )
    with atomic_path(target) as partial:
        if sheet.final_lines is None:
            splice(skeleton, part, body.chunks(rows), partial)
            return target
        with tempfile.TemporaryFile("w+", encoding="utf-8", dir=target.parent) as spool:
            spool.writelines(body.chunks(rows))
            lines = sheet.final_lines()
            skeleton, part, again = _skeleton(sheet_title, office, sheet, lines)
            if len(lines) != len(sheet.lines) or again != styles:
                raise ValueError("the final lines must match the first ones in number and style")
            spool.seek(0)
            splice(skeleton, part, iter(lambda: spool.read(1 << 20), ""), partial)
    return target


def _skeleton(
    sheet_title: str,
    office: OfficeProfile,
    sheet: Sheet,
    lines: Sequence[str],
) -> tuple[bytes, str, list[int]]:
    """The workbook without its body rows (bytes of an .xlsx), the name of its sheet's part
    and the numbers of the body's styles (one per column)."""
    wb = Workbook(write_only=True)
    ws: WriteOnlyWorksheet = wb.create_sheet(sheet_title[:31])
    printed = cast(PrintedSheet, ws)  # see PrintedSheet: the stubs lack what it has
    column_widths(printed, sheet.widths)
    top = [nfc(office.parent_authority).upper(), nfc(office.office_name).upper(), sheet.title]
    top += list(lines)
    first_head = len(top) + 2
    last_head = first_head + len(sheet.header_rows) - 1
    # Write-only: the sheet view and page setup are written with the first row, so set them now.
    ws.freeze_panes = f"A{last_head + 1}"
    ws.print_title_rows = f"{first_head}:{last_head}"
    print_setup(printed)
    _write_top(ws, printed, top, get_column_letter(len(sheet.widths)))
    ws.append([])
    every = range(len(sheet.widths))
    for number, row in enumerate(sheet.header_rows, start=first_head):
        _height(printed, number, row, sheet.widths, every)
        ws.append([_head_cell(ws, value) for value in row])
    for rng in sheet.merges:
        printed.merged_cells.add(_shift(rng, first_head - 1))
    dates, centred = set(sheet.date_columns), set(sheet.centre_columns)
    styles = [_body_cell(ws, i, None, dates, centred).style_id for i in every]
    skeleton = BytesIO()
    wb.save(skeleton)
    return skeleton.getvalue(), ws.path.lstrip("/"), styles


def _height(
    ws: PrintedSheet,
    number: int,
    values: Sequence[object],
    widths: Sequence[float],
    wrapping: Iterable[int],
) -> None:
    """The height of row ``number`` (set before it is streamed) when its text wraps."""
    height = wrapped_height(values, widths, wrapping)
    if height is not None:
        ws.row_dimensions[number].height = height


def _write_top(ws: WriteOnlyWorksheet, printed: PrintedSheet, top: list[str], last: str) -> None:
    """The authority and office (left), then the title and its lines centred across the sheet."""
    for r, text in enumerate(top, start=1):
        cell = WriteOnlyCell(ws, value=cell_value(text))
        cell.font = Font(bold=2 <= r <= 3, size=14 if r == 3 else 11)
        cell.alignment = Alignment(horizontal="center" if r >= 3 else "left")
        ws.append([cell])
        if r >= 3:
            printed.merged_cells.add(f"A{r}:{last}{r}")


def _head_cell(ws: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(ws, value=cell_value(value) or None)
    cell.font = Font(bold=True)
    cell.alignment = _HEAD
    cell.border = _BOX
    return cell


def _body_cell(
    ws: WriteOnlyWorksheet, column: int, value: object, dates: set[int], centred: set[int]
) -> Cell:
    # openpyxl checks the value when it is set, and refuses a type it cannot write.
    cell = WriteOnlyCell(ws, value=cast(CellValue, cell_value(value)))
    cell.border = _BOX
    if column in dates:
        cell.number_format = DATETIME_FORMAT
    cell.alignment = _CENTRE if column in dates or column in centred else _WRAP
    return cell


def _shift(rng: str, offset: int) -> str:
    """ "H1:L1" → "H8:L8" when the header starts on row 8."""
    return re.sub(r"(\d+)", lambda m: str(int(m.group(1)) + offset), rng)


def period_line(data: dict[str, Any], key: str, date_from: date, date_to: date) -> str:
    return label(data, key, date_from=f"{date_from:%d/%m/%Y}", date_to=f"{date_to:%d/%m/%Y}")


def moment(value: datetime | None) -> datetime | None:
    """A datetime as a cell shows it: to the minute, without a time zone."""
    return value.replace(second=0, microsecond=0, tzinfo=None) if value else None


def ledger_header(data: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """The two header rows and the merged ranges (rows counted from 1 = first header row)."""
    first = [
        label(data, "columns.dates")
        if key == LEDGER_DATE_COLUMNS[0]
        else ("" if key in LEDGER_DATE_COLUMNS else label(data, f"columns.{key}"))
        for key in LEDGER_COLUMNS
    ]
    second = [
        label(data, f"columns.{k}") if k in LEDGER_DATE_COLUMNS else "" for k in LEDGER_COLUMNS
    ]
    merges = []
    for i, key in enumerate(LEDGER_COLUMNS, start=1):
        col = get_column_letter(i)
        if key not in LEDGER_DATE_COLUMNS:
            merges.append(f"{col}1:{col}2")
    a = get_column_letter(LEDGER_COLUMNS.index(LEDGER_DATE_COLUMNS[0]) + 1)
    b = get_column_letter(LEDGER_COLUMNS.index(LEDGER_DATE_COLUMNS[-1]) + 1)
    merges.append(f"{a}1:{b}1")
    return first, second, merges


def write_ledger_xlsx(
    rows: Iterable[LedgerRow],
    office: OfficeProfile,
    date_from: date,
    date_to: date,
    path: str | os.PathLike[str],
    template_dir: Path | None = None,
    progress: Callable[[int, int], object] | None = None,
    total: int | None = None,
) -> Path:
    """The ledger for the period as an .xlsx file (one row per dossier), ``rows`` read once as
    the file is written; ``progress`` hears (rows written, rows in all) every few hundred rows.
    ``total``: how many rows ``rows`` holds when it is not a sequence (an estimate is enough:
    the last report says how many were written)."""
    if total is None:
        rows = rows if isinstance(rows, Sequence) else list(rows)
        total = len(rows)
    written = 0
    data = read_labels(LEDGER_TEMPLATE, template_dir)
    first, second, merges = ledger_header(data)
    sheet = Sheet(
        title=label(data, "form.title"),
        lines=[period_line(data, "form.period", date_from, date_to)],
        header_rows=[first, second],
        merges=merges,
        widths=LEDGER_WIDTHS,
        date_columns=[LEDGER_COLUMNS.index(k) for k in LEDGER_DATE_COLUMNS],
        centre_columns=[0, LEDGER_COLUMNS.index("sets")],
    )

    def values() -> Iterable[list[CellValue]]:
        nonlocal written
        for written, r in enumerate(rows, start=1):
            if progress is not None and written % PROGRESS_EVERY == 1:
                progress(written - 1, max(total, written))
            contact = ", ".join(filter(None, [nfc(r.applicant_address), nfc(r.applicant_phone)]))
            yield [  # text is made NFC as it is written (sheet_rows)
                r.ledger_number,
                r.code,
                r.procedure_name,
                r.applicant_name,
                contact,
                r.handling_unit or r.deciding_agency,
                r.sets_count,
                moment(r.received_at),
                moment(r.due_at),
                moment(r.handed_over_at),
                moment(r.settled_at),
                moment(r.returned_at),
                "; ".join(filter(None, [presentation.label(r.timeliness), nfc(r.note)])),
            ]

    target = write_register(label(data, "form.title"), office, sheet, values(), path)
    if progress is not None:
        progress(written, written)
    return target
