"""The ledger as Excel: title, two header rows with the merged date group, one row per dossier,
real datetimes, frozen panes and print setup."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.printing.register_rows import ledger_rows
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.exporting.ledger_xlsx import write_ledger_xlsx

HEADER_1 = ["TT", "Mã hồ sơ", "Tên TTHC", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
            "Cơ quan chủ trì giải quyết", "Số lượng hồ sơ (bộ)", "Ngày, tháng, năm",
            None, None, None, None, "Ghi chú"]  # fmt: skip
HEADER_2 = [None] * 7 + ["Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
            "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả", None]  # fmt: skip


def test_ledger_workbook(tmp_path: Path) -> None:
    rows = ledger_rows(150)
    path = write_ledger_xlsx(
        rows, DEMO_OFFICE, date(2026, 2, 1), date(2026, 2, 28), tmp_path / "so.xlsx"
    )
    ws = load_workbook(path).active
    assert ws is not None
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[2][0] == "SỔ THEO DÕI HỒ SƠ"
    assert values[3][0] == "Từ ngày 01/02/2026 đến ngày 28/02/2026"
    head = next(i for i, r in enumerate(values) if r[0] == "TT")
    assert values[head] == HEADER_1 and values[head + 1] == HEADER_2
    body = values[head + 2 :]
    assert len(body) == len(rows)
    assert [r[1] for r in body] == [r.code for r in rows]
    first = body[0]
    assert first[0] == 1 and first[3] == rows[0].applicant_name
    assert isinstance(first[7], datetime) and first[7] == rows[0].received_at
    assert ws.cell(head + 3, 8).number_format == "dd/mm/yyyy hh:mm"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"H{head + 1}:L{head + 1}" in merged and f"A{head + 1}:A{head + 2}" in merged
    assert ws.freeze_panes == f"A{head + 3}"
    assert ws.print_title_rows.replace("$", "") == f"{head + 1}:{head + 2}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert not list(tmp_path.glob("*.part"))


LONG_NAME = (
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
    "Việt Nam; cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền "
    "của Việt Nam liên kết với cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận"
)


def test_wrapped_rows_are_tall_enough_and_the_sheet_prints_on_a4_landscape(
    tmp_path: Path,
) -> None:
    """LibreOffice does not grow a row for wrapped text: the workbook says each row's height.
    A 266-letter procedure name in its 34-wide column needs at least six lines; a row of short
    texts keeps the default height."""
    rows = [
        replace(r, procedure_name=LONG_NAME) if i % 2 else r for i, r in enumerate(ledger_rows(6))
    ]
    rows = [
        replace(r, procedure_name="Đăng ký khai sinh", applicant_address="Số 1") if i == 2 else r
        for i, r in enumerate(rows)
    ]
    path = write_ledger_xlsx(
        rows, DEMO_OFFICE, date(2026, 2, 1), date(2026, 2, 28), tmp_path / "so.xlsx"
    )
    ws = load_workbook(path).active
    assert ws is not None
    head = next(r for r in range(1, 20) if ws.cell(r, 1).value == "TT")
    body = range(head + 2, head + 2 + len(rows))
    heights = {r: ws.row_dimensions[r].height for r in body}
    width = ws.column_dimensions["C"].width
    assert width == 34
    for r, row in zip(body, rows, strict=True):
        if row.procedure_name == LONG_NAME:
            assert heights[r] is not None and heights[r] >= 6 * 15, (r, heights[r])
    assert heights[head + 2 + 2] is None  # short texts: one line, the default height
    # The date sub-headers wrap too: their row is taller than one line.
    assert (ws.row_dimensions[head + 1].height or 0) >= 2 * 15
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == f"{head}:{head + 1}"
