"""Files that leave the PC carry only what their recipient needs (README, “Dữ liệu cá nhân trong
tệp xuất”): each is generated from a test office with known people and its text searched for
the ID numbers, phones, e-mails, addresses and names that must not be there, and for what must
stay."""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import make_draft
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.dossier import Person, ReturnMethod
from tthc_desk.domain.lifecycle import Move
from tthc_desk.domain.periods import PeriodKind
from tthc_desk.exporting.report_xlsx import write_report_workbook
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveRequest

POSTAL = "1.004873"  # offered by post
ADDRESS = "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên"
NHUNG = Person(
    "Nguyễn Thị Hồng Nhung",
    "001190012345",
    phone="0912345678",
    address=ADDRESS,
    email="nhung@example.com",
)
TAM = Person(
    "Lê Văn Tám",
    "036084001111",
    phone="0987654321",
    address="Thôn Đông, xã Yên Phong",
    email="tam@example.com",
)
PEOPLE = (NHUNG, TAM)


def xlsx_text(path: Path) -> str:
    wb = load_workbook(path, read_only=True)
    cells = [
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    ]
    return "\n".join(cells)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def private_bits(person: Person) -> list[str]:
    """What of ``person`` no recipient outside the office needs: ID number, phone, e-mail."""
    return [person.id_number, person.phone, person.email]


def absent(text: str, values: list[str]) -> list[str]:
    """The values found in ``text`` (an empty list passes); a phone also in 0912 345 678 form."""
    flat = "".join(text.split())
    return [v for v in values if v and (v in text or v in flat)]


class Office:
    """Nhung's result returned by post on 02/03/2026 (list 01/2026/BGBC); Tám's dossier,
    received the same morning, still open and overdue on 20/04/2026."""

    def __init__(self, services: Services, clock: FixedClock) -> None:
        self.svc = services
        start = clock.now()
        self.nhung = services.dossiers.receive(
            make_draft(
                procedure_code=POSTAL,
                applicant=NHUNG,
                return_method=ReturnMethod.POSTAL,
                return_address=ADDRESS,
            )
        ).code
        self.tam = services.dossiers.receive(make_draft(applicant=TAM)).code
        clock.set(start + timedelta(hours=1))
        services.lifecycle.move(self.nhung, MoveRequest(Move.RESULT_READY))
        clock.set(datetime(2026, 3, 2, 14, 0))
        self.batch = services.postal.create_batch(
            waybills={self.nhung: "eb123456789vn"}, postal_employee="Đỗ Văn Hùng"
        ).number_text
        clock.set(datetime(2026, 4, 20, 9, 0))


@pytest.fixture
def office(services: Services, clock: FixedClock) -> Office:
    return Office(services, clock)


def test_weekly_workbooks_to_the_province_name_dossiers_by_code_only(
    office: Office, tmp_path: Path
) -> None:
    svc = office.svc
    texts = {}
    for week in ("2026-W10", "2026-W16"):  # the postal return; the overdue dossier
        path = tmp_path / f"{week}.xlsx"
        svc.reports.write_weekly(svc.reports.period(PeriodKind.WEEK, week), path)
        texts[week] = xlsx_text(path)
    w10, w16 = texts["2026-W10"], texts["2026-W16"]
    assert office.nhung in w10 and office.tam in w10 and "EB123456789VN" in w10
    assert office.tam in w16 and "Chưa có kết quả" in w16  # Quá hạn sheet
    for text in (w10, w16):
        for p in PEOPLE:
            assert absent(text, [*private_bits(p), p.full_name, p.address]) == []


def test_periodic_06a_report_carries_counts_only(office: Office, tmp_path: Path) -> None:
    svc = office.svc
    path = tmp_path / "quy.xlsx"
    svc.reports.write_period(svc.reports.period(PeriodKind.QUARTER, "2026-Q2"), path)
    text = xlsx_text(path)
    assert "Biểu số 06a/VPCP/KSTT" in text
    for p in PEOPLE:
        assert absent(text, [*private_bits(p), p.full_name, p.address, office.tam]) == []


def test_postal_handover_list_keeps_what_the_post_delivers_with(
    office: Office, tmp_path: Path
) -> None:
    pdf = pdf_text(office.svc.postal.write_batch_list(office.batch, tmp_path / "bg.pdf"))
    xlsx = xlsx_text(office.svc.postal.write_batch_list(office.batch, tmp_path / "bg.xlsx"))
    for text in (pdf, xlsx):
        flat = " ".join(text.split())
        assert NHUNG.full_name in flat and "Hàn Thuyên" in flat and NHUNG.phone in flat
        assert absent(text, [NHUNG.id_number, NHUNG.email]) == []
        assert absent(text, [*private_bits(TAM), TAM.full_name]) == []


def test_journal_export_for_an_inspector_names_staff_and_codes_not_citizens(
    office: Office, tmp_path: Path
) -> None:
    path = tmp_path / "nhat-ky.xlsx"
    office.svc.journal.export_xlsx(path)
    text = xlsx_text(path)
    assert "Trần Thị Bình" in text and office.nhung in text
    for p in PEOPLE:
        assert absent(text, [*private_bits(p), p.full_name, p.address]) == []


def test_public_late_list_names_no_one(office: Office, tmp_path: Path) -> None:
    regs = office.svc.registers
    for name in ("cong-khai.pdf", "cong-khai.xlsx"):
        path = tmp_path / name
        assert regs.write_late_list(date(2026, 3, 1), date(2026, 4, 20), path, public=True) == 1
        text = pdf_text(path) if name.endswith(".pdf") else xlsx_text(path)
        assert office.tam.split("-")[-1] in text
        for p in PEOPLE:
            assert absent(text, [*private_bits(p), p.full_name, p.address]) == []


def test_ledger_keeps_the_template_columns_and_no_id_number(office: Office, tmp_path: Path) -> None:
    """Mẫu 06 asks for “Tên cá nhân, tổ chức” and “Địa chỉ, số điện thoại”; nothing more."""
    path = tmp_path / "so.xlsx"
    office.svc.registers.write_ledger(date(2026, 3, 1), date(2026, 3, 31), path)
    text = xlsx_text(path)
    for p in PEOPLE:
        assert p.full_name in text and p.phone in text
        assert absent(text, [p.id_number, p.email]) == []


def test_the_receipt_given_to_the_citizen_keeps_their_own_data(
    office: Office, tmp_path: Path
) -> None:
    path = office.svc.printing.write_receipt(office.tam, tmp_path / "gtn.pdf")
    text = pdf_text(path)
    assert TAM.full_name in text and TAM.id_number in "".join(text.split())
    assert absent(text, private_bits(NHUNG)) == []


def test_a_typed_id_number_in_a_late_reason_is_masked(office: Office, tmp_path: Path) -> None:
    svc = office.svc
    report = svc.reports.compute(svc.reports.period(PeriodKind.WEEK, "2026-W16"))
    assert [d.code for d in report.late] == [office.tam]
    reason = f"Chờ xác minh CCCD {TAM.id_number}"
    report = dataclasses.replace(
        report,
        dossiers=tuple(dataclasses.replace(d, late_reason=reason) for d in report.dossiers),
    )
    assert report.late[0].late_reason == reason
    text = xlsx_text(write_report_workbook(report, tmp_path / "w.xlsx"))
    assert "Chờ xác minh CCCD 0360******11" in text and TAM.id_number not in text
