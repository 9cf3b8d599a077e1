"""The body rows of a big register written straight into its sheet's XML.

openpyxl, even in write-only mode, makes a cell object per value and hashes its border,
alignment and number format into the workbook's style table for every cell: on the year's
ledger (177,000 rows × 13 columns) that was 91 % of a 71-second export. Here openpyxl still
writes the whole workbook — styles, the title and header rows, merged cells, column widths,
frozen panes, print titles, page setup — with the header rows only; the body rows are then
streamed into that sheet as plain SpreadsheetML text, each cell pointing at one of a handful
of shared styles (one per column kind) that openpyxl registered. The file is copied from
the small workbook openpyxl made, with the body spliced in before ``</sheetData>``; nothing
but the current batch of rows is ever in memory.

The cells are what openpyxl itself writes: inline strings (``t="inlineStr"``), numbers, and
datetimes as Excel serial days with the column's ``dd/mm/yyyy hh:mm`` format; a row whose
wrapped text needs more than one line says its height (LibreOffice does not grow such rows by
itself, issue 13).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from unicodedata import normalize

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from tthc_desk.domain.errors import ValidationError
from tthc_desk.exporting.tabular import EXCEL_CELL_MAX

#: The most rows an Excel sheet holds.
EXCEL_MAX_ROWS = 1_048_576
#: Rows turned into text and written at a time.
BATCH = 1000
#: Day 0 of Excel's serial dates (the 1900 system; right for every date after 28/02/1900).
_EPOCH = date(1899, 12, 30).toordinal()
_ESCAPE = re.compile(r"[&<>]")
#: What a text needs done before it goes into the XML (most texts need nothing).
_special = re.compile(r"[&<>\000-\010\013\014\016-\037]").search
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPLIT = "</sheetData>"

#: A row's height for its values (None: the default height).
Height = Callable[[Sequence[object]], float | None]


def text_xml(value: str) -> str:
    """A text as an inline-string cell body holds it: characters a workbook cannot hold
    replaced (as :func:`tthc_desk.exporting.tabular.cell_value` does), cut to Excel's limit,
    ``& < >`` escaped, surrounding spaces kept."""
    if len(value) <= EXCEL_CELL_MAX and not _special(value):
        if value[:1].isspace() or value[-1:].isspace():
            return f'<is><t xml:space="preserve">{value}</t></is>'
        return f"<is><t>{value}</t></is>"
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if len(value) > EXCEL_CELL_MAX:
        value = value[:EXCEL_CELL_MAX]
    if _ESCAPE.search(value):
        value = _ESCAPE.sub(lambda m: _ENTITY[m.group()], value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def serial(value: datetime) -> float:
    """Excel's serial day of a naive datetime (what openpyxl writes for it)."""
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return value.toordinal() - _EPOCH + seconds / 86400


class RowWriter:
    """Turns rows of values into ``<row>`` elements: column ``i`` takes style ``styles[i]``
    (an index into the workbook's cell styles); rows are numbered from ``first_row``."""

    def __init__(self, styles: Sequence[int], first_row: int, height: Height) -> None:
        self._cells = [
            (f'<c r="{get_column_letter(i + 1)}', f'" s="{s}"') for i, s in enumerate(styles)
        ]
        self._first = first_row
        self._height = height

    def row(self, number: int, values: Sequence[object]) -> str:
        """Row ``number``; its text NFC and trimmed, as ``tabular.cell_value`` writes it. The
        height is judged on the values as given (as it was before the rows streamed)."""
        height = self._height(values)
        n = str(number)
        parts = []
        for (ref, style), value in zip(self._cells, values, strict=True):
            head = ref + n + style
            # The kinds by how often a register holds them: text, then dates, then the rest.
            if value.__class__ is str:
                text = value.strip() if value.isascii() else normalize("NFC", value).strip()
                if not text:
                    parts.append(head + "/>")
                elif len(text) <= EXCEL_CELL_MAX and not _special(text):  # most texts
                    parts.append(f'{head} t="inlineStr"><is><t>{text}</t></is></c>')
                else:
                    parts.append(f'{head} t="inlineStr">{text_xml(text)}</c>')
            elif value is None:
                parts.append(head + "/>")
            elif isinstance(value, datetime):
                parts.append(f"{head}><v>{serial(value)!r}</v></c>")
            elif isinstance(value, bool):
                parts.append(f'{head} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                parts.append(f"{head}><v>{value!r}</v></c>")
            else:  # another text type, or anything else: shown as its text
                text = normalize("NFC", str(value)).strip()
                parts.append(f'{head} t="inlineStr">{text_xml(text)}</c>' if text else head + "/>")
        size = f' ht="{height:g}" customHeight="1"' if height is not None else ""
        return f'<row r="{number}"{size}>{"".join(parts)}</row>'

    def chunks(self, rows: Iterable[Sequence[object]]) -> Iterator[str]:
        """The XML of ``rows`` in pieces of :data:`BATCH` rows."""
        batch: list[str] = []
        for number, values in enumerate(rows, start=self._first):
            if number > EXCEL_MAX_ROWS:
                raise ValidationError(
                    "Bảng quá 1.048.576 dòng, Excel không chứa hết: hãy chọn khoảng ngày ngắn hơn."
                )
            batch.append(self.row(number, values))
            if len(batch) >= BATCH:
                yield "".join(batch)
                batch.clear()
        if batch:
            yield "".join(batch)


def splice(skeleton: bytes, sheet: str, body: Iterable[str], target: Path) -> None:
    """Copy the workbook ``skeleton`` (bytes of an .xlsx) to ``target``, the body rows
    ``body`` added at the end of the sheet data of the part ``sheet``
    (e.g. ``xl/worksheets/sheet1.xml``)."""
    with (
        zipfile.ZipFile(BytesIO(skeleton)) as src,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != sheet:
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            text = data.decode("utf-8")
            head, found, tail = text.partition(_SPLIT)
            if not found:  # openpyxl writes <sheetData/> when a sheet has no row at all
                head, found, tail = text.partition("<sheetData/>")
                head += "<sheetData>"
            if not found:
                raise ValueError(f"{sheet}: no sheet data to add rows to")
            with dst.open(info.filename, "w") as out:
                out.write(head.encode("utf-8"))
                for chunk in body:
                    out.write(chunk.encode("utf-8", "replace"))
                out.write((_SPLIT + tail).encode("utf-8"))
