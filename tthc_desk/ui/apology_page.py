"""The apology letters page (Mẫu 04): every draft, signed and sent letter, and what to do next.

Drafts are made by the automatic scan (at start-up and every hour) or from a dossier's page. Here
the clerk completes a draft (reason, responsible unit, new appointment), the head of office signs
it ("Ký duyệt" numbers it in the year's register), the letters are printed together, and their
handing over or sending is recorded. A second re-appointment of one dossier is shown flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QWidget,
)

from tthc_desk.domain.access import Right
from tthc_desk.domain.lifecycle import ApologyLetter, LetterStatus
from tthc_desk.services.container import Services
from tthc_desk.ui.display import list_datetime, list_view, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import label
from tthc_desk.ui.page import Page, open_dialog
from tthc_desk.ui.print_preview import ReceiptDialog, open_pdf
from tthc_desk.ui.rights import allows, guard
from tthc_desk.ui.row_table_model import Column, ColumnTableModel, same
from tthc_desk.ui.tasks import TaskRunner
from tthc_desk.ui.view_place import ViewPlace

if TYPE_CHECKING:  # the dialogs are imported when first opened
    from tthc_desk.ui.apology_dialogs import LetterDialog

LETTER_ROLE = Qt.ItemDataRole.UserRole + 1
DRAFT_COLOR = QColor("#fff9c4")
OVERRIDE_COLOR = QColor("#c62828")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", QT_TRANSLATE_NOOP("LetterTableModel", "Số phiếu")),
    ("code", QT_TRANSLATE_NOOP("LetterTableModel", "Mã hồ sơ")),
    ("applicant", QT_TRANSLATE_NOOP("LetterTableModel", "Người nộp")),
    ("original", QT_TRANSLATE_NOOP("LetterTableModel", "Hẹn trả cũ")),
    ("proposed", QT_TRANSLATE_NOOP("LetterTableModel", "Hẹn lại")),
    ("reason", QT_TRANSLATE_NOOP("LetterTableModel", "Lý do")),
    ("unit", QT_TRANSLATE_NOOP("LetterTableModel", "Đơn vị chịu trách nhiệm")),
    ("status", QT_TRANSLATE_NOOP("LetterTableModel", "Trạng thái")),
    ("delivered", QT_TRANSLATE_NOOP("LetterTableModel", "Đã gửi")),
)
REASON_COLUMN = [key for key, _ in COLUMNS].index("reason")
# Widths of the columns, from a typical value (the reason column takes what is left).
COLUMN_SAMPLES = (
    "12/2026/PXL ⚑",
    "000.17.22.H56-260302-0001",
    "Nguyễn Thị Thu Hà",
    "02/03/2026 08:00",
    "02/03/2026 08:00",
    "",
    "Công chức Tư pháp - Hộ tịch",
    "Đã ký, chờ gửi",
    "02/03/2026 08:00 · Gọi điện thoại",
)


class LetterTableModel(ColumnTableModel[ApologyLetter]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = []
        self.set_keyed_columns(
            [(key, translate("LetterTableModel", title)) for key, title in COLUMNS],
            {
                "number": Column(
                    self._number_text,
                    tooltip=self._override_tip,
                    foreground=lambda x: QBrush(OVERRIDE_COLOR) if x.override else None,
                ),
                "code": Column(lambda x: x.dossier_code),
                "applicant": Column(lambda x: x.applicant_name),
                "original": Column(lambda x: list_datetime(x.original_due_at)),
                "proposed": Column(lambda x: list_datetime(x.proposed_due_at)),
                "reason": Column(lambda x: x.full_reason, tooltip=lambda x: x.full_reason),
                "unit": Column(lambda x: x.responsible_unit),
                "status": Column(lambda x: label(x.status)),
                "delivered": Column(_delivered_text),
            },
            row_roles={
                LETTER_ROLE: same,
                Qt.ItemDataRole.BackgroundRole: lambda x: (
                    QBrush(DRAFT_COLOR) if x.status is LetterStatus.DRAFT else None
                ),
            },
        )

    set_letters = ColumnTableModel.set_rows
    letter_at = ColumnTableModel.row_at

    def _number_text(self, x: ApologyLetter) -> str:
        if not x.number_text:
            return self.tr("(dự thảo)")
        return x.number_text + (" ⚑" if x.override else "")

    def _override_tip(self, x: ApologyLetter) -> str | None:
        if not x.override:
            return None
        return self.tr("Hẹn lại lần hai, lãnh đạo đồng ý: {0} ({1})").format(
            x.override_reason, x.override_by
        )


def _delivered_text(x: ApologyLetter) -> str:
    return f"{list_datetime(x.delivered_at)} · {x.delivery_method}" if x.delivered_at else ""


FILTERS: tuple[tuple[str, LetterStatus | None], ...] = (
    (QT_TRANSLATE_NOOP("ApologyPage", "Cần xử lý (dự thảo, chờ gửi)"), None),
    (QT_TRANSLATE_NOOP("ApologyPage", "Dự thảo"), LetterStatus.DRAFT),
    (QT_TRANSLATE_NOOP("ApologyPage", "Đã ký, chờ gửi"), LetterStatus.CONFIRMED),
    (QT_TRANSLATE_NOOP("ApologyPage", "Đã gửi"), LetterStatus.DELIVERED),
    (QT_TRANSLATE_NOOP("ApologyPage", "Tất cả"), None),
)


class ApologyPage(Page):
    """``letters_changed`` after any change, so the window recounts what needs attention."""

    letters_changed = Signal()

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, runner, parent)
        self.setObjectName("apologyPage")
        self.dialog: QDialog | None = None
        self.preview: ReceiptDialog | None = None

        self.title.setText(self.tr("Phiếu xin lỗi và hẹn lại ngày trả kết quả"))
        self.filter_combo = QComboBox()
        for text, _status in FILTERS:
            self.filter_combo.addItem(translate("ApologyPage", text))
        self.scan_button = QPushButton(self.tr("Lập dự thảo còn thiếu"))
        self.scan_button.setToolTip(
            self.tr(
                "Lập phiếu dự thảo cho mọi hồ sơ đã trễ hoặc sẽ đến hạn vào ngày làm việc kế tiếp "
                "mà chưa có phiếu"
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
            sizes=COLUMN_SAMPLES,
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
                "Chọn nhiều phiếu bằng Ctrl/Shift để in một lượt · Enter: sửa dự thảo, ghi nhận đã "
                "gửi"
            )
        )
        hint.setWordWrap(False)

        self.root.addLayout(top)
        self.root.addWidget(self.table, 1)
        self.root.addLayout(buttons)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(hint)
        self.root.addLayout(bottom)

        self.filter_combo.currentIndexChanged.connect(self.refresh)
        self.scan_button.clicked.connect(self.scan)
        self.edit_button.clicked.connect(self.edit_selected)
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.deliver_button.clicked.connect(self.deliver_selected)
        self.print_button.clicked.connect(self.print_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        self._scanning = False
        self.apply_rights()

    # -- loading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._load(self._on_letters_loaded)

    def refresh_live(self) -> None:
        """Another counter PC changed letters: the list again, the clerk's selection and scroll
        kept (a letter being edited is in its dialog, which is left alone)."""
        self._load(self._on_live_letters_loaded)

    def _on_live_letters_loaded(self, letters: list[ApologyLetter]) -> None:
        place = ViewPlace.take(self.table, self._id_at)
        self._on_letters_loaded(letters)
        place.restore(self.table, self._id_at)
        self._update_buttons()

    def _id_at(self, row: int) -> int:
        return self.model.letter_at(row).id

    def _load(self, on_letters: Callable[[list[ApologyLetter]], None]) -> None:
        index, apologies = self.filter_combo.currentIndex(), self._services.apologies
        status = FILTERS[index][1]

        def fetch() -> list[ApologyLetter]:
            letters = apologies.letters(status)
            if index == 0:  # what still needs work: drafts and signed letters not yet sent
                letters = [x for x in letters if x.status is not LetterStatus.DELIVERED]
            return sorted(
                letters, key=lambda x: (x.status is not LetterStatus.DRAFT, x.original_due_at)
            )

        self._runner.run(fetch, self.newest(on_letters), label=self.tr("Phiếu xin lỗi"))

    def _on_letters_loaded(self, letters: list[ApologyLetter]) -> None:
        chosen = {x.id for x in self.selected()}
        self.model.set_letters(letters)
        # The letters chosen before stay chosen; else the first row, so Enter, the buttons and
        # the arrow keys work at once on opening the page.
        rows = [r for r in range(self.model.rowCount()) if self._id_at(r) in chosen]
        if not rows and self.model.rowCount():
            rows = [0]
        if rows:
            self.select_rows(rows)
            self.table.selectionModel().setCurrentIndex(
                self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
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

    def apply_rights(self) -> None:
        """Clerks draft, edit and deliver letters; only the head of office signs them."""
        guard(self.scan_button, self._services.accounts, Right.DRAFT_LETTER, not self._scanning)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected()
        one = chosen[0] if len(chosen) == 1 else None
        draft = one is not None and one.status is LetterStatus.DRAFT
        accounts = self._services.accounts
        guard(self.edit_button, accounts, Right.DRAFT_LETTER, draft)
        guard(self.confirm_button, accounts, Right.SIGN_LETTER, draft)
        guard(
            self.deliver_button,
            accounts,
            Right.DRAFT_LETTER,
            one is not None and one.status is LetterStatus.CONFIRMED,
        )
        self.print_button.setEnabled(bool(chosen))
        guard(
            self.discard_button,
            accounts,
            Right.DRAFT_LETTER,
            bool(chosen) and all(x.status is LetterStatus.DRAFT for x in chosen),
        )

    # -- acting -------------------------------------------------------------------------------
    def scan(self) -> None:
        self._scanning = True
        self.scan_button.setEnabled(False)
        self._runner.run(
            self._services.apologies.scan,
            self._on_scanned,
            self._on_scan_failed,
            write=True,
            label=self.tr("Lập phiếu xin lỗi dự thảo"),
        )

    def _on_scanned(self, created: int) -> None:
        self._scanning = False
        self.apply_rights()
        self.count_label.setText(self.tr("Đã lập {0} phiếu dự thảo mới.").format(created))
        self.refresh()
        self.letters_changed.emit()

    def _on_scan_failed(self, exc: BaseException) -> None:
        self._scanning = False
        self.apply_rights()
        show_error(self, exc)

    def _open(self, make: Callable[[], LetterDialog]) -> LetterDialog:
        dialog = make()
        dialog.letter_saved.connect(self._on_dialog_letter_saved)
        self.dialog = open_dialog(dialog)
        return dialog

    def edit_selected(self) -> QDialog | None:
        from tthc_desk.ui.apology_dialogs import LetterEditDialog

        chosen = self.selected()
        if len(chosen) != 1 or not allows(self._services.accounts, Right.DRAFT_LETTER):
            return None
        return self._open(lambda: LetterEditDialog(self._services, self._runner, chosen[0], self))

    def confirm_selected(self) -> QDialog | None:
        from tthc_desk.ui.apology_dialogs import LetterConfirmDialog

        chosen = self.selected()
        if len(chosen) != 1 or not allows(self._services.accounts, Right.SIGN_LETTER):
            return None
        return self._open(
            lambda: LetterConfirmDialog(self._services, self._runner, chosen[0], self)
        )

    def deliver_selected(self) -> QDialog | None:
        from tthc_desk.ui.apology_dialogs import LetterDeliverDialog

        chosen = self.selected()
        if len(chosen) != 1 or not allows(self._services.accounts, Right.DRAFT_LETTER):
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
            label=self.tr("In phiếu xin lỗi"),
            form="apology",
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
                discard,
                lambda _n: self._after_change(),
                write=True,
                label=self.tr("Xóa phiếu dự thảo"),
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
