"""The papers of a dossier as a checklist: what the procedure requires, ticked when handed in.

One row per paper: a check box with its name, its kind (original, certified copy, photocopy) and
how many. Unticking a paper records it as not provided (it still prints as missing); "Thêm giấy
tờ khác" adds a row for a paper the catalog does not list. Rows are ordinary widgets in a grid,
so Tab walks through them and Space ticks, with no mouse needed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import PaperItem
from tthc_desk.domain.procedure import PaperKind, RequiredPaper
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.ui.display import muted_label
from tthc_desk.ui.labels import label


@dataclass
class _Row:
    check: QCheckBox
    kind: QComboBox
    count: QSpinBox
    name_edit: QLineEdit | None = None  # only for papers added at the counter
    remove: QToolButton | None = None
    holder: QWidget | None = None  # the cell holding check box and name of an extra paper

    def widgets(self) -> list[QWidget]:
        out: list[QWidget] = [self.check, self.kind, self.count]
        if self.name_edit is not None:
            out.insert(1, self.name_edit)
        if self.remove is not None:
            out.append(self.remove)
        return out

    def name(self) -> str:
        if self.name_edit is not None:
            return collapse_spaces(self.name_edit.text())
        return self.check.property("paper_name") or ""


class PaperChecklist(QWidget):
    """Required papers of the chosen procedure, plus extra ones; ``papers()`` reads them back."""

    papers_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._next_grid_row = 1  # grid rows are never reused: removed rows leave no gap
        self.empty_note = muted_label(self.tr("Chọn thủ tục để hiện danh sách giấy tờ phải nộp."))
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(3)
        self._grid.setColumnStretch(0, 1)
        for col, text in enumerate(
            (self.tr("Giấy tờ (bỏ đánh dấu nếu chưa nộp)"), self.tr("Loại"), self.tr("Số lượng"))
        ):
            header = QLabel(f"<b>{text}</b>")
            self._grid.addWidget(header, 0, col)
        self.add_button = QPushButton(self.tr("+ Thêm giấy tờ khác"))
        self.add_button.setObjectName("addPaperButton")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.empty_note)
        layout.addLayout(self._grid)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_button)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        self._sync_empty()

    # -- public -------------------------------------------------------------------------------
    def set_required(self, papers: tuple[RequiredPaper, ...]) -> None:
        self.clear()
        for p in papers:
            self._add_row(p.name, p.kind, p.count, extra=False)
        self._sync_empty()

    def add_extra(
        self, name: str = "", kind: PaperKind = PaperKind.PHOTOCOPY, count: int = 1
    ) -> QLineEdit:
        row = self._add_row(name, kind, count, extra=True)
        self._sync_empty()
        assert row.name_edit is not None
        return row.name_edit

    def papers(self) -> tuple[PaperItem, ...]:
        """Every row with a name; an empty extra row is ignored rather than refused."""
        out = []
        for row in self._rows:
            name = row.name()
            if not name:
                continue
            kind = PaperKind(row.kind.currentData())
            out.append(PaperItem(name, kind, row.count.value(), row.check.isChecked()))
        return tuple(out)

    def row_count(self) -> int:
        return len(self._rows)

    def row_widgets(self, index: int) -> list[QWidget]:
        return self._rows[index].widgets()

    def first_input(self) -> QWidget:
        return self._rows[0].check if self._rows else self.add_button

    def clear(self) -> None:
        for row in self._rows:
            self._discard(row)
        self._rows = []
        self._next_grid_row = 1
        self._sync_empty()
        self.papers_changed.emit()

    # -- rows ---------------------------------------------------------------------------------
    def _add_row(self, name: str, kind: PaperKind, count: int, *, extra: bool) -> _Row:
        check = QCheckBox("" if extra else name)
        check.setChecked(True)
        check.setProperty("paper_name", name)
        if not extra:
            check.setToolTip(self.tr("Bỏ đánh dấu nếu người nộp chưa có giấy tờ này"))
        kind_box = QComboBox()
        for k in PaperKind:
            kind_box.addItem(label(k), k.value)
        kind_box.setCurrentIndex(kind_box.findData(kind.value))
        count_box = QSpinBox()
        count_box.setRange(1, 99)
        count_box.setValue(max(1, count))
        count_box.setSuffix(self.tr(" bản"))
        row = _Row(check, kind_box, count_box)
        r = self._next_grid_row
        self._next_grid_row += 1
        if extra:
            row.name_edit = QLineEdit(name)
            row.name_edit.setPlaceholderText(self.tr("Tên giấy tờ khác"))
            row.remove = QToolButton()
            row.remove.setText("✕")
            row.remove.setToolTip(self.tr("Bỏ dòng này"))
            row.remove.setAccessibleName(self.tr("Bỏ dòng này"))
            row.remove.clicked.connect(lambda _=False, rw=row: self._remove_row(rw))
            row.holder = QWidget()
            cell = QHBoxLayout(row.holder)
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(4)
            cell.addWidget(check)
            cell.addWidget(row.name_edit, 1)
            self._grid.addWidget(row.holder, r, 0)
            self._grid.addWidget(row.remove, r, 3)
            row.name_edit.textEdited.connect(self.papers_changed)
        else:
            self._grid.addWidget(check, r, 0)
        self._grid.addWidget(kind_box, r, 1)
        self._grid.addWidget(count_box, r, 2)
        check.toggled.connect(
            lambda on, cb=count_box, kb=kind_box: self._on_check_toggled(on, cb, kb)
        )
        kind_box.currentIndexChanged.connect(self.papers_changed)
        count_box.valueChanged.connect(self.papers_changed)
        self._rows.append(row)
        # Keep Tab in reading order even for rows added later (after the add button).
        self._fix_tab_order()
        self.papers_changed.emit()
        return row

    def _remove_row(self, row: _Row) -> None:
        if row not in self._rows:
            return
        index = self._rows.index(row)
        self._discard(row)
        self._rows.remove(row)
        self._sync_empty()
        self._fix_tab_order()
        target = (
            self._rows[min(index, len(self._rows) - 1)].check if self._rows else self.add_button
        )
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.papers_changed.emit()

    def _discard(self, row: _Row) -> None:
        parts: list[QWidget] = [row.holder or row.check, row.kind, row.count]
        if row.remove is not None:
            parts.append(row.remove)
        for w in parts:
            self._grid.removeWidget(w)
            w.hide()
            w.deleteLater()

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [w for row in self._rows for w in row.widgets()] + [self.add_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _on_check_toggled(self, on: bool, count_box: QSpinBox, kind_box: QComboBox) -> None:
        count_box.setEnabled(on)
        kind_box.setEnabled(on)
        self.papers_changed.emit()

    def _on_add_button_clicked(self) -> None:
        edit = self.add_extra()
        edit.setFocus(Qt.FocusReason.TabFocusReason)

    def _sync_empty(self) -> None:
        self.empty_note.setVisible(not self._rows)
        for col in range(3):
            item = self._grid.itemAtPosition(0, col)
            header = item.widget() if item is not None else None
            if header is not None:
                header.setVisible(bool(self._rows))
