"""The catalog screen: search, edit, and Excel import that is all or nothing."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from tthc_desk.domain.procedure import DurationUnit, PaperKind
from tthc_desk.presentation import duration_text
from tthc_desk.ui.catalog_dialog import CatalogDialog
from tthc_desk.ui.catalog_models import (
    PaperTableModel,
    ProcedureFilterProxyModel,
    ProcedureTableModel,
)
from tthc_desk.ui.errors import ErrorDialog


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def open_dialog(qtbot, services) -> CatalogDialog:  # type: ignore[no-untyped-def]
    dialog = CatalogDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def snapshot(services) -> list:  # type: ignore[no-untyped-def]
    return [(p.code, p.name, p.duration, p.fee, p.papers) for p in services.catalog.list(False)]


NEW_ROW = [
    "1.999001",
    "Thủ tục thử nghiệm cấp giấy xác nhận",
    "Tư pháp",
    "UBND cấp xã",
    "Công chức Tư pháp - Hộ tịch",
    3,
    "ngày làm việc",
    0,
    50000,
    "Có",
    "Không",
    "Có",
]


def workbook_with(services, tmp_path: Path, rows: list[list[object]], name: str) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    services.catalog.export_xlsx(path)
    wb = load_workbook(path)
    for row in rows:
        wb["Thủ tục"].append(row)
    wb.save(path)
    return path


def test_columns_are_formatted_for_the_clerk(qtbot, services):
    dialog = open_dialog(qtbot, services)
    model = dialog.model
    row = model.row_of("1.001193")
    cells = [model.index(row, c).data() for c in range(model.columnCount())]
    assert cells[:4] == ["1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "Trong ngày"]
    assert cells[6:] == ["Có", "Có", "Có"]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Mã",
        "Tên thủ tục",
        "Lĩnh vực",
    ]
    durations = {
        model.index(r, ProcedureTableModel.DURATION).data() for r in range(model.rowCount())
    }
    assert any(d.endswith("ngày làm việc") for d in durations)


def test_search_without_accents_and_field_filter(qtbot, services):
    dialog = open_dialog(qtbot, services)
    total = len(dialog.visible_codes())
    type_text(dialog.search_edit, "khai sinh")
    codes = dialog.visible_codes()
    assert "1.001193" in codes and len(codes) < total
    assert all("sinh" in services.catalog.get(c).name for c in codes)

    dialog.search_edit.clear()
    dialog.field_combo.setCurrentIndex(dialog.field_combo.findData("Hộ tịch"))
    assert {services.catalog.get(c).field for c in dialog.visible_codes()} == {"Hộ tịch"}
    assert dialog.count_label.text().startswith(f"Hiển thị {len(dialog.visible_codes())} / ")


def test_bad_workbook_lists_problems_and_changes_nothing(qtbot, services, tmp_path):
    before = snapshot(services)
    bad_rows = [
        ["1.99", "Mã sai dạng", "Tư pháp", "", "", 3, "ngày làm việc", 0, 0, "Có", "Không", "Có"],
        [
            "1.999002",
            "Thời hạn âm",
            "Tư pháp",
            "",
            "",
            -2,
            "ngày làm việc",
            0,
            0,
            "Có",
            "Không",
            "Có",
        ],
        ["1.999003", "Đơn vị lạ", "Tư pháp", "", "", 2, "tuần trăng", 0, 0, "Có", "Không", "Có"],
        NEW_ROW,  # a good row: must not be imported either
    ]
    path = workbook_with(services, tmp_path, bad_rows, "sai.xlsx")
    dialog = open_dialog(qtbot, services)

    assert dialog.import_from(path) is None

    shown = [w for w in dialog.findChildren(ErrorDialog) if w.isVisible()]
    assert len(shown) == 1
    problems = shown[0].problems()
    assert len(problems) >= 3
    assert any(p.startswith("Dòng 42") and "Mã thủ tục" in p for p in problems), problems
    assert any(p.startswith("Dòng 43") for p in problems), problems
    assert any(p.startswith("Dòng 44") for p in problems), problems
    assert "danh mục giữ nguyên" in dialog.status_label.text()
    assert snapshot(services) == before
    assert dialog.model.row_of("1.999001") == -1


def test_good_workbook_adds_procedures(qtbot, services, tmp_path):
    path = workbook_with(services, tmp_path, [NEW_ROW], "tot.xlsx")
    existing = len(services.catalog.list(False))
    dialog = open_dialog(qtbot, services)

    with qtbot.waitSignal(dialog.catalog_changed):
        assert dialog.import_from(path) == (1, existing)

    assert dialog.status_label.text() == f"Đã thêm 1, cập nhật {existing} thủ tục."
    added = services.catalog.get("1.999001")
    assert added.charge == 50000 and added.duration.unit is DurationUnit.WORKING_DAYS
    row = dialog.model.row_of("1.999001")
    assert dialog.model.index(row, ProcedureTableModel.CHARGE).data() == "50.000 đ"
    assert dialog.model.index(row, ProcedureTableModel.DURATION).data() == "3 ngày làm việc"


def test_export_then_reimport_round_trips(qtbot, services, tmp_path):
    dialog = open_dialog(qtbot, services)
    path = tmp_path / "danh-muc.xlsx"
    assert dialog.export_to(path) == len(services.catalog.list(False))
    assert dialog.import_from(path) == (0, len(services.catalog.list(False)))


def test_add_a_procedure_in_the_editor(qtbot, services):
    dialog = open_dialog(qtbot, services)
    editor = dialog.open_editor(None)
    type_text(editor.code_edit, "2.000815")
    type_text(editor.name_edit, "Thủ tục chứng thực bản sao từ bản chính")
    editor.field_combo.setCurrentText("Chứng thực")
    editor.unit_choice.setCurrentIndex(editor.unit_choice.findData(DurationUnit.SAME_DAY.value))
    assert not editor.duration_spin.isEnabled()
    editor.charge_edit.setValue(2000)
    index = editor.paper_model.add_paper()
    editor.paper_model.setData(index, "Bản chính giấy tờ cần chứng thực")
    editor.paper_model.setData(
        index.siblingAtColumn(PaperTableModel.KIND), PaperKind.CERTIFIED.value
    )
    editor.paper_model.setData(index.siblingAtColumn(PaperTableModel.COUNT), 2)

    # 2.000815 may already be in the starter catalog: then the code is refused inline.
    exists = dialog.model.row_of("2.000815") >= 0
    if exists:
        assert not editor.save()
        assert "đã có" in editor.errors.message("code")
        editor.code_edit.clear()
        type_text(editor.code_edit, "2.999815")
    code = editor.code_edit.text()
    with qtbot.waitSignal(editor.procedure_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    saved = services.catalog.get(code)
    assert duration_text(saved.duration) == "Trong ngày"
    assert saved.papers[0].kind is PaperKind.CERTIFIED and saved.papers[0].count == 2
    assert dialog.current_procedure().code == code  # the new row is selected


def test_editor_refuses_bad_input_inline(qtbot, services):
    dialog = open_dialog(qtbot, services)
    before = snapshot(services)
    editor = dialog.open_editor(None)
    type_text(editor.code_edit, "1.23")
    editor.duration_spin.setValue(0)
    editor.paper_model.add_paper()

    assert not editor.save()

    assert set(editor.errors.messages()) == {"code", "name", "field", "duration", "papers"}
    assert editor.isVisible()
    assert snapshot(services) == before


def test_edit_fee_of_an_existing_procedure(qtbot, services):
    dialog = open_dialog(qtbot, services)
    assert dialog.select("1.001193")
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    editor = dialog.editor
    assert editor is not None and editor.code_edit.isReadOnly()
    editor.fee_edit.setValue(50000)
    assert editor.save()
    row = dialog.model.row_of("1.001193")
    assert dialog.model.index(row, ProcedureTableModel.FEE).data() == "50.000 đ"
    assert services.catalog.get("1.001193").fee == 50000


def test_models_pass_qtmodeltester(qtmodeltester, services):
    procedures = services.catalog.list(active_only=False)
    model = ProcedureTableModel(procedures)
    qtmodeltester.check(model)
    proxy = ProcedureFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.set_search_text("ket hon")
    proxy.sort(ProcedureTableModel.FEE)
    qtmodeltester.check(proxy)
    papers = PaperTableModel(procedures[0].papers)
    qtmodeltester.check(papers)
    papers.add_paper("Giấy tờ khác")
    papers.move_row(0, 1)
    qtmodeltester.check(papers)
