"""Editing one procedure of the catalog, with its list of required papers.

The checks mirror those of a catalog workbook row (code like ``1.001193``, a name and a field, a
positive duration unless "trong ngày", papers with a name and a count), so a procedure typed here
is never one the Excel import would refuse.
"""

from __future__ import annotations

from PySide6.QtCore import (
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import NotFoundError, ProblemCollector, TthcError, ValidationError
from tthc_desk.domain.procedure import (
    Duration,
    DurationUnit,
    PaperKind,
    Procedure,
    is_valid_procedure_code,
)
from tthc_desk.domain.text import collapse_spaces
from tthc_desk.services.container import Services
from tthc_desk.ui.catalog_models import PaperTableModel
from tthc_desk.ui.display import dialog_buttons, with_error
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.labels import label, labels_of
from tthc_desk.ui.list_editor import ListEditor, edited_table
from tthc_desk.ui.widgets import MoneyEdit


class ProcedureEditorDialog(QDialog):
    """Add (``procedure=None``) or edit one procedure; saves through the catalog service."""

    procedure_saved = Signal(str)

    def __init__(
        self, services: Services, procedure: Procedure | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._original = procedure
        self.setWindowTitle(
            self.tr("Thêm thủ tục")
            if procedure is None
            else self.tr("Sửa thủ tục {0}").format(procedure.code)
        )
        self.setMinimumSize(760, 640)
        inputs: dict[str, tuple[QWidget, QLabel]] = {}

        def row(key: str, widget: QWidget) -> QWidget:
            box, error = with_error(widget)
            inputs[key] = (widget, error)
            return box

        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(self.tr("Ví dụ: 1.001193"))
        self.code_edit.setMaximumWidth(160)
        self.name_edit = QLineEdit()
        self.field_combo = QComboBox()
        self.field_combo.setEditable(True)
        self.field_combo.addItems(services.catalog.fields())
        self.agency_edit = QLineEdit()
        self.agency_edit.setPlaceholderText(self.tr("Ví dụ: UBND phường"))
        self.unit_combo = QComboBox()
        self.unit_combo.setEditable(True)
        self.unit_combo.addItems(list(services.settings.office().units))
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(0, 999)
        self.unit_choice = QComboBox()
        for unit in DurationUnit:
            self.unit_choice.addItem(label(unit), unit.value)
        duration = QWidget()
        h = QHBoxLayout(duration)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.duration_spin)
        h.addWidget(self.unit_choice)
        h.addStretch(1)
        self.fee_edit = MoneyEdit()
        self.charge_edit = MoneyEdit()
        for money in (self.fee_edit, self.charge_edit):
            money.setMaximumWidth(160)
        self.postal_check = QCheckBox(self.tr("Trả kết quả qua bưu chính công ích"))
        self.online_check = QCheckBox(self.tr("Nhận hồ sơ trực tuyến"))
        self.active_check = QCheckBox(self.tr("Đang áp dụng"))

        self.paper_model = PaperTableModel((), self)
        self.paper_view = edited_table(
            self.paper_model,
            stretch=PaperTableModel.NAME,
            widths={PaperTableModel.KIND: 150, PaperTableModel.COUNT: 80},
            choices=(PaperTableModel.KIND, [(k.value, text) for k, text in labels_of(PaperKind)]),
        )
        self.paper_editor = ListEditor(
            self.paper_view,
            lambda: self.paper_model.add_paper(),
            self.tr("Thêm giấy tờ"),
            self.tr("Xóa"),
            move_texts=(self.tr("Lên"), self.tr("Xuống")),
        )

        form = QFormLayout()
        form.addRow(self.tr("Mã thủ tục"), row("code", self.code_edit))
        form.addRow(self.tr("Tên thủ tục"), row("name", self.name_edit))
        form.addRow(self.tr("Lĩnh vực"), row("field", self.field_combo))
        form.addRow(self.tr("Cơ quan giải quyết"), row("deciding_agency", self.agency_edit))
        form.addRow(self.tr("Đơn vị xử lý"), row("handling_unit", self.unit_combo))
        form.addRow(self.tr("Thời hạn giải quyết"), row("duration", duration))
        form.addRow(self.tr("Phí"), row("fee", self.fee_edit))
        form.addRow(self.tr("Lệ phí"), row("charge", self.charge_edit))
        flags = QHBoxLayout()
        for check in (self.postal_check, self.online_check, self.active_check):
            flags.addWidget(check)
        flags.addStretch(1)
        form.addRow("", flags)

        self.buttons, self.save_button, self.cancel_button = dialog_buttons(
            self, self.tr("Lưu"), self.tr("Hủy")
        )

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Thành phần hồ sơ")))
        layout.addWidget(row("papers", self.paper_view), 1)
        layout.addLayout(self.paper_editor.buttons_layout)
        layout.addWidget(self.buttons)
        self.errors = FieldErrors(inputs)

        self.unit_choice.currentIndexChanged.connect(self._on_unit_choice_current_index_changed)
        self._load(procedure)

    # -- loading and collecting ---------------------------------------------------------------
    def _load(self, p: Procedure | None) -> None:
        if p is None:
            for combo in (self.field_combo, self.unit_combo):
                combo.setCurrentIndex(-1)
                combo.setEditText("")
            self.unit_choice.setCurrentIndex(
                self.unit_choice.findData(DurationUnit.WORKING_DAYS.value)
            )
            self.duration_spin.setValue(1)
            self.postal_check.setChecked(True)
            self.active_check.setChecked(True)
            self.code_edit.setFocus()
            return
        self.code_edit.setText(p.code)
        self.code_edit.setReadOnly(True)  # the code is the procedure's identity in every dossier
        self.name_edit.setText(p.name)
        self.field_combo.setCurrentText(p.field)
        self.agency_edit.setText(p.deciding_agency)
        self.unit_combo.setCurrentText(p.handling_unit)
        self.unit_choice.setCurrentIndex(self.unit_choice.findData(p.duration.unit.value))
        self.duration_spin.setValue(p.duration.value)
        self.fee_edit.setValue(p.fee)
        self.charge_edit.setValue(p.charge)
        self.postal_check.setChecked(p.postal_return)
        self.online_check.setChecked(p.online)
        self.active_check.setChecked(p.active)
        self.paper_model = PaperTableModel(p.papers, self)
        self.paper_view.setModel(self.paper_model)
        self.name_edit.setFocus()

    def procedure(self) -> Procedure:
        """The procedure as typed (not yet checked)."""
        unit = DurationUnit(self.unit_choice.currentData())
        value = 0 if unit is DurationUnit.SAME_DAY else self.duration_spin.value()
        return Procedure(
            code=collapse_spaces(self.code_edit.text()),
            name=collapse_spaces(self.name_edit.text()),
            field=collapse_spaces(self.field_combo.currentText()),
            deciding_agency=collapse_spaces(self.agency_edit.text()),
            handling_unit=collapse_spaces(self.unit_combo.currentText()),
            duration=Duration(value, unit),
            fee=self.fee_edit.value(),
            charge=self.charge_edit.value(),
            postal_return=self.postal_check.isChecked(),
            online=self.online_check.isChecked(),
            papers=self.paper_model.papers(),
            active=self.active_check.isChecked(),
            id=self._original.id if self._original else None,
        )

    def check(self, p: Procedure) -> None:
        problems = ProblemCollector()
        if not p.code:
            problems.add(self.tr("Chưa nhập mã thủ tục."), field="code")
        elif not is_valid_procedure_code(p.code):
            problems.add(
                self.tr("Mã thủ tục có dạng 1.001193 (một chữ số, dấu chấm, sáu chữ số)."),
                field="code",
            )
        elif self._original is None and self._exists(p.code):
            problems.add(self.tr("Mã {0} đã có trong danh mục.").format(p.code), field="code")
        if not p.name:
            problems.add(self.tr("Chưa nhập tên thủ tục."), field="name")
        if not p.field:
            problems.add(self.tr("Chưa nhập lĩnh vực."), field="field")
        if p.duration.unit is not DurationUnit.SAME_DAY and p.duration.value < 1:
            problems.add(
                self.tr("Thời hạn phải lớn hơn 0 (hoặc chọn “trong ngày”)."), field="duration"
            )
        for number, paper in enumerate(p.papers, start=1):
            if not paper.name:
                problems.add(self.tr("Giấy tờ thứ {0} chưa có tên.").format(number), field="papers")
            elif paper.count < 1:
                problems.add(
                    self.tr("Số lượng của “{0}” phải từ 1 trở lên.").format(paper.name),
                    field="papers",
                )
        problems.raise_if_any(self.tr("Thủ tục chưa hợp lệ."))

    def _exists(self, code: str) -> bool:
        try:
            self._services.catalog.get(code)
        except NotFoundError:
            return False
        return True

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> bool:
        p = self.procedure()
        try:
            self.check(p)
            self._services.catalog.save(p)
        except ValidationError as exc:
            bad = self.errors.show(exc)
            if bad is not None:
                bad.setFocus()
            if self.errors.unmatched:
                show_error(self, exc)
            return False
        except TthcError as exc:
            show_error(self, exc)
            return False
        self.errors.clear()
        self.procedure_saved.emit(p.code)
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()

    # -- slots --------------------------------------------------------------------------------
    def _on_unit_choice_current_index_changed(self, _index: int) -> None:
        same_day = self.unit_choice.currentData() == DurationUnit.SAME_DAY.value
        self.duration_spin.setEnabled(not same_day)
