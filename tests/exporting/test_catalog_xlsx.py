"""Catalog workbook export/import and the bundled starter catalog."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    PaperKind,
    Procedure,
    RequiredPaper,
    is_valid_procedure_code,
)
from tthc_desk.exporting import catalog_xlsx
from tthc_desk.exporting.catalog_xlsx import load_starter_catalog, read_catalog, write_catalog

PROC_HEADERS = [
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cơ quan giải quyết",
    "Đơn vị xử lý",
    "Thời hạn",
    "Đơn vị thời hạn",
    "Phí (đ)",
    "Lệ phí (đ)",
    "Trả kết quả qua bưu chính",
    "Nộp trực tuyến",
    "Đang áp dụng",
]
PAPER_HEADERS = ["Mã thủ tục", "Tên giấy tờ", "Loại bản", "Số lượng"]
KHAI_SINH = ["1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "UBND cấp xã", "Tư pháp"]
KHAI_SINH += ["", "trong ngày", 0, 0, "Có", "Có", "Có"]
GIAO_DICH = ["2.001035", "Chứng thực giao dịch", "Chứng thực", "UBND cấp xã", "Tư pháp"]
GIAO_DICH += [2, "ngày làm việc", 0, 50000, "Không", "Không", "Có"]


def proc_row(base: list[object] = GIAO_DICH, **changes: object) -> list[object]:
    """A copy of ``base`` with some columns changed, by header: proc_row(**{"Phí (đ)": 1})."""
    row = list(base)
    for header, value in changes.items():
        row[PROC_HEADERS.index(header)] = value
    return row


def make_book(
    path: Path,
    procedures: list[list[object] | None],
    papers: list[list[object] | None] = (),  # type: ignore[assignment]
    proc_headers: list[str] = PROC_HEADERS,
    paper_sheet: str | None = "Thành phần hồ sơ",
) -> Path:
    """A workbook the way a person would type it; ``None`` rows stay empty."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Thủ tục"
    ws.append(proc_headers)
    for row in procedures:
        ws.append(row or [])
    if paper_sheet:
        ps = wb.create_sheet(paper_sheet)
        ps.append(PAPER_HEADERS)
        for row in papers:
            ps.append(row or [])
    wb.save(path)
    return path


def is_vietnamese(text: str) -> bool:
    return any(
        ch in "đĐ" or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", ch))
        for ch in text
    )


def refused(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        read_catalog(path)
    err = info.value
    assert (
        err.message == f"Không nhập được danh mục: có {len(err.problems)} lỗi. Chưa có gì được ghi."
    )
    for p in err.problems:
        assert is_vietnamese(p.message), p.message
    return err


def where(err: ValidationError) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in err.problems]


# ------------------------------------------------------------ starter catalog


def test_starter_catalog_loads_and_is_sound() -> None:
    procedures = load_starter_catalog()
    codes = [p.code for p in procedures]
    assert len(procedures) >= 39
    assert all(is_valid_procedure_code(c) for c in codes)
    assert len(set(codes)) == len(codes)
    assert {"1.014034", "1.014035"} <= set(codes)
    for p in procedures:
        for text in (p.name, p.field, p.deciding_agency, p.handling_unit):
            assert text == unicodedata.normalize("NFC", text) and text
        assert p.papers, p.code
        assert all(x.name == unicodedata.normalize("NFC", x.name) for x in p.papers)
    by_code = {p.code: p for p in procedures}
    assert by_code["1.001193"].duration == Duration(0, DurationUnit.SAME_DAY)
    assert by_code["1.001193"].papers[:2] == (
        RequiredPaper("Tờ khai đăng ký khai sinh", PaperKind.ORIGINAL, 1),
        RequiredPaper("Giấy chứng sinh", PaperKind.ORIGINAL, 1),
    )
    giao_dich = by_code["2.001035"]
    assert giao_dich.duration == Duration(2, DurationUnit.WORKING_DAYS)
    assert giao_dich.charge == 50000
    assert not giao_dich.postal_return
    assert by_code["1.004222"].deciding_agency == "Công an cấp xã"
    assert {p.field for p in procedures} == {
        "Hộ tịch",
        "Chứng thực",
        "Cư trú",
        "Văn hóa",
        "Hòa giải cơ sở",
        "Hộ kinh doanh",
    }


def test_starter_json_goes_through_the_workbook_checks(tmp_path, monkeypatch) -> None:
    real = json.loads(catalog_xlsx._starter_path().read_text(encoding="utf-8"))
    real["procedures"][1]["duration"] = {"value": 3, "unit": "tuần"}
    real["procedures"][2]["code"] = real["procedures"][0]["code"]
    real["procedures"][3]["papers"][0]["kind"] = "bản nháp"
    bad = tmp_path / "starter.json"
    bad.write_text(json.dumps(real, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(catalog_xlsx, "_starter_path", lambda: bad)
    with pytest.raises(ValidationError) as info:
        load_starter_catalog()
    assert where(info.value) == [(2, "duration.unit"), (3, "code"), (4, "papers.kind")]


# ------------------------------------------------------------ export


def test_round_trip_of_the_starter_catalog(tmp_path) -> None:
    procedures = load_starter_catalog()
    path = tmp_path / "danh_muc.xlsx"
    write_catalog(procedures, path)
    assert read_catalog(path) == procedures


def test_round_trip_keeps_every_unit_and_flag(tmp_path) -> None:
    procedures = [
        Procedure(
            code=f"9.00000{i}",
            name=f"Thủ tục thử {i}",
            field="Văn hóa",
            deciding_agency="",
            handling_unit="",
            duration=Duration(0 if unit is DurationUnit.SAME_DAY else i + 1, unit),
            fee=1_250_000 * i,
            charge=i,
            postal_return=i % 2 == 0,
            online=i % 2 == 1,
            active=i != 3,
            papers=(RequiredPaper("Đơn", PaperKind.CERTIFIED, 3),) if i else (),
        )
        for i, unit in enumerate(DurationUnit)
    ]
    path = tmp_path / "units.xlsx"
    write_catalog(procedures, path)
    assert read_catalog(path) == procedures


def test_exported_workbook_is_styled_for_people(tmp_path) -> None:
    path = tmp_path / "danh_muc.xlsx"
    write_catalog(load_starter_catalog(), path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Thủ tục", "Thành phần hồ sơ"]
    ws = wb["Thủ tục"]
    assert [c.value for c in ws[1]] == PROC_HEADERS
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:L{ws.max_row}"
    assert ws.column_dimensions["B"].width >= 50
    assert ws["H2"].number_format == "#,##0" and ws["I2"].number_format == "#,##0"
    assert ws["A2"].number_format == "@"
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "2.001035")
    assert row[5:12] == (2, "ngày làm việc", 0, 50000, "Không", "Không", "Có")
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["G2:G1048576"] == '"ngày làm việc,giờ làm việc,ngày,tháng,trong ngày"'
    assert lists["J2:J1048576"] == lists["K2:K1048576"] == lists["L2:L1048576"] == '"Có,Không"'
    papers = wb["Thành phần hồ sơ"]
    assert [c.value for c in papers[1]] == PAPER_HEADERS
    assert papers["C2"].value == "Bản chính"
    assert papers.freeze_panes == "A2" and papers.auto_filter.ref
    kinds = [dv.formula1 for dv in papers.data_validations.dataValidation]
    assert '"Bản chính,Bản chứng thực,Bản photo"' in kinds


# ------------------------------------------------------------ import: good input


def test_headers_match_without_case_or_accents_and_extra_columns_are_ignored(tmp_path) -> None:
    headers = [h.upper() for h in PROC_HEADERS]
    headers[1] = "ten thu tuc"
    path = tmp_path / "a.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "thu tuc"
    ws.append(["Ghi chú", *headers])
    ws.append(["bỏ qua", *GIAO_DICH])
    wb.create_sheet("THÀNH PHẦN HỒ SƠ").append(PAPER_HEADERS)
    wb.save(path)
    [p] = read_catalog(path)
    assert (p.code, p.name, p.charge) == ("2.001035", "Chứng thực giao dịch", 50000)


@pytest.mark.parametrize("raw", ["50.000", "50000", 50000.0, 50000, "50,000", "50.000 đ"])
def test_money_accepts_the_ways_people_write_it(tmp_path, raw) -> None:
    path = make_book(tmp_path / "a.xlsx", [proc_row(**{"Lệ phí (đ)": raw})])
    assert read_catalog(path)[0].charge == 50000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("x", True), ("Có", True), ("co", True), ("YES", True), (1, True), ("true", True),
     ("Không", False), ("khong", False), ("no", False), (0, False), ("FALSE", False),
     (None, True), ("  ", True)],
)  # fmt: skip
def test_yes_no_values(tmp_path, raw, expected) -> None:
    path = make_book(tmp_path / "a.xlsx", [proc_row(**{"Trả kết quả qua bưu chính": raw})])
    assert read_catalog(path)[0].postal_return is expected


def test_empty_rows_are_skipped_and_row_numbers_stay_excel_rows(tmp_path) -> None:
    blank = [None, "  ", None]
    rows = [None, GIAO_DICH, blank, None, KHAI_SINH, None, None]
    papers = [None, ["2.001035", "Dự thảo hợp đồng", "Bản chính", 1], None, ["   "]]
    path = make_book(tmp_path / "a.xlsx", rows, papers)
    procedures = read_catalog(path)
    assert [p.code for p in procedures] == ["2.001035", "1.001193"]
    assert procedures[0].papers == (RequiredPaper("Dự thảo hợp đồng"),)

    rows.append(proc_row(**{"Mã thủ tục": "1.000656", "Tên thủ tục": "Khai tử", "Thời hạn": -1}))
    err = refused(make_book(tmp_path / "b.xlsx", rows, papers))
    assert where(err) == [(9, "Thời hạn")]


def test_same_day_ignores_the_number_beside_it(tmp_path) -> None:
    path = make_book(tmp_path / "a.xlsx", [proc_row(KHAI_SINH, **{"Thời hạn": 5})])
    assert read_catalog(path)[0].duration == Duration(0, DurationUnit.SAME_DAY)


def test_code_typed_as_a_number_keeps_its_trailing_zero(tmp_path) -> None:
    path = make_book(tmp_path / "a.xlsx", [proc_row(**{"Mã thủ tục": 1.00477})])
    assert read_catalog(path)[0].code == "1.004770"


# ------------------------------------------------------------ import: bad input


def test_missing_required_columns(tmp_path) -> None:
    headers = [h for h in PROC_HEADERS if h not in ("Lĩnh vực", "Đơn vị thời hạn")]
    path = make_book(tmp_path / "a.xlsx", [GIAO_DICH[:2]], proc_headers=headers)
    err = refused(path)
    assert where(err) == [(1, "Lĩnh vực"), (1, "Đơn vị thời hạn")]
    assert "thiếu cột “Lĩnh vực”" in err.problems[0].message


def test_missing_sheet(tmp_path) -> None:
    err = refused(make_book(tmp_path / "a.xlsx", [GIAO_DICH], paper_sheet=None))
    assert where(err) == [(None, None)]
    assert "Thành phần hồ sơ" in err.problems[0].message


def test_duplicate_code_names_the_earlier_row(tmp_path) -> None:
    other = proc_row(**{"Tên thủ tục": "Thủ tục khác"})
    err = refused(make_book(tmp_path / "a.xlsx", [KHAI_SINH, GIAO_DICH, other]))
    assert where(err) == [(4, "Mã thủ tục")]
    assert "trùng với dòng 3" in err.problems[0].message


@pytest.mark.parametrize("code", ["1.0011", "1001193", "A.001193", "1.001193x"])
def test_malformed_code(tmp_path, code) -> None:
    err = refused(make_book(tmp_path / "a.xlsx", [KHAI_SINH, proc_row(**{"Mã thủ tục": code})]))
    assert where(err) == [(3, "Mã thủ tục")]
    assert "không đúng dạng" in err.problems[0].message


@pytest.mark.parametrize("value", [-1, "-2", 2.5, "hai", ""])
def test_bad_duration_value(tmp_path, value) -> None:
    err = refused(make_book(tmp_path / "a.xlsx", [proc_row(**{"Thời hạn": value})]))
    assert where(err) == [(2, "Thời hạn")]


def test_unknown_duration_unit_lists_the_allowed_labels(tmp_path) -> None:
    err = refused(make_book(tmp_path / "a.xlsx", [proc_row(**{"Đơn vị thời hạn": "tuần"})]))
    assert where(err) == [(2, "Đơn vị thời hạn")]
    message = err.problems[0].message
    assert "“tuần”" in message
    for label in ("ngày làm việc", "giờ làm việc", "ngày", "tháng", "trong ngày"):
        assert f"“{label}”" in message


@pytest.mark.parametrize("value", ["abc", -1, "-1", 1.5, "50.00"])
def test_non_numeric_or_negative_fee(tmp_path, value) -> None:
    err = refused(make_book(tmp_path / "a.xlsx", [proc_row(**{"Phí (đ)": value})]))
    assert where(err) == [(2, "Phí (đ)")]


def test_unknown_yes_no_value(tmp_path) -> None:
    err = refused(make_book(tmp_path / "a.xlsx", [proc_row(**{"Nộp trực tuyến": "có lẽ"})]))
    assert where(err) == [(2, "Nộp trực tuyến")]


def test_empty_name_and_field(tmp_path) -> None:
    row = proc_row(**{"Tên thủ tục": " ", "Lĩnh vực": None})
    err = refused(make_book(tmp_path / "a.xlsx", [row]))
    assert where(err) == [(2, "Tên thủ tục"), (2, "Lĩnh vực")]


def test_nfd_text_becomes_nfc(tmp_path) -> None:
    name = "Thủ tục đăng ký kết hôn"
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    row = proc_row(**{"Tên thủ tục": nfd, "Lĩnh vực": unicodedata.normalize("NFD", "Hộ tịch")})
    paper = ["2.001035", unicodedata.normalize("NFD", "Tờ khai"), "BAN CHINH", 1]
    [p] = read_catalog(make_book(tmp_path / "a.xlsx", [row], [paper]))
    assert (p.name, p.field, p.papers[0].name) == (name, "Hộ tịch", "Tờ khai")


def test_nfd_duplicate_of_an_nfc_name_is_caught(tmp_path) -> None:
    nfc_row = proc_row(**{"Tên thủ tục": "Thủ tục đăng ký kết hôn"})
    nfd_row = proc_row(
        **{
            "Mã thủ tục": "1.000894",
            "Tên thủ tục": unicodedata.normalize("NFD", "Thủ tục đăng ký kết hôn"),
        }
    )
    err = refused(make_book(tmp_path / "a.xlsx", [nfc_row, nfd_row]))
    assert where(err) == [(3, "Tên thủ tục")]
    assert "trùng với dòng 2" in err.problems[0].message


def test_paper_with_unknown_procedure_code(tmp_path) -> None:
    papers = [["2.001035", "Dự thảo", "Bản chính", 1], ["1.999999", "Tờ khai", "Bản chính", 1]]
    err = refused(make_book(tmp_path / "a.xlsx", [GIAO_DICH], papers))
    assert where(err) == [(3, "Mã thủ tục")]
    problem = err.problems[0]
    assert problem.field == "Thành phần hồ sơ"
    assert "“1.999999” không có trong trang “Thủ tục”" in problem.message


def test_paper_with_unknown_kind_or_bad_count(tmp_path) -> None:
    papers = [["2.001035", "Dự thảo", "bản nháp", 1], ["2.001035", "Tờ khai", "Bản photo", 0]]
    err = refused(make_book(tmp_path / "a.xlsx", [GIAO_DICH], papers))
    assert where(err) == [(2, "Loại bản"), (3, "Số lượng")]
    assert "“Bản chính”, “Bản chứng thực”, “Bản photo”" in err.problems[0].message


def test_every_problem_is_reported_at_once(tmp_path) -> None:
    rows = [
        proc_row(**{"Mã thủ tục": "x", "Phí (đ)": "abc"}),
        proc_row(**{"Tên thủ tục": "Khác", "Đơn vị thời hạn": "tuần"}),
    ]
    err = refused(make_book(tmp_path / "a.xlsx", rows, [["9.999999", "", "Bản chính", 1]]))
    assert len(err.problems) == 5
    assert err.message.startswith("Không nhập được danh mục: có 5 lỗi.")


@pytest.mark.parametrize("content", [b"Ma thu tuc;Ten\n1.001193;Khai sinh\n", b""])
def test_not_an_xlsx_file(tmp_path, content) -> None:
    path = tmp_path / "danh_muc.xlsx"
    path.write_bytes(content)
    err = refused(path)
    assert where(err) == [(None, None)]
    assert "không phải bảng tính Excel .xlsx" in err.problems[0].message


def test_missing_file(tmp_path) -> None:
    err = refused(tmp_path / "khong_co.xlsx")
    assert "Không tìm thấy tệp" in err.problems[0].message


def test_damaged_workbook(tmp_path) -> None:
    good = tmp_path / "good.xlsx"
    write_catalog(load_starter_catalog(), good)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    err = refused(damaged)
    assert where(err) == [(None, None)]
    assert "đã hỏng" in err.problems[0].message
