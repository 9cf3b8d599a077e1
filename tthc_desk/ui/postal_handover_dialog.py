"""Making a handover list (DANH SÁCH BÀN GIAO) for the post office, with a barcode scanner.

The chosen results are listed; the clerk sticks the post's label on each envelope and scans it.
A scanner types like a keyboard and ends with Enter: the number goes to the current row
(highlighted) and the cursor moves to the next row without a number. A number already scanned
in this dialog or already recorded on another list is refused on the spot, in red under the
field, and the field is cleared for a rescan. Clicking a row makes it the current one (to
correct a number). ``Lập danh sách`` makes the list in one call (all items or none); the dialog
then shows its number and offers the two-copy print preview and the Excel file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import NotFoundError, ValidationError
from tthc_desk.domain.postal import (
    PostalBatch,
    PostalItem,
    normalise_waybill,
    s10_warning,
    waybill_problem,
)
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.services.container import Services
from tthc_desk.ui.display import error_label, heading_font, muted_label
from tthc_desk.ui.errors import show_error
from tthc_desk.ui.postal_models import HANDOVER_KEYS, HandoverTableModel
from tthc_desk.ui.print_preview import ReceiptDialog, open_pdf
from tthc_desk.ui.tasks import TaskRunner

SUCCESS_STYLE = (
    "background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; padding: 8px; "
    "color: #1b5e20;"
)
# Widths of the list's columns, from a typical value; the current row is bold and its empty
# waybill cell says "◀ quét số hiệu" (the address column takes what is left).
HANDOVER_SAMPLES = (
    "TT",
    "000.17.22.H56-260302-0001",
    "Nguyễn Thị Hồng Nhung",
    "0912345678",
    "",
    "◀ quét số hiệu EB",
)


def open_batch_pdf(
    parent: QWidget,
    services: Services,
    runner: TaskRunner,
    number: str,
    on_open: Callable[[ReceiptDialog], None],
    *,
    label: str,
) -> None:
    """The preview of handover list ``number``, two copies (one for each side)."""
    postal = services.postal
    open_pdf(
        parent,
        runner,
        lambda: postal.batch_pdf(number, copies=2),
        title=QCoreApplication.translate("postal", "Danh sách bàn giao số {0}").format(number),
        file_name=f"danh-sach-ban-giao-{number.replace('/', '-')}.pdf",
        output_dir=services.paths.output_dir,
        on_open=on_open,
        label=label,
        form="postal_handover",
    )


class ScanEdit(QLineEdit):
    """A line edit for a barcode scanner: Enter emits ``scanned`` and goes no further (it must
    not press the dialog's default button)."""

    scanned = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.scanned.emit(self.text())
            return
        super().keyPressEvent(event)


class PostalHandoverDialog(QDialog):
    """``batch_created(PostalBatch)`` once the list is made."""

    batch_created = Signal(object)

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        items: list[PostalItem],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("postalHandoverDialog")
        self._services = services
        self._runner = runner
        self.batch: PostalBatch | None = None
        self.preview: ReceiptDialog | None = None
        self.setWindowTitle(self.tr("Lập danh sách bàn giao cho bưu điện"))
        self.resize(1100, 640)

        title = QLabel(self.tr("Danh sách bàn giao kết quả cho bưu điện"))
        title.setFont(heading_font(self.font(), 1.3))
        self.summary_label = muted_label()
        self.model = HandoverTableModel(items, self)
        self.table = QTableView()
        self.table.setObjectName("handoverTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the keyboard stays in the scan field
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        bold = self.table.font()
        bold.setBold(True)  # the current row is bold: size the columns for it
        metrics = QFontMetrics(bold)
        for col, sample in enumerate(HANDOVER_SAMPLES):
            if sample:
                self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 20)
        self.table.horizontalHeader().setSectionResizeMode(
            HANDOVER_KEYS.index("address"), QHeaderView.ResizeMode.Stretch
        )
        self.table.clicked.connect(self._on_table_clicked)

        self.waybill_edit = ScanEdit()
        self.waybill_edit.setObjectName("waybillScan")
        self.waybill_edit.setPlaceholderText(
            self.tr("Quét mã vạch trên bưu gửi (hoặc gõ rồi Enter)")
        )
        self.waybill_edit.setMinimumWidth(360)
        self.waybill_edit.scanned.connect(self._on_waybill_edit_scanned)
        self.waybill_error = error_label()
        self.waybill_error.setObjectName("waybillError")
        self.waybill_note = muted_label()
        self.waybill_note.hide()
        self.clear_button = QPushButton(self.tr("Xóa số hiệu dòng này"))
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.employee_edit = QLineEdit()
        self.employee_edit.setPlaceholderText(
            self.tr("Họ tên nhân viên bưu chính nhận (không bắt buộc)")
        )
        self.employee_edit.setMinimumWidth(360)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.waybill_edit)
        scan_row.addWidget(self.clear_button)
        scan_row.addStretch(1)
        scan_box = QVBoxLayout()
        scan_box.setSpacing(2)
        scan_box.addLayout(scan_row)
        scan_box.addWidget(self.waybill_error)
        scan_box.addWidget(self.waybill_note)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.current_label = QLabel()
        self.current_label.setObjectName("currentRowLabel")
        form.addRow(self.tr("Dòng đang quét"), self.current_label)
        form.addRow(self.tr("Số hiệu bưu gửi"), scan_box)
        form.addRow(self.tr("Nhân viên bưu chính"), self.employee_edit)

        self.general_error = error_label()
        self.general_error.setObjectName("generalError")
        self.done_label = QLabel()
        self.done_label.setObjectName("batchDone")
        self.done_label.setWordWrap(True)
        self.done_label.setStyleSheet(SUCCESS_STYLE)
        self.done_label.hide()

        self.create_button = QPushButton(self.tr("Lập danh sách"))
        self.create_button.setObjectName("createBatchButton")
        self.create_button.setStyleSheet(
            "QPushButton#createBatchButton { font-weight: bold; padding: 4px 16px; }"
        )
        self.print_button = QPushButton(self.tr("In danh sách (2 bản)…"))
        self.excel_button = QPushButton(self.tr("Xuất Excel…"))
        self.close_button = QPushButton(self.tr("Hủy"))
        for b in (
            self.clear_button,
            self.create_button,
            self.print_button,
            self.excel_button,
            self.close_button,
        ):
            b.setAutoDefault(False)
            b.setDefault(False)
        self.print_button.hide()
        self.excel_button.hide()
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.excel_button.clicked.connect(self._on_excel_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.excel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.close_button)

        root = QVBoxLayout(self)
        root.addWidget(title)
        root.addWidget(self.summary_label)
        root.addWidget(self.table, 1)
        root.addLayout(form)
        root.addWidget(self.general_error)
        root.addWidget(self.done_label)
        root.addLayout(buttons)
        self._go_to(0)
        self.waybill_edit.setFocus()

    # -- scanning -----------------------------------------------------------------------------
    def current_row(self) -> int:
        return self.model.current

    def scan(self, raw: str) -> bool:
        """What Enter in the scan field does: record ``raw`` on the current row; False (and a
        red message, the field cleared for a rescan) when it is refused."""
        number = normalise_waybill(raw)
        self.waybill_note.clear()
        self.waybill_note.hide()
        if not number:
            return False
        row = self.model.current
        problem = waybill_problem(number)
        if problem is None:
            other = self.model.row_with(number)
            if other is not None and other != row:
                problem = self.tr(
                    "Số hiệu bưu gửi {0} đã quét cho dòng {1} (hồ sơ {2}) trong danh sách này: "
                    "quét lại bưu gửi khác."
                ).format(number, other + 1, self.model.item_at(other).dossier_code)
        if problem is None:
            problem = self._recorded_problem(number)
        self.waybill_edit.clear()
        if problem is not None:
            self.waybill_error.setText(problem)
            self.waybill_error.show()
            return False
        self.waybill_error.hide()
        self.model.set_waybill(row, number)
        if warning := s10_warning(number):
            self.waybill_note.setText(warning)
            self.waybill_note.show()
        following = self.model.next_empty(row)
        if following is None:
            self.waybill_note.setText(
                "\n".join(
                    filter(
                        None,
                        (
                            self.waybill_note.text(),
                            self.tr("Đã có số hiệu cho mọi dòng: bấm “Lập danh sách”."),
                        ),
                    )
                )
            )
            self.waybill_note.show()
        else:
            self._go_to(following)
        self._update_summary()
        return True

    def _recorded_problem(self, number: str) -> str | None:
        """A waybill is unique across every list. One indexed look-up: quick enough to answer
        before the next envelope is scanned, so it runs here rather than on a worker."""
        try:
            item = self._services.postal.item(number)
        except NotFoundError:
            return None
        return self.tr(
            "Số hiệu bưu gửi {0} đã ghi cho hồ sơ {1} (danh sách {2}): quét lại."
        ).format(number, item.dossier_code, item.batch_number)

    def _go_to(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        self.model.set_current(row)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        x = self.model.item_at(row)
        self.current_label.setText(
            self.tr("{0}. {1} · {2}").format(row + 1, x.dossier_code, x.recipient_name)
        )
        self._update_summary()

    def _update_summary(self) -> None:
        total, done = self.model.rowCount(), len(self.model.waybills())
        self.summary_label.setText(
            self.tr(
                "{0} hồ sơ · đã có số hiệu {1}/{0}. Dòng chưa có số hiệu thì nhân viên bưu chính "
                "ghi tay trên bản in."
            ).format(total, done)
        )

    def _on_waybill_edit_scanned(self, text: str) -> None:
        self.scan(text)

    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.batch is None:
            self._go_to(index.row())
            self.waybill_edit.setFocus()

    def _on_clear_button_clicked(self) -> None:
        self.model.set_waybill(self.model.current, "")
        self._update_summary()
        self.waybill_edit.setFocus()

    # -- making the list ----------------------------------------------------------------------
    def create_batch(self) -> None:
        codes, waybills = self.model.codes(), self.model.waybills()
        employee = collapse_spaces(self.employee_edit.text())
        postal = self._services.postal
        self.general_error.hide()
        self.create_button.setEnabled(False)
        self._runner.run(
            lambda: postal.create_batch(codes, waybills=waybills, postal_employee=employee),
            self._on_batch_created,
            self._on_batch_failed,
            write=True,
            label=self.tr("Lập danh sách bàn giao"),
        )

    def _on_create_button_clicked(self) -> None:
        self.create_batch()

    def _on_batch_created(self, batch: PostalBatch) -> None:
        self.batch = batch
        missing = batch.missing_waybills
        text = self.tr(
            "Đã lập danh sách bàn giao số {0} gồm {1} hồ sơ; các kết quả được ghi là đã trả qua "
            "bưu chính."
        ).format(batch.number_text, len(batch.items))
        if missing:
            text += " " + self.tr(
                "Còn {0} bưu gửi chưa có số hiệu: ghi sau bằng “Ghi số hiệu…”."
            ).format(missing)
        self.done_label.setText(text)
        self.done_label.show()
        for w in (self.waybill_edit, self.clear_button, self.employee_edit):
            w.setEnabled(False)
        self.create_button.hide()
        self.print_button.show()
        self.excel_button.show()
        self.close_button.setText(self.tr("Đóng"))
        self.setWindowTitle(self.tr("Danh sách bàn giao số {0}").format(batch.number_text))
        self.batch_created.emit(batch)
        self.print_list()

    def _on_batch_failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            show_error(self, exc)
            return
        lines = [exc.message, *(p.message for p in exc.problems if p.message != exc.message)]
        self.general_error.setText("\n".join(lines))
        self.general_error.show()

    def print_list(self) -> None:
        """The two-copy preview (one copy for each side), with print and save."""
        if self.batch is None:
            return
        open_batch_pdf(
            self,
            self._services,
            self._runner,
            self.batch.number_text,
            self._on_preview_opened,
            label=self.tr("In danh sách bàn giao"),
        )

    def export_excel(self, path: Path | None = None) -> None:
        """Write the list as .xlsx to ``path``, or ask where."""
        if self.batch is None:
            return
        number = self.batch.number_text
        if path is None:
            suggested = (
                self._services.paths.output_dir
                / f"danh-sach-ban-giao-{number.replace('/', '-')}.xlsx"
            )
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Xuất Excel"), str(suggested), self.tr("Tệp Excel (*.xlsx)")
            )
            if not chosen:
                return
            path = Path(chosen)
            if path.suffix.lower() != ".xlsx":
                path = path.with_suffix(".xlsx")
        target, postal = path, self._services.postal
        self._runner.run(
            lambda: postal.write_batch_list(number, target),
            self._on_excel_written,
            lambda exc: show_error(self, exc),
            label=self.tr("Xuất danh sách bàn giao"),
        )

    def _on_excel_written(self, path: Path) -> None:
        self.done_label.setText(
            self.done_label.text().split("\n")[0]
            + "\n"
            + self.tr("Đã xuất Excel: {0}").format(path)
        )

    def _on_print_button_clicked(self) -> None:
        self.print_list()

    def _on_excel_button_clicked(self) -> None:
        self.export_excel()

    def _on_close_button_clicked(self) -> None:
        if self.batch is None:
            self.reject()
        else:
            self.accept()

    def _on_preview_opened(self, dialog: ReceiptDialog) -> None:
        self.preview = dialog
