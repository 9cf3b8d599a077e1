"""The ledger as Excel: title, two header rows with the merged date group, one row per dossier,
real datetimes, frozen panes and print setup."""

from __future__ import annotations

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
