"""Reading a table a person made: the first sheet of an .xlsx file or a CSV file (UTF-8 with or
without BOM; ``,``, ``;`` — Excel's separator under Vietnamese regional settings — or tab).

Rows come with the row number the person sees, so every problem can say where it is. The calendar
import and the post office's status file both read this way.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.text import nfc

Row = tuple[int, Sequence[object]]  # (row number as the user sees it, cells)

#: A workbook or table a person made is refused past these (a commune's catalog, calendar or
#: post-office file is a few hundred rows; a file this big is the wrong file).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


def check_size(path: Path) -> None:
    """Refuse a file too big to be one a person made for this import."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            f"Tệp “{path.name}” quá lớn ({size // (1024 * 1024)} MB, tối đa "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB): có lẽ chọn nhầm tệp. Hãy chọn đúng tệp."
        )


def sheet_rows(ws: Any) -> Iterator[tuple[object, ...]]:
    """Every row of a sheet opened read-only, whatever its declared ``<dimension>`` says
    (openpyxl trusts it and would silently skip rows below it); refused past :data:`MAX_ROWS`."""
    reset = getattr(ws, "reset_dimensions", None)
    if reset is not None:
        reset()
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            raise ValidationError(
                f"Trang tính “{ws.title}” có hơn {MAX_ROWS:,} dòng: có lẽ chọn nhầm tệp. "
                "Hãy chọn đúng tệp hoặc chia nhỏ tệp."
            )
        yield row


def read_rows(path: str | Path) -> list[Row]:
    """The rows of a .xlsx/.xlsm (first sheet) or .csv/.txt file; anything else is refused."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_rows(path)
    if suffix in (".csv", ".txt"):
        return csv_rows(path)
    raise ValidationError(
        f"Không đọc được tệp “{path.name}”: chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."
    )


def csv_rows(path: Path) -> list[Row]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            f"Tệp “{path.name}” không phải văn bản UTF-8: trong Excel hãy lưu dạng "
            "“CSV UTF-8 (Comma delimited)”."
        ) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(enumerate(reader, start=1))


def xlsx_rows(path: Path) -> list[Row]:
    check_size(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValidationError(
            f"Không mở được tệp Excel “{path.name}”: không phải bảng tính Excel .xlsx đọc được "
            "(có thể là .xls cũ, tệp đặt mật khẩu hoặc tệp hỏng). Hãy mở bằng Excel, lưu lại "
            "dạng .xlsx không đặt mật khẩu rồi làm lại."
        ) from exc
    try:
        sheet = wb.worksheets[0]
        return list(enumerate(sheet_rows(sheet), start=1))
    finally:
        wb.close()


def cell_text(value: object) -> str:
    return nfc(None if value is None else str(value))


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_V = TypeVar("_V")

# Excel keeps at most this many characters in a cell.
EXCEL_CELL_MAX = 32767


def cell_value(value: _V) -> _V:
    """A value as a workbook writer may set it: text NFC, with the characters openpyxl refuses
    (C0 controls other than tab and line breaks) replaced by U+FFFD and cut to Excel's limit.

    The text gate keeps such characters out of the database; this is the last line for a
    database written before it, so one bad cell can never fail a whole report or ledger.
    """
    if not isinstance(value, str):
        return value
    return cast(_V, ILLEGAL_CHARACTERS_RE.sub("\ufffd", nfc(value))[:EXCEL_CELL_MAX])
