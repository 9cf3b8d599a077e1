"""Pieces of the dossier detail page: small read-only tables and label/value forms.

Kept apart from the page itself so the page holds only its layout and actions.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from tthc_desk.domain.dossier import Person
from tthc_desk.domain.text import format_date
from tthc_desk.ui.row_table_model import Cell, Column, ColumnTableModel


def _cell(column: int) -> Cell[Sequence[str]]:
    return lambda row: row[column]


class TextTableModel(ColumnTableModel[Sequence[str]]):
    """A small read-only table of strings (papers, corrections); a cell's tooltip is its text."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._rows = list(rows)
        self.set_columns(
            Column(_cell(i), tooltip=_cell(i), title=title) for i, title in enumerate(headers)
        )


def make_table(model: TextTableModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def person_rows(w: QWidget, p: Person) -> list[tuple[str, str]]:
    return [
        (w.tr("Họ và tên"), p.full_name),
        (w.tr("Số định danh"), p.id_number),
        (w.tr("Ngày sinh"), format_date(p.birth_date)),
        (w.tr("Điện thoại"), p.phone),
        (w.tr("Địa chỉ"), p.address),
        (w.tr("Email"), p.email),
    ]


def fill_form(form: QFormLayout, rows: list[tuple[str, str]]) -> None:
    while form.rowCount():
        form.removeRow(0)
    for label, value in rows:
        if not value:
            continue
        text = QLabel(value)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption = QLabel(label)
        caption.setStyleSheet("color: #5f6368;")
        form.addRow(caption, text)
