"""Reading and writing the administrator's table of calendar exceptions."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tthc_desk.domain.calendar import CalendarException, DayKind, seed_exceptions
from tthc_desk.domain.errors import Problem, ValidationError
from tthc_desk.exporting.calendar_io import read_exceptions, write_exceptions_xlsx

NOTICE = "Thông báo 9441/TB-BNV"
GOOD_CSV = f"""Ngày,Loại,Tên,Căn cứ
22/08/2026,Ngày làm việc bù,Làm bù cho ngày 31/08/2026,{NOTICE}
2026-08-31,day_off,"Nghỉ bù, hoán đổi",{NOTICE}
02/09/2026,ngay le tet,Quốc khánh,
"""
GOOD = [
    CalendarException(
        date(2026, 8, 22), DayKind.MAKEUP_WORKDAY, "Làm bù cho ngày 31/08/2026", NOTICE
    ),
    CalendarException(date(2026, 8, 31), DayKind.DAY_OFF, "Nghỉ bù, hoán đổi", NOTICE),
    CalendarException(date(2026, 9, 2), DayKind.HOLIDAY, "Quốc khánh", ""),
]


def write(tmp_path: Path, text: str, name: str = "lich.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        read_exceptions(path)
    assert info.value.problems, info.value.message
    return info.value.problems


def where(problems: list[Problem]) -> set[tuple[int | None, str | None]]:
    return {(p.row, p.column) for p in problems}


# -- good files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_good_csv(tmp_path: Path, encoding: str) -> None:
    assert read_exceptions(write(tmp_path, GOOD_CSV, encoding=encoding)) == GOOD


def test_semicolon_csv_with_other_header_spelling_and_order(tmp_path: Path) -> None:
    text = "CĂN CỨ;ngay;Ten;LOAI\r\n" + NOTICE + ";22/08/2026;Làm bù;lam bu\r\n"
    assert read_exceptions(write(tmp_path, text)) == [
        CalendarException(date(2026, 8, 22), DayKind.MAKEUP_WORKDAY, "Làm bù", NOTICE)
    ]


def test_nfd_text_comes_back_nfc_and_empty_rows_are_skipped(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", GOOD_CSV.replace("\n", "\n,,,\n\n", 1))
    assert nfd != GOOD_CSV
    got = read_exceptions(write(tmp_path, nfd))
    assert got == GOOD
    assert all(unicodedata.is_normalized("NFC", e.name + e.source) for e in got)


def test_xlsx_round_trip(tmp_path: Path) -> None:
    extra = CalendarException(date(2027, 2, 5), DayKind.DAY_OFF, "Nghỉ Tết", "Thông báo số 1")
    exceptions = [*seed_exceptions(2026), extra]
    path = tmp_path / "lich-2026.xlsx"
    write_exceptions_xlsx(exceptions, path)
    assert read_exceptions(path) == exceptions
    # The administrator sees a date cell shown as dd/mm/yyyy and the Vietnamese label.
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == ["Ngày", "Loại", "Tên", "Căn cứ"]
    assert sheet["A2"].number_format.lower() == "dd/mm/yyyy"
    assert sheet["B2"].value == "Ngày lễ, tết"


def test_empty_template_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_exceptions_xlsx([], path)
    assert read_exceptions(path) == []


def test_xlsx_written_by_hand(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["LỊCH NGHỈ NĂM 2026"])  # a title row above the header
    ws.append([])
    ws.append(["Ngày", "Loại", "Tên", "Căn cứ", "Ghi chú"])
    ws.append([datetime(2026, 8, 22), "Ngày làm việc bù", None, None, "thứ Bảy"])
    ws.append(["31/08/2026", "Ngày nghỉ bù", "Nghỉ bù", NOTICE])
    ws.append([46266, "holiday"])  # an Excel serial date in a cell formatted as a number
    ws.append([None, None, None])
    path = tmp_path / "tay.xlsx"
    wb.save(path)
    assert read_exceptions(path) == [
        CalendarException(date(2026, 8, 22), DayKind.MAKEUP_WORKDAY),
        CalendarException(date(2026, 8, 31), DayKind.DAY_OFF, "Nghỉ bù", NOTICE),
        CalendarException(date(2026, 9, 1), DayKind.HOLIDAY),
    ]


# -- bad files ----------------------------------------------------------------------------------


def test_bad_date(tmp_path: Path) -> None:
    text = 'Ngày,Loại\n31/02/2026,"Ngày lễ, tết"\n22-8-2026x,holiday\n,holiday\n'
    problems = problems_of(write(tmp_path, text))
    assert where(problems) == {(2, "Ngày"), (3, "Ngày"), (4, "Ngày")}
    assert problems[0].message == "Ngày “31/02/2026” không hợp lệ, cần dạng dd/mm/yyyy"
    assert problems[2].message == "Thiếu ngày"


def test_unknown_kind(tmp_path: Path) -> None:
    text = "Ngày,Loại\n01/09/2026,nghỉ phép\n02/09/2026,\n"
    problems = problems_of(write(tmp_path, text))
    assert where(problems) == {(2, "Loại"), (3, "Loại")}
    assert problems[0].message.startswith("Loại “nghỉ phép” không hợp lệ")
    assert "Ngày làm việc bù" in problems[0].message


def test_duplicate_date(tmp_path: Path) -> None:
    text = "Ngày,Loại\n22/08/2026,makeup_workday\n01/09/2026,holiday\n2026-08-22,holiday\n"
    problems = problems_of(write(tmp_path, text))
    assert where(problems) == {(4, "Ngày")}
    assert problems[0].message == "Ngày 22/08/2026 bị trùng với dòng 2"


def test_missing_column(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "Ngày,Tên\n22/08/2026,Làm bù\n"))
    assert where(problems) == {(1, "Loại")}


def test_no_header_at_all(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "22/08/2026,makeup_workday\n"))
    assert where(problems) == {(None, "Ngày"), (None, "Loại")}


def test_every_problem_is_listed_once_with_row_numbers_after_empty_rows(tmp_path: Path) -> None:
    text = unicodedata.normalize(
        "NFD",
        "Ngày,Loại,Tên\n"
        "\n"
        "22/08/2026,Ngày làm việc bù,Làm bù\n"
        ",,\n"
        "32/08/2026,Ngày lễ tết,Sai ngày\n"
        "01/09/2026,lễ hội,Sai loại\n"
        "22/08/2026,Ngày nghỉ bù,Trùng\n",
    )
    with pytest.raises(ValidationError) as info:
        read_exceptions(write(tmp_path, text))
    assert where(info.value.problems) == {(5, "Ngày"), (6, "Loại"), (7, "Ngày")}
    assert "3 lỗi" in info.value.message
    assert "Dòng 6" in info.value.full_text()
    assert "Loại “lễ hội” không hợp lệ" in info.value.full_text()
    assert unicodedata.is_normalized("NFC", info.value.full_text())


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "lich.csv"
    path.write_bytes("Ngày,Loai\n22/08/2026,holiday\n".encode("cp1252"))
    with pytest.raises(ValidationError, match="UTF-8"):
        read_exceptions(path)


def test_unsupported_or_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"\.xlsx"):
        read_exceptions(write(tmp_path, "x", name="lich.xls"))
    with pytest.raises(ValidationError, match="Không mở được"):
        read_exceptions(write(tmp_path, "not a zip", name="lich.xlsx"))
