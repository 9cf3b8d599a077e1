"""The papers of a dossier as a checklist: what the procedure requires, ticked when handed in.

One row per paper: a check box with its name, its kind (original, certified copy, photocopy) and
how many. Unticking a paper records it as not provided (it still prints as missing); "Thêm giấy
tờ khác" adds a row for a paper the catalog does not list. Rows are ordinary widgets in a grid,
so Tab walks through them and Space ticks, with no mouse needed.

Digitising (issue 15, :mod:`tthc_desk.ui.paper_scans`): each row's "Số hóa…" button, Ctrl+D on
the row that has the focus, or files dropped anywhere on the row ask the page for a scan of that
paper (``scan_requested(row)``, ``files_dropped(row, paths)``); the page hands the PDF back with
:meth:`PaperChecklist.set_scan`. :meth:`PaperChecklist.offer_copies` puts the applicant's earlier
copies under the rows whose paper they are. :meth:`PaperChecklist.scans` and
:meth:`PaperChecklist.reuses` say what goes with the dossier, by the paper's line on the saved
checklist (1-based, as the attachment service counts).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import PaperItem
from tthc_desk.domain.procedure import PaperKind, RequiredPaper
from tthc_desk.domain.scans import EarlierCopy, ScannedPdf, Validity
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.scanning.pages import PageRef
from tthc_desk.ui.display import muted_label
from tthc_desk.ui.labels import label
from tthc_desk.ui.paper_scans import SCAN_KEY, ReuseOffer, ScanButton, copy_text, paper_key


def _local_files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


@dataclass
class _Row:
    check: QCheckBox
    kind: QComboBox
    count: QSpinBox
    scan: ScanButton
    reuse: ReuseOffer
    name_edit: QLineEdit | None = None  # only for papers added at the counter
    remove: QToolButton | None = None
    holder: QWidget | None = None  # the cell holding check box and name of an extra paper
    pdf: ScannedPdf | None = None  # the scan to attach once the dossier is saved
    pages: tuple[PageRef, ...] = ()  # what it was made of: a scan redone starts from them

    def widgets(self) -> list[QWidget]:
        out: list[QWidget] = [self.check, self.kind, self.count, self.scan, self.reuse.check]
        if self.name_edit is not None:
            out.insert(1, self.name_edit)
        if self.remove is not None:
            out.append(self.remove)
        return out

    def parts(self) -> list[QWidget]:
        """The widgets laid in the grid (a drop on any of them is a drop on the row)."""
        return [self.holder or self.check, self.kind, self.count, self.scan, self.reuse] + (
            [self.remove] if self.remove is not None else []
        )

    def name(self) -> str:
        if self.name_edit is not None:
            return collapse_spaces(self.name_edit.text())
        return self.check.property("paper_name") or ""


class PaperChecklist(QWidget):
    """Required papers of the chosen procedure, plus extra ones; ``papers()`` reads them back."""

    papers_changed = Signal()
    #: A paper's line asks for its scan: its row index.
    scan_requested = Signal(int)
    #: Files dropped on a paper's line: its row index, the files.
    files_dropped = Signal(int, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._copies: list[EarlierCopy] = []
        #: The question asked before an expired copy is reused (None until asked).
        self.expired_box: QMessageBox | None = None
        self.setAcceptDrops(True)
        self._next_grid_row = 1  # grid rows are never reused: removed rows leave no gap
        self.empty_note = muted_label(self.tr("Chọn thủ tục để hiện danh sách giấy tờ phải nộp."))
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(3)
        self._grid.setColumnStretch(0, 1)
        for col, text in enumerate(
            (
                self.tr("Giấy tờ (bỏ đánh dấu nếu chưa nộp)"),
                self.tr("Loại"),
                self.tr("Số lượng"),
                self.tr("Bản số hóa"),
            )
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
        self.scan_shortcut = QShortcut(QKeySequence(SCAN_KEY), self)
        self.scan_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.scan_shortcut.activated.connect(self._on_scan_shortcut_activated)
        self._sync_empty()

    # -- public -------------------------------------------------------------------------------
    def set_required(self, papers: tuple[RequiredPaper, ...]) -> None:
        self.clear()
        for p in papers:
            self._add_row(p.name, p.kind, p.count, extra=False)
        self._sync_empty()
        self._match_copies()

    def add_extra(
        self, name: str = "", kind: PaperKind = PaperKind.PHOTOCOPY, count: int = 1
    ) -> QLineEdit:
        row = self._add_row(name, kind, count, extra=True)
        self._sync_empty()
        if name:
            self._match_copies()
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

    def row_name(self, index: int) -> str:
        return self._rows[index].name()

    def scan_pages(self, index: int) -> list[PageRef]:
        """The pages row ``index``'s scan was made of that are still there (a scan redone)."""
        return [ref for ref in self._rows[index].pages if ref.path.exists()]

    def scan_button(self, index: int) -> ScanButton:
        return self._rows[index].scan

    def reuse_offer(self, index: int) -> ReuseOffer:
        return self._rows[index].reuse

    def focused_row(self) -> int | None:
        """The row whose input has the focus (None when none has)."""
        focus = QApplication.focusWidget()
        for i, row in enumerate(self._rows):
            if any(w is focus or w.isAncestorOf(focus) for w in row.parts() if focus):
                return i
        return None

    # -- digitising ---------------------------------------------------------------------------
    def set_scan(self, index: int, pdf: ScannedPdf | None, pages: Sequence[PageRef] = ()) -> None:
        """Row ``index``'s scan (None: none) and the pages it was made of; a scanned paper is
        one handed in, and a new scan replaces the reuse of an earlier copy."""
        row = self._rows[index]
        row.pdf, row.pages = pdf, tuple(pages)
        row.scan.show_scan(pdf)
        if pdf is not None:
            row.check.setChecked(True)
            row.reuse.check.setChecked(False)
        self.papers_changed.emit()

    def offer_copies(self, copies: Sequence[EarlierCopy]) -> None:
        """The applicant's earlier copies (newest first): each row whose paper is among them
        offers the newest one."""
        self._copies = list(copies)
        self._match_copies()

    def _match_copies(self) -> None:
        newest: dict[str, EarlierCopy] = {}
        for earlier in self._copies:
            newest.setdefault(paper_key(earlier.paper_name), earlier)
        for row in self._rows:
            row.reuse.offer(newest.get(paper_key(row.name())) if row.pdf is None else None)
            if row.reuse.ticked() is not None:
                row.check.setChecked(True)
        self._fix_tab_order()

    def _numbered(self) -> list[tuple[int, _Row]]:
        """Rows as lines of the saved checklist (1-based; rows with no name are not saved)."""
        named = [row for row in self._rows if row.name()]
        return list(enumerate(named, start=1))

    def scans(self) -> dict[int, ScannedPdf]:
        """The scans to attach, by the paper's line on the saved checklist."""
        return {no: row.pdf for no, row in self._numbered() if row.pdf is not None}

    def reuses(self) -> dict[int, EarlierCopy]:
        """The earlier copies to reuse, by the paper's line on the saved checklist."""
        out = {}
        for no, row in self._numbered():
            copy = row.reuse.ticked()
            if copy is not None and row.pdf is None:
                out[no] = copy
        return out

    def _on_reuse_clicked(self, row: _Row, on: bool) -> None:
        copy = row.reuse.copy
        if on and copy is not None and copy.validity is Validity.EXPIRED:
            row.reuse.check.setChecked(False)  # only once the clerk says so
            self._ask_reuse_expired(row, copy)
            return
        if on:
            row.check.setChecked(True)
        self.papers_changed.emit()

    def _ask_reuse_expired(self, row: _Row, copy: EarlierCopy) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Bản số hóa đã hết hiệu lực"),
            self.tr(
                "Bản “{0}” ({1}) đã hết thời hạn sử dụng. Thông thường cần yêu cầu người nộp "
                "nộp bản mới.\nVẫn dùng lại bản đã hết hiệu lực này?"
            ).format(row.name(), copy_text(copy)),
            parent=self,
        )
        use = box.addButton(self.tr("Vẫn dùng lại"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Không dùng lại"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.buttonClicked.connect(lambda button: self._on_expired_answered(row, button is use))
        self.expired_box = box
        box.open()

    def _on_expired_answered(self, row: _Row, reuse: bool) -> None:
        if row in self._rows and reuse:
            row.reuse.check.setChecked(True)
            row.check.setChecked(True)
            self.papers_changed.emit()

    def _on_scan_shortcut_activated(self) -> None:
        index = self.focused_row()
        if index is not None:
            self.scan_requested.emit(index)

    # -- drops on a row -----------------------------------------------------------------------
    def row_at(self, pos: QPoint) -> int | None:
        """The row under ``pos`` (this widget's coordinates)."""
        for i, row in enumerate(self._rows):
            area = QRect()
            for w in row.parts():
                if w.isVisible():
                    area = area.united(w.geometry())
            if area.top() - 2 <= pos.y() <= area.bottom() + 2:
                return i
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _local_files(event) and self.row_at(event.position().toPoint()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_files(event)
        index = self.row_at(event.position().toPoint())
        if not paths or index is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(index, paths)

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
        for inner in count_box.findChildren(QLineEdit):
            inner.setAcceptDrops(False)  # a file dropped here is a scan of the row's paper
        row = _Row(check, kind_box, count_box, ScanButton(), ReuseOffer())
        r = self._next_grid_row
        self._next_grid_row += 2  # the paper's line, then the offer of an earlier copy
        if extra:
            row.name_edit = QLineEdit(name)
            row.name_edit.setAcceptDrops(False)
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
            self._grid.addWidget(row.remove, r, 4)
            row.name_edit.textEdited.connect(self.papers_changed)
            row.name_edit.editingFinished.connect(self._match_copies)
        else:
            self._grid.addWidget(check, r, 0)
        self._grid.addWidget(kind_box, r, 1)
        self._grid.addWidget(count_box, r, 2)
        self._grid.addWidget(row.scan, r, 3)
        self._grid.addWidget(row.reuse, r + 1, 0, 1, 4)
        row.scan.clicked.connect(lambda _=False, rw=row: self._request_scan(rw))
        row.reuse.clicked_by_clerk.connect(lambda on, rw=row: self._on_reuse_clicked(rw, on))
        check.toggled.connect(lambda on, rw=row: self._on_check_toggled(on, rw))
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

    def _request_scan(self, row: _Row) -> None:
        if row in self._rows:
            self.scan_requested.emit(self._rows.index(row))

    def _discard(self, row: _Row) -> None:
        for w in row.parts():
            self._grid.removeWidget(w)
            w.hide()
            w.deleteLater()

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [w for row in self._rows for w in row.widgets()] + [self.add_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _on_check_toggled(self, on: bool, row: _Row) -> None:
        row.count.setEnabled(on)
        row.kind.setEnabled(on)
        if not on:  # a paper not handed in is not a reused one either
            row.reuse.check.setChecked(False)
        self.papers_changed.emit()

    def _on_add_button_clicked(self) -> None:
        edit = self.add_extra()
        edit.setFocus(Qt.FocusReason.TabFocusReason)

    def _sync_empty(self) -> None:
        self.empty_note.setVisible(not self._rows)
        for col in range(4):
            item = self._grid.itemAtPosition(0, col)
            header = item.widget() if item is not None else None
            if header is not None:
                header.setVisible(bool(self._rows))
