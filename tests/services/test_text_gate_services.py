"""Issue 11, "correct at every edge": what enters through the services passes the text gate and
the legal ranges, and what an older database already holds still exports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import make_draft
from tests.services.gate_helpers import run_sql, table_counts
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.procedure import Duration, DurationUnit
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import DossierQuery


def _person(**changes: str) -> Person:
    base = Person(
        full_name="Lê Văn Chuông",
        id_number="001190012345",
        phone="0912345678",
        address="Số 5 đường Trần Phú, phường Đồng Nguyên",
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "Lê Văn\x07 Chuông"}, "applicant.full_name"),
        ({"full_name": "Lê\x00 Văn Chuông"}, "applicant.full_name"),
        ({"full_name": "Lê Văn\x1b Chuông"}, "applicant.full_name"),
        ({"full_name": "Lê Văn \u202eChuông"}, "applicant.full_name"),
        ({"full_name": "Lê Văn\u200b Chuông"}, "applicant.full_name"),
        ({"full_name": "Lê " * 50_000}, "applicant.full_name"),
        ({"address": "Thôn\x07 Đông"}, "applicant.address"),
    ],
)
def test_receive_refuses_invisible_characters_and_changes_nothing(
    services: Services, data_dir: Path, changes: dict[str, str], field: str
) -> None:
    before = table_counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.dossiers.receive(make_draft(applicant=_person(**changes)))
    assert field in err.value.field_messages()
    assert table_counts(data_dir) == before


def test_a_full_width_id_number_is_the_same_person_and_finds_the_dossier(
    services: Services, data_dir: Path
) -> None:
    first = services.dossiers.receive(make_draft(applicant=_person()))
    second = services.dossiers.receive(
        make_draft(applicant=_person(id_number="００１１９００１２３４５", phone="٠٩١٢٣٤٥٦٧٨"))
    )
    assert second.applicant.id_number == "001190012345"
    assert second.applicant.phone == "0912345678"
    assert table_counts(data_dir)["applicants"] == 1
    found = {
        r.code for r in services.dossiers.search(DossierQuery(text="００１１９００１２３４５"))
    }
    assert found == {first.code, second.code}
    assert services.dossiers.find_applicant("٠٠١١٩٠٠١٢٣٤٥") is not None


def test_a_receipt_moment_in_1900_is_refused(services: Services, data_dir: Path) -> None:
    before = table_counts(data_dir)
    draft = make_draft(received_at=datetime(1900, 3, 2, 8, 0), backdate_reason="Vào sổ trước")
    with pytest.raises(ValidationError) as err:
        services.dossiers.receive(draft)
    assert "received_at" in err.value.field_messages()
    assert table_counts(data_dir) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant_name": "Lê Văn\x07 Chuông"}, "applicant_name"),
        ({"note": "Ghi chú \u2066ẩn"}, "note"),
        ({"return_address": "x" * 301}, "return_address"),
    ],
)
def test_a_correction_passes_the_gate(
    services: Services, data_dir: Path, changes: dict[str, str], field: str
) -> None:
    saved = services.dossiers.receive(make_draft())
    before = table_counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.dossiers.correct(saved.code, changes, "Gõ nhầm")
    assert field in err.value.field_messages()
    with pytest.raises(ValidationError, match="Lý do sửa"):
        services.dossiers.correct(saved.code, {"applicant_name": "Lê Văn An"}, "Gõ\x07 nhầm")
    assert table_counts(data_dir) == before


def test_a_catalog_duration_of_a_trillion_working_days_is_refused(
    services: Services, data_dir: Path, tmp_path: Path
) -> None:
    proc = services.catalog.get("1.001193")
    before = table_counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.catalog.save(replace(proc, duration=Duration(10**12, DurationUnit.WORKING_DAYS)))
    assert "tối đa 365 ngày làm việc" in err.value.field_messages()["duration"]
    with pytest.raises(ValidationError):
        services.catalog.save(replace(proc, name="Đăng ký\u202e khai sinh"))
    # The same through a workbook: the whole import is refused.
    path = tmp_path / "dm.xlsx"
    services.catalog.export_xlsx(path)
    wb = load_workbook(path)
    ws = wb["Thủ tục"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("Thời hạn") + 1, value=10**12)
    ws.cell(row=2, column=header.index("Đơn vị thời hạn") + 1, value="ngày làm việc")
    ws.cell(row=3, column=header.index("Lĩnh vực") + 1, value="Hộ\u200btịch")
    wb.save(path)
    with pytest.raises(ValidationError) as err:
        services.catalog.import_xlsx(path)
    text = err.value.full_text()
    assert "tối đa 365 ngày làm việc" in text and "Lĩnh vực chứa ký tự" in text
    assert table_counts(data_dir) == before


def test_calendar_years_outside_2000_2100_are_refused(
    services: Services, data_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "lich.csv"
    bad.write_text("Ngày,Loại,Tên\n01/05/1800,Ngày lễ,Quốc tế lao động\n", encoding="utf-8")
    before = table_counts(data_dir)
    with pytest.raises(ValidationError) as err:
        services.calendar.import_file(bad)
    assert "Năm 1800 nằm ngoài lịch làm việc" in err.value.full_text()
    bell = tmp_path / "chuong.csv"
    bell.write_text("Ngày,Loại,Tên\n04/01/2027,Ngày lễ,Nghỉ\x07 thêm\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        services.calendar.import_file(bell)
    assert "Tên ngày chứa ký tự điều khiển hoặc ký tự ẩn (U+0007)" in err.value.full_text()
    for year in (1800, 2101):
        with pytest.raises(ValidationError, match="ngoài lịch làm việc"):
            services.calendar.year_days(year)
        with pytest.raises(ValidationError, match="ngoài lịch làm việc"):
            services.calendar.exceptions(year)
        with pytest.raises(ValidationError, match="ngoài lịch làm việc"):
            services.calendar.ensure_years([year])
    assert table_counts(data_dir) == before


def test_an_old_database_holding_control_characters_still_exports(
    services: Services, data_dir: Path, tmp_path: Path, database_url: str | None
) -> None:
    saved = services.dossiers.receive(make_draft())
    # PostgreSQL's text holds no NUL at all (the server refuses it): another control there.
    dirty = "Lê Văn\x07 Chuông" + ("\x00" if database_url is None else "\x01") + "\x1b"
    run_sql(
        data_dir,
        "UPDATE dossiers SET applicant_name = :name, procedure_name = :procedure, note = :note",
        name=dirty,
        procedure="Đăng ký\x1b khai sinh",
        note="ghi\x0bchú",
    )
    run_sql(data_dir, "UPDATE applicants SET full_name = :name", name=dirty)
    run_sql(data_dir, "UPDATE dossier_events SET from_unit = :unit, note = :note", unit=dirty,
            note="n\x07")  # fmt: skip
    week = services.reports.week("2026-W10")
    services.reports.write_weekly(week, tmp_path / "tuan.xlsx")
    ledger = tmp_path / "so.xlsx"
    assert services.registers.write_ledger(date(2026, 3, 1), date(2026, 3, 31), ledger) == 1
    cells = [
        str(c)
        for ws in load_workbook(ledger).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert any("Lê Văn\ufffd Chuông\ufffd\ufffd" in c for c in cells), saved.code
