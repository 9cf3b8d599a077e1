"""The handover list to the post office: every label and every item on paper and in Excel."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.printing.support import missing_labels, page_sizes, pdf_text, pypdf_lines
from tests.services.test_postal_service import ready
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.postal import PostalBatch
from tthc_desk.printing.postal_handover import load
from tthc_desk.services.container import Services

HEADER = [
    "TT",
    "Mã hồ sơ",
    "Nội dung giải quyết TTHC",
    "Kết quả giải quyết TTHC",
    "Họ tên chủ hồ sơ",
    "Phí, lệ phí (X là có)",
    "Đăng ký trả kết quả qua bưu điện (X là có)",
    "Số hiệu bưu gửi",
    "Người nhận, điện thoại",
    "Địa chỉ người nhận",
]


#: Procedures returned by post whose names run to two or three lines of their cell.
LONG_NAMED = ("2.000815", "2.000986", "1.004859")


def make_batch(
    services: Services, clock: FixedClock, n: int = 3, procedures: tuple[str, ...] = ()
) -> PostalBatch:
    codes = [
        ready(
            services,
            clock,
            name=f"Nguyễn Văn {name}",
            id_number=f"03608400{i:04d}",
            **({"procedure_code": procedures[i % len(procedures)]} if procedures else {}),
        )
        for i, name in enumerate(("An", "Bình", "Cường", "Dũng", "Hải", "Khánh")[:n])
    ]
    clock.set(datetime(2026, 3, 2, 14, 0))
    waybills = {
        code: f"EB4000000{i:02d}VN" for i, code in enumerate(codes[:-1])
    }  # the last one later
    return services.postal.create_batch(waybills=waybills, postal_employee="Đỗ Văn Hùng")


def test_pdf_carries_every_label_and_every_item_in_two_copies(
    services: Services, clock: FixedClock
) -> None:
    batch = make_batch(services, clock)
    data = services.postal.batch_pdf(batch.number_text)
    assert all(w > h for w, h in page_sizes(data))  # A4 landscape
    text = pdf_text(data, raw=True)
    compact = "".join(text.split())
    assert missing_labels(load(), [text, compact]) == []
    assert "ĐẠI DIỆN BỘ PHẬN MỘT CỬA" in text and "NHÂN VIÊN BƯU CHÍNH" in text
    assert "(Bản 1: Bộ phận Một cửa lưu)" in text and "(Bản 2: Giao đơn vị bưu chính)" in text
    assert "Số: 01/2026/BGBC" in text and "Tổng số hồ sơ bàn giao: 3 hồ sơ" in text
    assert "Còn 1 bưu gửi chưa có số hiệu" in text
    for item in batch.items:
        assert item.dossier_code in compact
        assert item.applicant_name in text
        if item.waybill:
            assert compact.count(item.waybill) == 2  # once per copy
    assert len(page_sizes(services.postal.batch_pdf(batch.number_text, copies=1))) * 2 == len(
        page_sizes(data)
    )


def test_excel_list_has_the_expected_columns_and_items(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    batch = make_batch(services, clock)
    path = services.postal.write_batch_list("1/2026", tmp_path / "ban-giao.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[:2] == ["TT", "Mã hồ sơ"])
    assert rows[head] == HEADER
    assert ws.freeze_panes == f"A{head + 2}"
    assert ws.page_setup.orientation == "landscape"
    body = rows[head + 1 :]
    assert [r[1] for r in body] == [i.dossier_code for i in batch.items]
    assert [r[7] for r in body] == [i.waybill or None for i in batch.items]
    assert all(r[6] == "X" for r in body)
    flat = " ".join(str(c) for r in rows[:head] for c in r if c)
    assert "DANH SÁCH BÀN GIAO HỒ SƠ" in flat and "01/2026/BGBC" in flat and "Đỗ Văn Hùng" in flat


def test_a_short_list_is_one_page_per_copy_with_every_code_whole(
    services: Services, clock: FixedClock
) -> None:
    """Three items with long procedure names: the signatures stay on the table's page (no
    sheet for the signatures alone), and a dossier code never breaks across lines of its cell."""
    batch = make_batch(services, clock, procedures=LONG_NAMED)
    data = services.postal.batch_pdf(batch.number_text)
    pages = pypdf_lines(data)
    assert len(pages) == 2  # one page per copy
    for lines in pages:
        assert "NHÂN VIÊN BƯU CHÍNH" in " ".join(lines)
        for item in batch.items:
            assert any(item.dossier_code in line for line in lines), item.dossier_code


def test_a_long_list_keeps_the_signatures_with_the_table(
    services: Services, clock: FixedClock
) -> None:
    """A list running onto a second page ends with at least its last row, the total and both
    signatures together: the last page is never the signatures alone (four long rows end at
    the foot of the first page; the fourth row goes over with the signatures)."""
    batch = make_batch(services, clock, n=4, procedures=LONG_NAMED)
    data = services.postal.batch_pdf(batch.number_text, copies=1)
    pages = pypdf_lines(data)
    assert len(pages) == 2
    last = " ".join(pages[-1])
    assert "ĐẠI DIỆN BỘ PHẬN MỘT CỬA" in last and "NHÂN VIÊN BƯU CHÍNH" in last
    assert batch.items[-1].dossier_code in last
    assert "Tổng số hồ sơ bàn giao: 4 hồ sơ" in last
    assert "Mã hồ sơ" in last  # the row came with its header
