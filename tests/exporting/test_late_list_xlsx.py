"""Late-dossier lists as Excel: explanation and public variants."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.printing.register_rows import late_rows
from tthc_desk.domain.office import DEMO_OFFICE
from tthc_desk.exporting.late_list_xlsx import write_late_list_xlsx

HEADER = ["STT", "Mã hồ sơ", "Người nộp", "Thủ tục", "Ngày nhận", "Hẹn trả", "Ngày có kết quả",
          "Số ngày quá hạn", "Lý do", "Đơn vị chịu trách nhiệm",
          "Số, ngày phiếu xin lỗi"]  # fmt: skip
#: The public list leaves the applicant's name out (README, “Dữ liệu cá nhân trong tệp xuất”).
PUBLIC_HEADER = [c for c in HEADER if c != "Người nộp"]


def read(path: Path) -> list[list[object]]:
    ws = load_workbook(path).active
    assert ws is not None
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_explanation_list(tmp_path: Path) -> None:
    rows = late_rows(9)
    path = write_late_list_xlsx(
        rows, DEMO_OFFICE, date(2026, 2, 1), date(2026, 2, 28), tmp_path / "gt.xlsx"
    )
    values = read(path)
    assert values[2][0] == "DANH SÁCH HỒ SƠ QUÁ HẠN VÀ GIẢI TRÌNH"
    assert any(str(r[0]).startswith("Kính gửi:") for r in values)
    head = values.index(HEADER)
    body = values[head + 1 :]
    assert len(body) == len(rows)
    assert [r[1] for r in body] == [r.code for r in rows]
    assert isinstance(body[0][4], datetime)
    assert body[0][6] == "Chưa có kết quả" and isinstance(body[1][6], datetime)
    assert body[1][10] == "02/2026/PXL ngày 06/02/2026" and body[0][10] == "Chưa có phiếu"


def test_public_list(tmp_path: Path) -> None:
    path = write_late_list_xlsx(
        late_rows(4),
        DEMO_OFFICE,
        date(2026, 2, 1),
        date(2026, 2, 28),
        tmp_path / "ck.xlsx",
        public=True,
    )
    values = read(path)
    assert values[2][0] == "DANH SÁCH HỒ SƠ TRỄ HẠN"
    assert not any(str(r[0] or "").startswith("Kính gửi") for r in values)
    assert len(values) - values.index(PUBLIC_HEADER) - 1 == 4
    names = {r.applicant_name for r in late_rows(4)}
    assert not names & {str(v) for row in values for v in row}
