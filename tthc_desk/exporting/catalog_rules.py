"""Checking catalog rows, from a workbook sheet or the starter JSON, into Procedures.

The column definitions of both catalog sheets live here because they are what the checks speak
of: a problem names the Excel header of the column (or the JSON key) and the row it came from.
Checking is all-or-nothing per row: a row with any problem builds nothing, and every problem is
collected so the clerk can fix the whole file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from tthc_desk.domain.errors import ProblemCollector
from tthc_desk.domain.procedure import (
    TEXT_FIELDS,
    Duration,
    DurationUnit,
    PaperKind,
    Procedure,
    RequiredPaper,
    duration_problem,
    is_valid_procedure_code,
)
from tthc_desk.domain.text import SHORT_TEXT_MAX, collapse_spaces, fold, nfc, text_problem
from tthc_desk.presentation import label, parse_label

PROCEDURE_SHEET = "Thủ tục"
PAPER_SHEET = "Thành phần hồ sơ"


@dataclass(frozen=True)
class Column:
    """One column of a catalog sheet: its key, Excel header, width and accepted other headers."""

    key: str
    header: str
    width: float
    required: bool = False
    aliases: tuple[str, ...] = ()


PROCEDURE_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã thủ tục", 13, True, ("Mã TTHC", "Mã số thủ tục")),
    Column("name", "Tên thủ tục", 60, True, ("Tên TTHC",)),
    Column("field", "Lĩnh vực", 18, True),
    Column("deciding_agency", "Cơ quan giải quyết", 20),
    Column("handling_unit", "Đơn vị xử lý", 26),
    Column("duration_value", "Thời hạn", 10, True, ("Thời hạn giải quyết",)),
    Column("duration_unit", "Đơn vị thời hạn", 16, True),
    Column("fee", "Phí (đ)", 12, False, ("Phí",)),
    Column("charge", "Lệ phí (đ)", 12, False, ("Lệ phí",)),
    Column("postal_return", "Trả kết quả qua bưu chính", 14),
    Column("online", "Nộp trực tuyến", 12),
    Column("active", "Đang áp dụng", 12),
)
PAPER_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã thủ tục", 13, True, ("Mã TTHC",)),
    Column("name", "Tên giấy tờ", 70, True),
    Column("kind", "Loại bản", 16),
    Column("count", "Số lượng", 10),
)
PROCEDURE_HEADERS = {c.key: c.header for c in PROCEDURE_COLUMNS}
PAPER_HEADERS = {c.key: c.header for c in PAPER_COLUMNS}
_BOOL_DEFAULTS = {"postal_return": True, "online": False, "active": True}
_TRUE = {"co", "x", "yes", "y", "1", "true", "dung"}
_FALSE = {"khong", "no", "n", "0", "false", "sai"}
_JSON_NAMES = {"duration_value": "duration.value", "duration_unit": "duration.unit"}


@dataclass(frozen=True)
class Row:
    """One input row before checking: where it came from and its raw values by column key."""

    number: int
    values: Mapping[str, Any]


def is_blank(value: object) -> bool:
    """True for an empty cell: None or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def validate_records(
    procedure_rows: Iterable[Row],
    paper_rows: Iterable[Row],
    problems: ProblemCollector,
    *,
    from_json: bool = False,
) -> list[Procedure]:
    """Check raw rows (from a workbook or the JSON) and build Procedures in input order.

    Every problem goes to ``problems``; a row with a problem builds nothing. Workbook problems
    name the Excel header as column and the sheet as ``field``; JSON problems name the key.
    """
    checker = _RecordChecker(problems, from_json)
    for row in procedure_rows:
        checker.procedure(row)
    for row in paper_rows:
        checker.paper(row)
    return checker.result()


class _RecordChecker:
    def __init__(self, problems: ProblemCollector, from_json: bool) -> None:
        self.problems = problems
        self.from_json = from_json
        self.code_rows: dict[str, int] = {}  # first row of each well-formed code
        self.name_rows: dict[str, int] = {}
        self.built: dict[str, Procedure] = {}
        self.papers: dict[str, list[RequiredPaper]] = {}

    def _bad(self, row: Row, key: str, sheet: str, message: str) -> None:
        if self.from_json:
            column = ("papers." if sheet == PAPER_SHEET else "") + _JSON_NAMES.get(key, key)
            self.problems.add(message, row=row.number, column=column)
            return
        headers = PAPER_HEADERS if sheet == PAPER_SHEET else PROCEDURE_HEADERS
        if sheet == PAPER_SHEET:
            # Row numbers alone are ambiguous between the two sheets.
            message = f"Trang “{PAPER_SHEET}”: {message}"
        self.problems.add(message, field=sheet, row=row.number, column=headers[key])

    def procedure(self, row: Row) -> None:
        before = len(self.problems.problems)
        v = row.values

        def bad(key: str, message: str) -> None:
            self._bad(row, key, PROCEDURE_SHEET, message)

        code = _code_text(v.get("code"))
        if not code:
            bad("code", "Chưa ghi mã thủ tục. Hãy ghi mã theo dạng 1.001193.")
        elif not is_valid_procedure_code(code):
            bad(
                "code",
                f"Mã thủ tục “{code}” không đúng dạng. Mã gồm 1 chữ số, dấu chấm và 6 chữ số, "
                "ví dụ 1.001193.",
            )
        elif code in self.code_rows:
            bad(
                "code",
                f"Mã thủ tục {code} trùng với dòng {self.code_rows[code]}. Mỗi thủ tục chỉ ghi "
                "một dòng: hãy xóa hoặc sửa một trong hai dòng.",
            )
        else:
            self.code_rows[code] = row.number

        for key, what, limit in TEXT_FIELDS:
            if msg := text_problem(_text(v.get(key)), what, limit):
                bad(key, msg)
        name = collapse_spaces(_text(v.get("name")))
        if not name:
            bad("name", "Chưa ghi tên thủ tục.")
        elif name.casefold() in self.name_rows:
            bad(
                "name",
                f"Tên thủ tục trùng với dòng {self.name_rows[name.casefold()]}. Hãy xóa dòng "
                "thừa hoặc sửa tên cho khác.",
            )
        else:
            self.name_rows[name.casefold()] = row.number
        field = collapse_spaces(_text(v.get("field")))
        if not field:
            bad("field", "Chưa ghi lĩnh vực (ví dụ: Hộ tịch, Chứng thực).")

        duration = _check_duration(v.get("duration_value"), v.get("duration_unit"), bad)
        fee = _check_money(v.get("fee"), "fee", "Phí", bad)
        charge = _check_money(v.get("charge"), "charge", "Lệ phí", bad)
        flags = {}
        for key, default in _BOOL_DEFAULTS.items():
            flag = _yes_no_value(v.get(key), default)
            if flag is None:
                bad(
                    key,
                    f"Giá trị “{_text(v.get(key))}” không hiểu được. Hãy ghi “Có” hoặc “Không” "
                    "(để trống nếu dùng mặc định).",
                )
            flags[key] = bool(flag)

        if len(self.problems.problems) == before and duration is not None:
            self.built[code] = Procedure(
                code=code,
                name=name,
                field=field,
                deciding_agency=collapse_spaces(_text(v.get("deciding_agency"))),
                handling_unit=collapse_spaces(_text(v.get("handling_unit"))),
                duration=duration,
                fee=fee or 0,
                charge=charge or 0,
                postal_return=flags["postal_return"],
                online=flags["online"],
                active=flags["active"],
            )

    def paper(self, row: Row) -> None:
        v = row.values

        def bad(key: str, message: str) -> None:
            self._bad(row, key, PAPER_SHEET, message)

        code = _code_text(v.get("code"))
        if not code:
            bad("code", "Chưa ghi mã thủ tục của giấy tờ này.")
        elif code not in self.code_rows:
            bad(
                "code",
                f"Mã thủ tục “{code}” không có trong trang “{PROCEDURE_SHEET}”. Hãy sửa mã cho "
                "đúng hoặc thêm thủ tục đó.",
            )
        name = collapse_spaces(_text(v.get("name")))
        if msg := text_problem(_text(v.get("name")), "Tên giấy tờ", SHORT_TEXT_MAX):
            bad("name", msg)
        elif not name:
            bad("name", "Chưa ghi tên giấy tờ.")
        kind_text = collapse_spaces(_text(v.get("kind")))
        kind = parse_label(PaperKind, kind_text) if kind_text else PaperKind.ORIGINAL
        if kind is None:
            allowed = ", ".join(f"“{label(x)}”" for x in PaperKind)
            bad("kind", f"Loại bản “{kind_text}” không hợp lệ. Hãy chọn một trong: {allowed}.")
        raw = v.get("count")
        count = 1 if is_blank(raw) else _whole_number(raw)
        if count is None or count < 1:
            bad("count", f"Số lượng “{_text(raw)}” phải là số nguyên từ 1 trở lên.")
        elif code in self.code_rows and name and kind is not None:
            self.papers.setdefault(code, []).append(RequiredPaper(name, kind, count))

    def result(self) -> list[Procedure]:
        # dicts keep insertion order, so procedures come out in file order.
        return [
            replace(p, papers=tuple(self.papers.get(code, ()))) for code, p in self.built.items()
        ]


def _check_duration(
    raw_value: object, raw_unit: object, bad: Callable[[str, str], None]
) -> Duration | None:
    unit_text = collapse_spaces(_text(raw_unit))
    allowed = "Hãy chọn một trong: " + ", ".join(f"“{label(x)}”" for x in DurationUnit)
    if not unit_text:
        bad("duration_unit", f"Chưa ghi đơn vị thời hạn. {allowed}.")
        unit = None
    else:
        unit = parse_label(DurationUnit, unit_text)
        if unit is None:
            bad("duration_unit", f"Đơn vị thời hạn “{unit_text}” không hợp lệ. {allowed}.")
    if unit is DurationUnit.SAME_DAY:
        return Duration(0, unit)  # "trong ngày" ignores whatever number is written beside it
    value = _whole_number(raw_value)
    if is_blank(raw_value):
        bad(
            "duration_value",
            "Chưa ghi thời hạn. Hãy ghi số ngày (hoặc giờ, tháng) là số nguyên, hoặc chọn đơn "
            "vị “trong ngày”.",
        )
    elif value is None:
        bad("duration_value", f"Thời hạn “{_text(raw_value)}” phải là số nguyên, ví dụ 3.")
    elif value < 0:
        bad(
            "duration_value",
            f"Thời hạn không được âm ({_text(raw_value)}). Hãy ghi số nguyên từ 1 trở lên.",
        )
    elif value == 0:
        bad(
            "duration_value",
            "Thời hạn 0 chỉ dùng với đơn vị “trong ngày”. Hãy ghi số nguyên từ 1 trở lên hoặc "
            "đổi đơn vị.",
        )
    elif unit is not None:
        if msg := duration_problem(Duration(value, unit)):
            bad("duration_value", msg)
            return None
        return Duration(value, unit)
    return None


def _check_money(raw: object, key: str, what: str, bad: Callable[[str, str], None]) -> int | None:
    if is_blank(raw):
        return 0
    value = _whole_number(raw)
    if value is None:
        bad(
            key,
            f"{what} “{_text(raw)}” phải là số đồng (số nguyên), ví dụ 50.000; để trống hoặc "
            "ghi 0 nếu không thu.",
        )
    elif value < 0:
        bad(key, f"{what} không được âm ({_text(raw)}). Ghi 0 nếu không thu.")
    else:
        return value
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _code_text(value: object) -> str:
    # A code typed into a number cell arrives as a float (1.00477 for "1.004770").
    if isinstance(value, float) and 0 <= value < 10:
        return f"{value:.6f}"
    return re.sub(r"\s+", "", _text(value))


_THOUSANDS = re.compile(r"^-?\d{1,3}([.,  ]\d{3})+$")
_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd)\s*$", re.IGNORECASE)


def _whole_number(value: object) -> int | None:
    """A whole number from a cell: 50000, 50000.0, "50000", "50.000", "50,000 đ"; else None."""
    if isinstance(value, (bool, datetime, date, time)):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _CURRENCY.sub("", _text(value))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if _THOUSANDS.match(text):
        return int(re.sub(r"[.,  ]", "", text))
    return None


def _yes_no_value(value: object, default: bool) -> bool | None:
    if is_blank(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = fold(_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None
