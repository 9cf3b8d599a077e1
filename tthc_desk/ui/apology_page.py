"""The apology letters page (Mẫu 04): every draft, signed and sent letter, and what to do next.

Drafts are made by the automatic scan (at start-up and every hour) or from a dossier's page. Here
the clerk completes a draft (reason, responsible unit, new appointment), the head of office signs
it ("Ký duyệt" numbers it in the year's register), the letters are printed together, and their
handing over or sending is recorded. A second re-appointment of one dossier is shown flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.lifecycle import ApologyLetter, LetterStatus
from tthc_desk.services.container import Services
from tthc_desk.ui.display import heading_font, list_datetime, list_view, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.print_preview import ReceiptDialog, open_pdf
from tthc_desk.ui.row_table_model import Index, RowTableModel
from tthc_desk.ui.tasks import TaskRunner

LETTER_ROLE = Qt.ItemDataRole.UserRole + 1
DRAFT_COLOR = QColor("#fff9c4")
OVERRIDE_COLOR = QColor("#c62828")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "Số phiếu"),
    ("code", "Mã hồ sơ"),
    ("applicant", "Người nộp"),
    ("original", "Hẹn trả cũ"),
    ("proposed", "Hẹn lại"),
    ("reason", "Lý do"),
    ("unit", "Đơn vị chịu trách nhiệm"),
    ("status", "Trạng thái"),
    ("delivered", "Đã gửi"),
)
REASON_COLUMN = [key for key, _ in COLUMNS].index("reason")


class LetterTableModel(RowTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ApologyLetter] = []
        self._headers = tuple(self.tr(title) for _, title in COLUMNS)

    set_letters = RowTableModel.set_rows
    letter_at = RowTableModel.row_at

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        x: ApologyLetter | None = self.item(index)
        if x is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(x, key)
        if role == LETTER_ROLE:
            return x
        if role == Qt.ItemDataRole.BackgroundRole and x.status is LetterStatus.DRAFT:
            return QBrush(DRAFT_COLOR)
        if role == Qt.ItemDataRole.ForegroundRole and key == "number" and x.override:
            return QBrush(OVERRIDE_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "number" and x.override:
                return self.tr("Hẹn lại lần hai, lãnh đạo đồng ý: {0} ({1})").format(
                    x.override_reason, x.override_by
                )
            if key == "reason":
                return x.full_reason
        return None

    def _display(self, x: ApologyLetter, key: str) -> str:
        if key == "number":
            return (
                x.number_text + (" ⚑" if x.override else "")
                if x.number_text
                else self.tr("(dự thảo)")
            )
        if key == "code":
            return x.dossier_code
        if key == "applicant":
            return x.applicant_name
        if key == "original":
            return list_datetime(x.original_due_at)
        if key == "proposed":
            return list_datetime(x.proposed_due_at)
        if key == "reason":
            return x.full_reason
        if key == "unit":
            return x.responsible_unit
        if key == "status":
            return x.status.label
        if key == "delivered":
            return (
                f"{list_datetime(x.delivered_at)} · {x.delivery_method}" if x.delivered_at else ""
            )
        return ""


FILTERS: tuple[tuple[str, LetterStatus | None], ...] = (
    ("Cần xử lý (dự thảo, chờ gửi)", None),
    ("Dự thảo", LetterStatus.DRAFT),
    ("Đã ký, chờ gửi", LetterStatus.CONFIRMED),
    ("Đã gửi", LetterStatus.DELIVERED),
    ("Tất cả", None),
)


class ApologyPage(QWidget):
    """``letters_changed`` after any change, so the window recounts what needs attention."""

    letters_changed = Signal()

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("apologyPage")
        self._services = services
        self._runner = runner
        self._generation = 0
        self.dialog: QDialog | None = None
        self.preview: ReceiptDialog | None = None

        title = QLabel(self.tr("Phiếu xin lỗi và hẹn lại ngày trả kết quả"))
        title.setFont(heading_font(self.font(), 1.5))
        self.filter_combo = QComboBox()
        for text, _status in FILTERS:
            self.filter_combo.addItem(self.tr(text))
        self.scan_button = QPushButton(self.tr("Lập dự thảo còn thiếu"))
        self.scan_button.setToolTip(
            self.tr(
                "Lập phiếu dự thảo cho mọi hồ sơ đã trễ hoặc sẽ đến hạn vào ngày làm việc kế tiếp mà chưa có phiếu"
            )
        )
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Hiện:")))
        top.addWidget(self.filter_combo)
        top.addStretch(1)
        top.addWidget(self.scan_button)

        self.model = LetterTableModel(self)
        self.table = list_view(
            "letterTable",
            self.model,
            multi=True,
            sizes=(
                "12/2026/PXL ⚑",
                "000.17.22.H56-260302-0001",
                "Nguyễn Thị Thu Hà",
                "02/03/2026 08:00",
                "02/03/2026 08:00",
                "",
                "Công chức Tư pháp - Hộ tịch",
                "Đã ký, chờ gửi",
                "02/03/2026 08:00 · Gọi điện thoại",
            ),
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(REASON_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.edit_button = QPushButton(self.tr("Sửa dự thảo…"))
        self.confirm_button = QPushButton(self.tr("Ký duyệt…"))
        self.deliver_button = QPushButton(self.tr("Ghi nhận đã gửi…"))
        self.print_button = QPushButton(self.tr("In các phiếu đã chọn"))
        self.discard_button = QPushButton(self.tr("Xóa dự thảo"))
        buttons = QHBoxLayout()
        for b in (self.edit_button, self.confirm_button, self.deliver_button, self.print_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        self.count_label = muted_label()
        hint = muted_label(
            self.tr(
                "Chọn nhiều phiếu bằng Ctrl/Shift để in một lượt · Enter: sửa dự thảo, ghi nhận đã gửi"
            )
        )
        hint.setWordWrap(False)

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        root.setSpacing(8)
        root.addWidget(title)
        root.addLayout(top)
        root.addWidget(self.table, 1)
        root.addLayout(buttons)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(hint)
        root.addLayout(bottom)

        self.filter_combo.currentIndexChanged.connect(self.refresh)
        self.scan_button.clicked.connect(self.scan)
        self.edit_button.clicked.connect(self.edit_selected)
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.deliver_button.clicked.connect(self.deliver_selected)
        self.print_button.clicked.connect(self.print_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._generation += 1
        generation, index, apologies = (
            self._generation,
            self.filter_combo.currentIndex(),
            self._services.apologies,
        )
        status = FILTERS[index][1]

        def fetch() -> list[ApologyLetter]:
            letters = apologies.letters(status)
            if index == 0:  # what still needs work: drafts and signed letters not yet sent
                letters = [x for x in letters if x.status is not LetterStatus.DELIVERED]
            return sorted(
                letters, key=lambda x: (x.status is not LetterStatus.DRAFT, x.original_due_at)
            )

        self._runner.run(
            fetch,
            lambda letters: self._on_letters_loaded(generation, letters),
            label="Phiếu xin lỗi",
        )

    def _on_letters_loaded(self, generation: int, letters: list[ApologyLetter]) -> None:
        if generation != self._generation:
            return
        self.model.set_letters(letters)
        drafts = sum(x.status is LetterStatus.DRAFT for x in letters)
        self.count_label.setText(
            self.tr("{0} phiếu, trong đó {1} dự thảo").format(len(letters), drafts)
        )
        self._update_buttons()

    def selected(self) -> list[ApologyLetter]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.letter_at(r) for r in rows]

    def select_rows(self, rows: list[int]) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for r in rows:
            self.table.selectRow(r)
        self.table.setSelectionMode(mode)

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected()
        one = chosen[0] if len(chosen) == 1 else None
        self.edit_button.setEnabled(one is not None and one.status is LetterStatus.DRAFT)
        self.confirm_button.setEnabled(one is not None and one.status is LetterStatus.DRAFT)
        self.deliver_button.setEnabled(one is not None and one.status is LetterStatus.CONFIRMED)
        self.print_button.setEnabled(bool(chosen))
        self.discard_button.setEnabled(
            bool(chosen) and all(x.status is LetterStatus.DRAFT for x in chosen)
        )

    # -- acting -------------------------------------------------------------------------------
    def scan(self) -> None:
        self.scan_button.setEnabled(False)
        self._runner.run(
            self._services.apologies.scan,
            self._on_scanned,
            self._on_scan_failed,
            write=True,
            label="Lập phiếu xin lỗi dự thảo",
        )

    def _on_scanned(self, created: int) -> None:
        self.scan_button.setEnabled(True)
        self.count_label.setText(self.tr("Đã lập {0} phiếu dự thảo mới.").format(created))
        self.refresh()
        self.letters_changed.emit()

    def _on_scan_failed(self, exc: BaseException) -> None:
        self.scan_button.setEnabled(True)
        show_error(self, exc)

    def _open(self, make: Callable[[], QDialog]) -> QDialog:
        dialog = make()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.letter_saved.connect(self._on_dialog_letter_saved)  # type: ignore[attr-defined]
        dialog.open()
        self.dialog = dialog
        return dialog

    def edit_selected(self) -> QDialog | None:
        from tthc_desk.ui.apology_dialogs import LetterEditDialog

        chosen = self.selected()
        if len(chosen) != 1:
            return None
        return self._open(lambda: LetterEditDialog(self._services, self._runner, chosen[0], self))

    def confirm_selected(self) -> QDialog | None:
        from tthc_desk.ui.apology_dialogs import LetterConfirmDialog

        chosen = self.selected()
        if len(chosen) != 1:
            return None
        return self._open(
            lambda: LetterConfirmDialog(self._services, self._runner, chosen[0], self)
        )

    def deliver_selected(self) -> QDialog | None:
        from tthc_desk.ui.apology_dialogs import LetterDeliverDialog

        chosen = self.selected()
        if len(chosen) != 1:
            return None
        return self._open(
            lambda: LetterDeliverDialog(self._services, self._runner, chosen[0], self)
        )

    def print_selected(self) -> None:
        ids = [x.id for x in self.selected()]
        if not ids:
            return
        apologies = self._services.apologies
        open_pdf(
            self,
            self._runner,
            lambda: apologies.pdf(ids),
            title=self.tr("Phiếu xin lỗi và hẹn lại ({0} phiếu)").format(len(ids)),
            file_name="phieu-xin-loi.pdf",
            output_dir=self._services.paths.output_dir,
            on_open=self._on_preview_opened,
            label="In phiếu xin lỗi",
        )

    def discard_selected(self) -> None:
        ids = [x.id for x in self.selected() if x.status is LetterStatus.DRAFT]
        apologies = self._services.apologies

        def discard() -> int:
            for i in ids:
                apologies.discard(i)
            return len(ids)

        if ids:
            self._runner.run(
                discard, lambda _n: self._after_change(), write=True, label="Xóa phiếu dự thảo"
            )

    def _after_change(self) -> None:
        self.refresh()
        self.letters_changed.emit()

    def _on_dialog_letter_saved(self, _letter: object) -> None:
        self._after_change()

    def _on_preview_opened(self, dialog: ReceiptDialog) -> None:
        self.preview = dialog

    def _on_table_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        x = self.model.letter_at(index.row())
        self.select_rows([index.row()])
        if x.status is LetterStatus.DRAFT:
            self.edit_selected()
        elif x.status is LetterStatus.CONFIRMED:
            self.deliver_selected()
