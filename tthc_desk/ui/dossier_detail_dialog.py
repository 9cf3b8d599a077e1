"""One dossier in full: what was received, from whom, which papers, and every correction.

From here the clerk reprints the receipt or corrects an intake mistake (with a reason; the old
and new values stay in the history shown at the bottom).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import Dossier, Person
from tthc_desk.domain.text import format_date, format_datetime, format_money
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import CORRECTABLE_FIELDS
from tthc_desk.ui.correction_dialog import CorrectionDialog
from tthc_desk.ui.display import ACCENT_COLOR, appointment_text, heading_font, muted_label
from tthc_desk.ui.print_preview import ReceiptDialog, open_receipt
from tthc_desk.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex


class TextTableModel(QAbstractTableModel):
    """A small read-only table of strings (papers, corrections)."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows = [list(r) for r in rows]

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self._rows[index.row()][index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None


def _table(model: TextTableModel, stretch: int) -> QTableView:
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


class DossierDetailDialog(QDialog):
    """Everything about one dossier; ``dossier_corrected`` after a saved correction."""

    dossier_corrected = Signal(object)

    def __init__(
        self, services: Services, runner: TaskRunner, code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dossierDetailDialog")
        self._services = services
        self._runner = runner
        self.dossier: Dossier = services.dossiers.get(code)
        self.correction_dialog: CorrectionDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.resize(1060, 820)

        self.code_label = QLabel()
        self.code_label.setFont(heading_font(self.font(), 1.6))
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setStyleSheet(
            f"color: white; background: {ACCENT_COLOR}; border-radius: 9px; padding: 2px 10px;"
        )
        self.due_label = QLabel()
        self.due_label.setFont(heading_font(self.font(), 1.15))
        self.due_label.setStyleSheet(f"color: {ACCENT_COLOR};")
        head = QHBoxLayout()
        head.addWidget(self.code_label)
        head.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)
        head.addWidget(self.due_label)

        self._dossier_form = QFormLayout()
        self._person_form = QFormLayout()
        for form in (self._dossier_form, self._person_form):
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            form.setVerticalSpacing(5)
            form.setHorizontalSpacing(12)
        dossier_box = QGroupBox(self.tr("Hồ sơ"))
        dossier_box.setLayout(self._dossier_form)
        person_box = QGroupBox(self.tr("Người nộp"))
        person_box.setLayout(self._person_form)
        columns = QHBoxLayout()
        columns.addWidget(dossier_box, 3)
        columns.addWidget(person_box, 2)

        self.papers_model = TextTableModel(
            [self.tr("Giấy tờ"), self.tr("Loại"), self.tr("Số lượng"), self.tr("Đã nộp")],
            parent=self,
        )
        self.history_model = TextTableModel(
            [
                self.tr("Thời điểm"),
                self.tr("Người sửa"),
                self.tr("Mục"),
                self.tr("Cũ → Mới"),
                self.tr("Lý do"),
            ],
            parent=self,
        )
        papers_box = QGroupBox(self.tr("Giấy tờ trong hồ sơ"))
        self.papers_view = _table(self.papers_model, 0)
        QVBoxLayout(papers_box).addWidget(self.papers_view)
        self.history_box = QGroupBox(self.tr("Lịch sử sửa thông tin"))
        history_layout = QVBoxLayout(self.history_box)
        self.history_empty = muted_label(self.tr("Chưa sửa lần nào."))
        self.history_view = _table(self.history_model, 4)
        history_layout.addWidget(self.history_empty)
        history_layout.addWidget(self.history_view)
        # Stacked, full width: the reason of a correction is the part worth reading.
        tables = QVBoxLayout()
        tables.addWidget(papers_box)
        tables.addWidget(self.history_box, 1)

        self.reprint_button = QPushButton(self.tr("In lại giấy tiếp nhận"))
        self.correct_button = QPushButton(self.tr("Sửa thông tin…"))
        self.close_button = QPushButton(self.tr("Đóng"))
        self.close_button.setDefault(True)
        for b in (self.reprint_button, self.correct_button):
            b.setAutoDefault(False)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.correct_button.clicked.connect(self._on_correct_button_clicked)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        root = QVBoxLayout(self)
        root.addLayout(head)
        root.addLayout(columns)
        root.addLayout(tables, 1)
        root.addLayout(buttons)
        self.show_dossier(self.dossier)

    # -- content ------------------------------------------------------------------------------
    def show_dossier(self, d: Dossier) -> None:
        self.dossier = d
        self.setWindowTitle(self.tr("Hồ sơ {0}").format(d.code))
        self.code_label.setText(d.code)
        self.status_label.setText(d.status.label)
        self.due_label.setText(self.tr("Hẹn trả: {0}").format(appointment_text(d.due_at)))
        _fill(
            self._dossier_form,
            [
                (self.tr("Thủ tục"), f"{d.procedure_code} – {d.procedure_name}"),
                (self.tr("Lĩnh vực"), d.field),
                (self.tr("Cơ quan giải quyết"), d.deciding_agency),
                (self.tr("Đơn vị xử lý"), d.handling_unit),
                (self.tr("Thời hạn giải quyết"), d.duration_text),
                (self.tr("Nhận lúc"), format_datetime(d.received_at)),
                (self.tr("Lý do nhập lùi"), d.backdate_reason),
                (self.tr("Hẹn trả"), appointment_text(d.due_at)),
                (self.tr("Lý do hẹn khác"), d.due_override_reason),
                (self.tr("Hình thức nộp"), d.channel.label),
                (
                    self.tr("Nhận kết quả"),
                    d.return_method.label + (f": {d.return_address}" if d.return_address else ""),
                ),
                (self.tr("Số bộ hồ sơ"), str(d.sets_count)),
                (
                    self.tr("Phí, lệ phí"),
                    format_money(d.fee_amount) if d.fee_amount else self.tr("Không thu"),
                ),
                (
                    self.tr("Sổ tiếp nhận"),
                    self.tr("Quyển {0}, số {1}").format(d.ledger_book, d.ledger_number),
                ),
                (self.tr("Cán bộ tiếp nhận"), d.clerk_name),
                (self.tr("Ghi chú"), d.note),
            ],
        )
        rows = _person_rows(self, d.applicant)
        if d.authorised is not None:
            rows += [
                (self.tr("Người được ủy quyền"), d.authorised.full_name),
                (self.tr("Số định danh"), d.authorised.id_number),
                (self.tr("Điện thoại"), d.authorised.phone),
            ]
        _fill(self._person_form, rows)
        self.papers_model.set_rows(
            [
                (
                    p.name,
                    p.kind.label,
                    str(p.count),
                    self.tr("Có") if p.provided else self.tr("Chưa nộp"),
                )
                for p in d.papers
            ]
        )
        self.history_model.set_rows(
            [
                (
                    format_datetime(c.at),
                    c.by,
                    CORRECTABLE_FIELDS.get(c.field, c.field),
                    f"{c.old_value or '(trống)'} → {c.new_value or '(trống)'}",
                    c.reason,
                )
                for c in d.corrections
            ]
        )
        rows = self.papers_model.rowCount()
        height = self.papers_view.horizontalHeader().height() + 6
        height += sum(self.papers_view.rowHeight(r) for r in range(rows)) or 28
        self.papers_view.setFixedHeight(min(height, 230))
        self.history_box.setTitle(self.tr("Lịch sử sửa thông tin ({0})").format(len(d.corrections)))
        self.history_empty.setVisible(not d.corrections)
        self.history_view.setVisible(bool(d.corrections))

    def history_rows(self) -> list[list[str]]:
        m = self.history_model
        return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]

    # -- actions ------------------------------------------------------------------------------
    def open_correction(self) -> CorrectionDialog:
        dialog = CorrectionDialog(self._services, self._runner, self.dossier, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.dossier_corrected.connect(self._on_correction_dossier_corrected)
        dialog.open()
        self.correction_dialog = dialog
        return dialog

    def _on_correct_button_clicked(self) -> None:
        self.open_correction()

    def _on_correction_dossier_corrected(self, dossier: Dossier) -> None:
        self.show_dossier(dossier)
        self.dossier_corrected.emit(dossier)

    def _on_reprint_button_clicked(self) -> None:
        open_receipt(self, self._services, self._runner, self.dossier.code, self._on_receipt_opened)

    def _on_receipt_opened(self, dialog: ReceiptDialog) -> None:
        self.receipt_dialog = dialog


def _person_rows(w: QWidget, p: Person) -> list[tuple[str, str]]:
    return [
        (w.tr("Họ và tên"), p.full_name),
        (w.tr("Số định danh"), p.id_number),
        (w.tr("Ngày sinh"), format_date(p.birth_date)),
        (w.tr("Điện thoại"), p.phone),
        (w.tr("Địa chỉ"), p.address),
        (w.tr("Email"), p.email),
    ]


def _fill(form: QFormLayout, rows: list[tuple[str, str]]) -> None:
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
