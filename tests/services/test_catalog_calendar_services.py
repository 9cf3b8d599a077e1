"""Catalog and calendar services: all-or-nothing imports, seeding, edits the due date follows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tthc_desk.domain.calendar import CalendarException, DayKind
from tthc_desk.domain.errors import NotFoundError, ValidationError
from tthc_desk.domain.procedure import Duration, DurationUnit
from tthc_desk.services.container import Services


def test_starter_catalog_is_loaded_once(services: Services) -> None:
    n = len(services.catalog.list())
    assert n >= 39
    assert services.catalog.ensure_starter() == 0
    assert len(services.catalog.list()) == n


def test_catalog_search_by_code_or_accentless_name(services: Services) -> None:
    assert [p.code for p in services.catalog.search("1.001193")] == ["1.001193"]
    names = [p.name for p in services.catalog.search("dang ky ket hon")]
    assert any("kết hôn" in n for n in names)
    assert all("kết hôn" in n.lower() for n in names)
    assert services.catalog.search("chung thuc chu ky")
    with pytest.raises(NotFoundError):
        services.catalog.get("9.999999")


def test_catalog_import_is_all_or_nothing(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "dm.xlsx"
    services.catalog.export_xlsx(path)
    wb = load_workbook(path)
    ws = wb["Thủ tục"]
    header = [c.value for c in ws[1]]
    name_col = header.index("Tên thủ tục") + 1
    value_col = header.index("Thời hạn") + 1
    unit_col = header.index("Đơn vị thời hạn") + 1
    bad_row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(row=r, column=unit_col).value == "ngày làm việc"
    )
    ws.cell(row=2, column=name_col, value="Tên đã sửa")  # a good change…
    ws.cell(row=bad_row, column=value_col, value=-3)  # …and a bad row
    wb.save(path)
    before = services.catalog.list()
    with pytest.raises(ValidationError) as err:
        services.catalog.import_xlsx(path)
    assert any(p.row == bad_row and p.column == "Thời hạn" for p in err.value.problems)
    assert services.catalog.list() == before  # nothing written
    ws.cell(row=bad_row, column=value_col, value=3)
    wb.save(path)
    added, updated = services.catalog.import_xlsx(path)
    assert added == 0 and updated == len(before)
    assert "Tên đã sửa" in {p.name for p in services.catalog.list()}


def test_catalog_edit_changes_future_due_dates(services: Services) -> None:
    p = services.catalog.get("2.001035")
    services.catalog.save(replace(p, duration=Duration(5, DurationUnit.WORKING_DAYS)))
    assert services.dossiers.preview_due("2.001035", datetime(2026, 3, 2, 8, 0)) == datetime(
        2026, 3, 9, 8, 0
    )


def test_calendar_is_seeded_with_the_2026_schedule(services: Services) -> None:
    cal = services.calendar.calendar()
    for off in (
        date(2026, 1, 1),
        date(2026, 2, 16),
        date(2026, 2, 20),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),
    ):
        assert not cal.is_working_day(off), off
    assert cal.is_working_day(date(2026, 8, 22))
    working = sum(1 for _, w in services.calendar.year_days(2026) if w)
    assert working == 261 - 13 + 1  # weekdays − 13 weekday days off + the make-up Saturday


def test_removing_24_11_and_adding_a_makeup_day_reach_the_due_dates(services: Services) -> None:
    received = datetime(2026, 11, 23, 9, 0)  # Monday; 24/11 is a day off
    assert services.dossiers.preview_due("2.001035", received) == datetime(2026, 11, 26, 9, 0)
    services.calendar.remove_exception(date(2026, 11, 24))
    assert services.dossiers.preview_due("2.001035", received) == datetime(2026, 11, 25, 9, 0)
    services.calendar.ensure_years([2026])  # already seeded: a removed day stays removed
    assert services.calendar.calendar().is_working_day(date(2026, 11, 24))
    services.calendar.set_exception(
        CalendarException(date(2026, 11, 28), DayKind.MAKEUP_WORKDAY, "Làm bù")
    )
    assert services.calendar.calendar().is_working_day(date(2026, 11, 28))
    with pytest.raises(ValidationError):
        services.calendar.set_exception(
            CalendarException(date(2026, 11, 27), DayKind.MAKEUP_WORKDAY)
        )


def test_calendar_import_all_or_nothing(services: Services, tmp_path: Path) -> None:
    bad = tmp_path / "lich.csv"
    bad.write_text(
        "Ngày,Loại,Tên\n04/01/2027,Ngày lễ,Nghỉ thêm\n31/02/2027,Ngày lễ,Sai\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError):
        services.calendar.import_file(bad)
    assert date(2027, 1, 4) not in {e.day for e in services.calendar.exceptions(2027)}
    good = tmp_path / "lich2.csv"
    good.write_text(
        "Ngày,Loại,Tên,Căn cứ\n04/01/2027,Ngày lễ,Nghỉ thêm,Thông báo 1/TB\n", encoding="utf-8"
    )
    assert services.calendar.import_file(good) == 1
    assert not services.calendar.calendar().is_working_day(date(2027, 1, 4))
    out = tmp_path / "out.xlsx"
    assert services.calendar.export_file(out, 2027) >= 1


def test_replace_year_is_one_transaction(services: Services) -> None:
    with pytest.raises(ValidationError):
        services.calendar.replace_year(2026, [CalendarException(date(2027, 1, 1), DayKind.HOLIDAY)])
    assert len(services.calendar.exceptions(2026)) > 5  # untouched
    services.calendar.replace_year(
        2026, [CalendarException(date(2026, 1, 1), DayKind.HOLIDAY, "Tết Dương lịch")]
    )
    assert [e.day for e in services.calendar.exceptions(2026)] == [date(2026, 1, 1)]


def test_office_profile_round_trip_and_validation(services: Services) -> None:
    office = services.settings.office()
    saved = services.settings.save_office(
        replace(office, office_name="  BỘ PHẬN  MỘT CỬA ", agency_id="000.00.11.H01")
    )
    assert saved.office_name == "BỘ PHẬN MỘT CỬA"
    with pytest.raises(ValidationError) as err:
        services.settings.save_office(replace(office, agency_id="", receipt_copies=0))
    assert {"agency_id", "receipt_copies"} <= set(err.value.field_messages())
    assert services.settings.office().agency_id == "000.00.11.H01"


def test_saved_office_hours_reach_the_due_dates(services: Services) -> None:
    from datetime import time

    from tthc_desk.domain.office import OfficeHours, Session

    before = services.dossiers.preview_due("1.001193", datetime(2026, 3, 2, 8, 0))
    assert before == datetime(2026, 3, 2, 17, 0)
    sessions = (Session(time(7, 0), time(11, 0)), Session(time(13, 0), time(16, 30)))
    services.settings.save_hours(OfficeHours({d: sessions for d in range(1, 6)}))
    assert services.dossiers.preview_due("1.001193", datetime(2026, 3, 2, 8, 0)) == datetime(
        2026, 3, 2, 16, 30
    )


def test_saving_a_bad_procedure_is_refused(services: Services) -> None:
    p = services.catalog.get("2.001035")
    with pytest.raises(ValidationError) as err:
        services.catalog.save(
            replace(p, name=" ", duration=Duration(-1, DurationUnit.WORKING_DAYS))
        )
    assert {"name", "duration"} <= set(err.value.field_messages())
    assert services.catalog.get("2.001035") == p
    services.catalog.save(replace(p, name="Chứng thực  giao dịch"))
    assert services.catalog.get("2.001035").name == "Chứng thực giao dịch"
