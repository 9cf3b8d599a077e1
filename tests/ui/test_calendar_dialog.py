"""The working-calendar screen: edit a year, save in one go, import all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt

from tthc_desk.domain.calendar import CalendarException, DayKind
from tthc_desk.ui.calendar_dialog import OFF_TEXT, CalendarDialog
from tthc_desk.ui.calendar_exceptions import KIND_COLORS, ExceptionTableModel
from tthc_desk.ui.errors import ErrorDialog

MAKEUP_SATURDAY = date(2026, 10, 10)
CULTURE_DAY = date(2026, 11, 24)


def open_dialog(qtbot, services, year: int = 2026) -> CalendarDialog:  # type: ignore[no-untyped-def]
    dialog = CalendarDialog(services, year=year)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def working_days_2026(services) -> int:  # type: ignore[no-untyped-def]
    return sum(ok for _day, ok in services.calendar.year_days(2026))


def test_table_and_overview_show_the_seeded_year(qtbot, services):
    dialog = open_dialog(qtbot, services)
    model = dialog.model
    row = model.row_of(date(2026, 8, 22))
    assert [model.index(row, c).data() for c in range(3)] == [
        "22/08/2026",
        "Thứ Bảy",
        "Ngày làm việc bù",
    ]
    assert dialog.count_label.text() == f"Năm 2026: {working_days_2026(services)} ngày làm việc"
    tet = dialog.day_format(date(2026, 2, 17))
    assert tet.background().color() == KIND_COLORS[DayKind.HOLIDAY]
    assert tet.foreground().color() == OFF_TEXT
    assert (
        dialog.day_format(date(2026, 8, 22)).background().color()
        == KIND_COLORS[DayKind.MAKEUP_WORKDAY]
    )
    assert dialog.day_format(date(2026, 3, 3)).background().style() == Qt.BrushStyle.NoBrush


def test_add_makeup_saturday_remove_culture_day_and_save(qtbot, services):
    before = working_days_2026(services)
    assert not services.calendar.calendar().is_working_day(CULTURE_DAY)
    dialog = open_dialog(qtbot, services)

    dialog.overview.setSelectedDate(QDate(2026, 10, 10))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    editor = dialog.editor
    assert editor is not None and editor.date_edit.date() == QDate(2026, 10, 10)
    assert editor.kind_combo.currentData() == DayKind.MAKEUP_WORKDAY.value  # a Saturday
    editor.name_edit.setText("Làm bù cho ngày 23/11/2026")
    editor.source_edit.setText("Quyết định của UBND tỉnh")
    qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.current_exception().day == MAKEUP_SATURDAY

    dialog.view.selectRow(dialog.model.row_of(CULTURE_DAY))
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.model.row_of(CULTURE_DAY) == -1
    assert dialog.count_label.text() == f"Năm 2026: {before + 2} ngày làm việc"
    # Nothing is written before "Lưu".
    assert not services.calendar.calendar().is_working_day(MAKEUP_SATURDAY)
    assert not dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.calendar_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    cal = services.calendar.calendar()
    assert cal.is_working_day(MAKEUP_SATURDAY)
    assert cal.is_working_day(CULTURE_DAY)
    assert working_days_2026(services) == before + 2
    assert not dialog.is_dirty() and dialog.import_button.isEnabled()
    saved = {e.day: e for e in services.calendar.exceptions(2026)}
    assert saved[MAKEUP_SATURDAY].source == "Quyết định của UBND tỉnh"


def test_editor_refuses_makeup_on_a_weekday_and_duplicate_days(qtbot, services):
    dialog = open_dialog(qtbot, services)
    editor = dialog.open_editor(day=date(2026, 10, 12))  # a Monday
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(DayKind.MAKEUP_WORKDAY.value))
    editor.name_edit.setText("Làm bù")
    editor.accept()
    assert "vốn là ngày làm việc" in editor.errors.message("kind")
    assert editor.isVisible() and not dialog.is_dirty()

    editor.date_edit.setDate(QDate(2026, 9, 2))
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(DayKind.HOLIDAY.value))
    editor.accept()
    assert "đã có trong bảng" in editor.errors.message("day")
    assert not dialog.is_dirty()


def test_unsaved_edits_survive_switching_years_and_cancel_discards(qtbot, services):
    dialog = open_dialog(qtbot, services)
    assert dialog.remove_day(CULTURE_DAY)
    dialog.year_spin.setValue(2027)
    assert dialog.count_label.text().startswith("Năm 2027: ")
    dialog.year_spin.setValue(2026)
    assert dialog.model.row_of(CULTURE_DAY) == -1

    dialog.reject()  # asks first, without blocking
    assert dialog.isVisible()
    dialog.discard_and_close()
    assert not dialog.isVisible()
    assert not services.calendar.calendar().is_working_day(CULTURE_DAY)


def test_import_bad_file_lists_problems_and_changes_nothing(qtbot, services, tmp_path: Path):
    before = services.calendar.exceptions(2026)
    path = tmp_path / "lich.csv"
    path.write_text(
        "Ngày,Loại,Tên,Căn cứ\n"
        "10/10/2026,Làm bù,Làm bù,TB 1\n"
        "31/02/2026,Ngày lễ,Ngày không có,TB 1\n"
        "12/10/2026,Loại lạ,Không rõ,TB 1\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, services)

    assert dialog.import_from(path) is None

    shown = [w for w in dialog.findChildren(ErrorDialog) if w.isVisible()]
    assert len(shown) == 1
    problems = shown[0].problems()
    assert any(p.startswith("Dòng 3") for p in problems), problems
    assert any(p.startswith("Dòng 4") for p in problems), problems
    assert services.calendar.exceptions(2026) == before


def test_import_good_file_then_export(qtbot, services, tmp_path: Path):
    path = tmp_path / "lich.csv"
    path.write_text(
        "Ngày,Loại,Tên,Căn cứ\n10/10/2026,Ngày làm việc bù,Làm bù cho 23/11,Quyết định tỉnh\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, services)
    assert dialog.import_from(path) == 1
    assert dialog.model.row_of(MAKEUP_SATURDAY) >= 0
    assert services.calendar.calendar().is_working_day(MAKEUP_SATURDAY)
    assert "Đã nhập 1 ngày" in dialog.status_label.text()

    out = tmp_path / "lich-2026.xlsx"
    assert dialog.export_to(out) == len(services.calendar.exceptions(2026))
    assert out.stat().st_size > 0


def test_exception_model_passes_qtmodeltester(qtmodeltester, services):
    model = ExceptionTableModel(services.calendar.exceptions(2026))
    qtmodeltester.check(model)
    model.put(CalendarException(MAKEUP_SATURDAY, DayKind.MAKEUP_WORKDAY, "Làm bù"))
    model.remove(CULTURE_DAY)
    qtmodeltester.check(model)


def test_the_legal_basis_column_cites_the_law_in_vietnamese(qtbot, services):
    dialog = open_dialog(qtbot, services)
    model = dialog.model
    basis = {
        day: model.index(model.row_of(day), ExceptionTableModel.SOURCE).data()
        for day in (date(2026, 1, 1), date(2026, 4, 27), date(2026, 8, 22))
    }
    assert basis == {
        date(2026, 1, 1): "Bộ luật Lao động 2019, Điều 112",
        date(2026, 4, 27): "Bộ luật Lao động 2019, Điều 111 khoản 3",
        date(2026, 8, 22): "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ",
    }
    texts = [model.index(r, ExceptionTableModel.SOURCE).data() for r in range(model.rowCount())]
    assert texts and not any("holidays" in t.lower() for t in texts)
    # A row seeded by an older version (its basis stored as the package's name) reads the same.
    old = CalendarException(date(2026, 9, 2), DayKind.HOLIDAY, "Quốc khánh", "Thư viện holidays")
    legacy = ExceptionTableModel([old])
    assert legacy.index(0, ExceptionTableModel.SOURCE).data() == "Bộ luật Lao động 2019, Điều 112"
