"""Register rows for the ledger and late-list tests (PDF and Excel)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tthc_desk.domain.dossier import Status
from tthc_desk.domain.lifecycle import OpenTimeliness, Timeliness
from tthc_desk.domain.registers import LateRow, LedgerRow

NAMES = ("Nguyễn Thị Diễm Hương", "Trần Văn Bình", "Lê Thị Ánh Tuyết", "Phạm Đức Lộc")


def ledger_rows(n: int) -> list[LedgerRow]:
    start = datetime(2026, 2, 2, 7, 45)
    rows = []
    for i in range(n):
        received = start + timedelta(hours=3 * i)
        settled = received + timedelta(days=2) if i % 3 else None
        rows.append(
            LedgerRow(
                code=f"000.17.22.H56-{received:%y%m%d}-{i + 1:04d}",
                ledger_book="01/2026",
                ledger_number=i + 1,
                procedure_name="Đăng ký khai sinh" if i % 2 else "Chứng thực bản sao từ bản chính",
                field="Hộ tịch",
                applicant_name=f"{NAMES[i % 4]} {i + 1}",
                applicant_address=f"Số {i + 1} đường Lý Thái Tổ, phường Đồng Nguyên",
                applicant_phone=f"09{i:08d}",
                deciding_agency="UBND phường Đồng Nguyên",
                handling_unit="Công chức Tư pháp - Hộ tịch",
                sets_count=1 + i % 2,
                received_at=received,
                due_at=received + timedelta(days=3),
                handed_over_at=received + timedelta(hours=1),
                settled_at=settled,
                returned_at=settled + timedelta(hours=2) if settled else None,
                status=Status.RETURNED if settled else Status.IN_PROGRESS,
                timeliness=Timeliness.EARLY if settled else OpenTimeliness.WITHIN,
                note="Trả qua bưu chính" if i == 4 else "",
            )
        )
    return rows


def late_rows(n: int) -> list[LateRow]:
    rows = []
    for i in range(n):
        received = datetime(2026, 2, 2, 8, 0) + timedelta(days=i)
        rows.append(
            LateRow(
                code=f"000.17.22.H56-{received:%y%m%d}-{i + 1:04d}",
                applicant_name=f"{NAMES[i % 4]} {i + 1}",
                procedure_name="Đăng ký khai sinh",
                field="Hộ tịch",
                received_at=received,
                due_at=received + timedelta(days=3, hours=8),
                settled_at=received + timedelta(days=6) if i % 2 else None,
                late_working_days=1 + i % 3,
                reason="Cơ quan phối hợp chậm trả lời" if i % 3 else "",
                responsible_unit="Công an phường",
                letter_number=f"{i + 1:02d}/2026/PXL" if i % 4 else "",
                letter_date=received + timedelta(days=3) if i % 4 else None,
                status=Status.RESULT_READY if i % 2 else Status.IN_PROGRESS,
            )
        )
    return rows
