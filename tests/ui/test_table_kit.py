"""The widget kit the screens share: column-declared table models, the list editor, the page's
newest-load rule."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QTableView

from tthc_desk.services.container import Services
from tthc_desk.ui.detail_parts import TextTableModel
from tthc_desk.ui.list_editor import ListEditor
from tthc_desk.ui.page import Page
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, same, shift_row
from tthc_desk.ui.tasks import TaskRunner

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
Role = Qt.ItemDataRole


@dataclass(frozen=True)
class Paper:
    name: str
    count: int
    late: bool = False


class PaperModel(ColumnTableModel[Paper]):
    sort_role = SORT_ROLE

    def __init__(self, papers: list[Paper]) -> None:
        super().__init__()
        self._rows = list(papers)
        self.set_keyed_columns(
            [("name", "Tên giấy tờ"), ("count", "Số lượng")],
            {
                "count": Column(
                    lambda p: str(p.count),
                    sort=lambda p: p.count,
                    align=Qt.AlignmentFlag.AlignCenter,
                    background=lambda p: QColor("#ffe0b2") if p.count > 1 else None,
                ),
                "name": Column(lambda p: p.name, tooltip=lambda p: f"Giấy: {p.name}"),
            },
            row_roles={ITEM_ROLE: same, Role.BackgroundRole: lambda p: QColor("#fde0dc")},
        )

    def add(self, name: str) -> QModelIndex:
        return self.append_row(Paper(name, 1))


PAPERS = [Paper("Tờ khai đăng ký khai sinh", 1), Paper("Giấy chứng sinh", 2, late=True)]


def test_columns_answer_each_role_and_the_row_roles_fill_the_rest(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PaperModel(PAPERS)
    qtmodeltester.check(model)
    name, count = model.index(1, 0), model.index(1, 1)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (0, 1)] == [
        "Tên giấy tờ",
        "Số lượng",
    ]
    assert (name.data(), count.data()) == ("Giấy chứng sinh", "2")
    assert name.data(Role.ToolTipRole) == "Giấy: Giấy chứng sinh"
    assert count.data(Role.ToolTipRole) is None
    assert count.data(SORT_ROLE) == 2 and name.data(SORT_ROLE) == "Giấy chứng sinh"
    assert count.data(Role.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignCenter)
    assert name.data(Role.TextAlignmentRole) is None
    # The column's own colour wins; a column without one takes the row's.
    assert count.data(Role.BackgroundRole) == QColor("#ffe0b2")
    assert name.data(Role.BackgroundRole) == QColor("#fde0dc")
    assert name.data(ITEM_ROLE) is PAPERS[1] and count.data(ITEM_ROLE) is PAPERS[1]
    assert model.data(model.index(5, 0)) is None


def test_keyed_columns_must_match_their_titles() -> None:
    model = PaperModel([])
    with pytest.raises(KeyError):
        model.set_keyed_columns([("name", "Tên"), ("kind", "Loại")], {"name": Column(same)})
    with pytest.raises(ValueError, match="kind"):
        model.set_keyed_columns([("name", "Tên")], {"name": Column(same), "kind": Column(same)})


def test_rows_move_and_are_removed_in_place(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PaperModel([Paper(n, 1) for n in "ABCD"])
    names = lambda: [model.row_at(r).name for r in range(model.rowCount())]  # noqa: E731
    assert model.move_row(0, 1) == 1 and names() == ["B", "A", "C", "D"]
    assert model.move_row(3, -1) == 2 and names() == ["B", "A", "D", "C"]
    assert model.move_row(0, -1) == 0 and names() == ["B", "A", "D", "C"]  # already first
    assert model.moveRows(QModelIndex(), 0, 2, QModelIndex(), 4)
    assert names() == ["D", "C", "B", "A"]
    assert not model.moveRows(QModelIndex(), 1, 1, QModelIndex(), 1)  # onto itself
    assert model.removeRows(1, 2) and names() == ["D", "A"]
    assert not model.removeRows(1, 2)
    qtmodeltester.check(model)


def test_shift_row_moves_a_list_widget_row_too(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = QListWidget()
    qtbot.addWidget(widget)
    widget.addItems(["Tư pháp", "Địa chính", "Văn hóa"])
    assert shift_row(widget.model(), 2, -1) == 1
    assert [widget.item(i).text() for i in range(3)] == ["Tư pháp", "Văn hóa", "Địa chính"]
    assert shift_row(widget.model(), 2, 1) == 2  # already last


def test_list_editor_adds_removes_and_moves_table_rows(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = PaperModel([Paper(n, 1) for n in "ABC"])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    editor = ListEditor(view, lambda: model.add("D"), "Thêm", "Xóa", move_texts=("Lên", "Xuống"))
    assert editor.up_button is not None and editor.down_button is not None

    editor.add_button.click()
    assert model.rowCount() == 4 and view.currentIndex().row() == 3
    editor.up_button.click()
    assert [model.row_at(r).name for r in range(4)] == ["A", "B", "D", "C"]
    assert view.currentIndex().row() == 2  # the moved row stays current

    view.selectRow(0)
    view.selectionModel().select(
        model.index(1, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
    )
    editor.remove_button.click()  # both selected rows
    assert [model.row_at(r).name for r in range(model.rowCount())] == ["D", "C"]


def test_list_editor_on_a_list_widget_without_move_buttons(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = QListWidget()
    qtbot.addWidget(widget)
    widget.addItems(["Tư pháp", "Địa chính"])

    def new_unit() -> QModelIndex:
        widget.addItem("Đơn vị mới")
        return widget.model().index(widget.count() - 1, 0)

    editor = ListEditor(widget, new_unit, "Thêm đơn vị", "Xóa", vertical=True)
    assert editor.up_button is None
    editor.add_button.click()
    assert widget.currentRow() == 2
    widget.setCurrentRow(0)
    editor.remove_button.click()
    assert [widget.item(i).text() for i in range(widget.count())] == ["Địa chính", "Đơn vị mới"]


def test_a_page_keeps_only_the_newest_answer(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    page = Page(services, TaskRunner(synchronous=True))
    qtbot.addWidget(page)
    shown: list[str] = []
    first = page.newest(shown.append)
    second = page.newest(shown.append)
    count = page.this_load(shown.append)
    first("cũ")  # answered after a newer load started: dropped
    second("mới")
    count("đếm")
    assert shown == ["mới", "đếm"]


def test_text_table_model_passes_the_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = TextTableModel(["Giấy tờ", "Số bản"], [["Tờ khai", "1"], ["Giấy chứng sinh", "2"]])
    qtmodeltester.check(model)
    assert model.index(1, 0).data(Role.ToolTipRole) == "Giấy chứng sinh"
    model.set_rows([["Sổ hộ khẩu", "1"]])
    assert model.rowCount() == 1 and model.index(0, 1).data() == "1"
