"""The post office's delivery-status file: a good file applied whole, a bad one refused whole."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.services.test_postal_service import ready
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.postal import PostalState
from tthc_desk.services.container import Services

WAYBILLS = ("EB300000001VN", "EB300000002VN", "EB300000003VN")


@pytest.fixture
def handed(services: Services, clock: FixedClock) -> list[str]:
    codes = [
        ready(services, clock, name=n, id_number=i)
        for n, i in (
            ("Nguyễn Văn An", "036084000001"),
            ("Lê Thị Bích", "036084000002"),
            ("Trần Văn Cường", "036084000003"),
        )
    ]
    clock.set(datetime(2026, 3, 2, 14, 0))
    services.postal.create_batch(waybills=dict(zip(codes, WAYBILLS, strict=True)))
    clock.set(datetime(2026, 3, 6, 17, 0))
    return codes


def write_csv(path: Path, lines: list[str], bom: bool = True, sep: str = ",") -> Path:
    text = "\n".join(line.replace(",", sep) for line in lines) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["BƯU ĐIỆN TỈNH BẮC NINH – BÁO CÁO PHÁT"])  # a title above the header
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_good_csv_applies_one_delivered_one_failed_one_returned(
    services: Services, handed: list[str], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "trang-thai.csv",
        [
            "Số hiệu bưu gửi,Trạng thái,Ngày,Ghi chú",
            "eb300000001vn,Đã phát thành công,03/03/2026 10:15,",
            "EB300000002VN,phat khong thanh cong,04/03/2026,Vắng nhà",
            "EB300000003VN,Chuyển hoàn,2026-03-05 16:00,",
        ],
        sep=";",
    )
    summary = services.postal.import_statuses(path)
    assert (summary.delivered, summary.failed, summary.returned, summary.unchanged) == (1, 1, 1, 0)
    assert services.postal.item(WAYBILLS[0]).delivered_at == datetime(2026, 3, 3, 10, 15)
    assert services.postal.item(WAYBILLS[1]).state is PostalState.FAILED
    assert services.dossiers.get(handed[2]).status is Status.RESULT_READY
    # The same file again changes nothing (post office files are often cumulative).
    again = services.postal.import_statuses(path)
    assert (again.delivered, again.failed, again.returned, again.unchanged) == (0, 0, 0, 3)


def test_good_xlsx_with_english_headers(
    services: Services, handed: list[str], tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "status.xlsx",
        [
            ["Waybill", "Status", "Date"],
            [WAYBILLS[0], "delivered", datetime(2026, 3, 3, 10, 15)],
            [WAYBILLS[1], "failed", datetime(2026, 3, 4)],
            [WAYBILLS[2], "returned", "05/03/2026 16:00"],
        ],
    )
    summary = services.postal.import_statuses(path)
    assert (summary.delivered, summary.failed, summary.returned) == (1, 1, 1)
    assert services.postal.counts().returned == 1


def test_malformed_csv_lists_every_problem_and_applies_nothing(
    services: Services, handed: list[str], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "sai.csv",
        [
            "Mã vận đơn,Trạng thái,Ngày",
            "EB300000001VN,delivered,03/03/2026",
            "EB999999999VN,delivered,03/03/2026",  # unknown waybill
            "EB300000002VN,failed,31/02/2026",  # bad date
            "EB300000001VN,failed,04/03/2026",  # duplicate row
            "EB300000003VN,lost,04/03/2026",  # unknown status
            "EB300000002VN,delivered,07/03/2026",  # duplicate again (and in the future)
        ],
        bom=False,
    )
    with pytest.raises(ValidationError) as e:
        services.postal.import_statuses(path)
    described = [p.describe() for p in e.value.problems]
    assert "chưa cập nhật bưu gửi nào" in e.value.message
    assert any(
        d.startswith("Dòng 3, cột “Số hiệu bưu gửi”: Không có bưu gửi nào số hiệu EB999999999VN")
        for d in described
    )
    assert any(
        d.startswith("Dòng 4, cột “Ngày”: Ngày “31/02/2026” không hợp lệ") for d in described
    )
    assert any(
        d.startswith(
            "Dòng 5, cột “Số hiệu bưu gửi”: Số hiệu bưu gửi EB300000001VN trùng với dòng 2"
        )
        for d in described
    )
    assert any(
        d.startswith("Dòng 6, cột “Trạng thái”: Trạng thái “lost” không hiểu được")
        for d in described
    )
    assert any(d.startswith("Dòng 7, cột “Số hiệu bưu gửi”") for d in described)
    assert services.postal.counts().handed_over == 3  # nothing applied, not even row 2


def test_missing_columns_future_dates_and_impossible_changes(
    services: Services, handed: list[str], tmp_path: Path
) -> None:
    with pytest.raises(ValidationError) as e:
        services.postal.import_statuses(
            write_xlsx(
                tmp_path / "thieu.xlsx", [["Số hiệu bưu gửi", "Ghi chú"], [WAYBILLS[0], "x"]]
            )
        )
    assert {p.column for p in e.value.problems} == {"Trạng thái", "Ngày"}
    services.postal.update(WAYBILLS[0], "delivered", at=datetime(2026, 3, 3, 9, 0))
    with pytest.raises(ValidationError) as e:
        services.postal.import_statuses(
            write_csv(
                tmp_path / "b.csv",
                [
                    "waybill,status,date",
                    f"{WAYBILLS[0]},returned,04/03/2026",  # delivered is final
                    f"{WAYBILLS[1]},delivered,09/03/2026 08:00",  # in the future
                    f"{WAYBILLS[2]},delivered,01/03/2026",  # before the handover
                ],
            )
        )
    described = [p.describe() for p in e.value.problems]
    assert len(described) == 3
    assert described[0].startswith("Dòng 2, cột “Trạng thái”: Bưu gửi đã ở trạng thái cuối")
    assert "ở tương lai" in described[1] and "trước ngày giao bưu điện" in described[2]
    assert services.postal.counts().delivered == 1


def test_other_files_are_refused(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ValidationError):
        services.postal.import_statuses(path)
