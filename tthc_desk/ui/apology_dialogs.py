"""The three small dialogs of an apology letter (Mẫu 04): edit the draft, sign it, record delivery.

- :class:`LetterEditDialog`: reason from the list plus free text, the unit responsible, the
  proposed new appointment; the signer (head of office) is shown, not edited here.
- :class:`LetterConfirmDialog`: "Ký duyệt" numbers the letter. A second re-appointment of the same
  dossier is refused by the service unless the head of office signs with an override reason;
  the refusal is shown inline under that reason.
- :class:`LetterDeliverDialog`: how and when the letter reached the applicant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import APOLOGY_REASONS, ApologyLetter
from tthc_desk.domain.text import format_datetime, nfc
from tthc_desk.services.apology_service import DELIVERY_METHODS, LetterEdit
from tthc_desk.services.container import Services
from tthc_desk.ui.display import error_label, heading_font, muted_label, with_error
from tthc_desk.ui.errors import FieldErrors, show_error
from tthc_desk.ui.move_dialogs import moment_edit, unit_combo
from tthc_desk.ui.tasks import TaskRunner


class _LetterDialog(QDialog):
    """Shared frame: a title, the letter's summary, a form, inline errors, OK/Cancel."""

    letter_saved = Signal(object)  # ApologyLetter
    NAME, TITLE, OK_TEXT = "letterDialog", "", ""

    def __init__(
        self, services: Services, runner: TaskRunner, letter: ApologyLetter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(self.NAME)
        title, ok_text = self.tr(self.TITLE), self.tr(self.OK_TEXT)
        self.services = services
        self.runner = runner
        self.letter = letter
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        heading = QLabel(title)
        heading.setFont(heading_font(self.font(), 1.3))
        summary = muted_label(
            self.tr("Hồ sơ {0} · {1} · hẹn trả {2}").format(
                letter.dossier_code, letter.applicant_name, format_datetime(letter.original_due_at)
            )
        )
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors = FieldErrors(self.build(self.form))
        self.general_error = error_label()
        self.ok_button = QPushButton(ok_text)
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Hủy"))
        self.cancel_button.setAutoDefault(False)
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)
        root = QVBoxLayout(self)
        root.addWidget(heading)
        root.addWidget(summary)
        root.addLayout(self.form)
        root.addWidget(self.general_error)
        root.addLayout(buttons)

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        raise NotImplementedError

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def submit(self) -> None:
        self.errors.clear()
        self.general_error.hide()
        self.ok_button.setEnabled(False)
        self.runner.run(self.work(), self._on_done, self._on_failed, write=True, label="Phiếu xin lỗi")

    def _on_ok_button_clicked(self) -> None:
        self.submit()

    def _on_done(self, letter: ApologyLetter) -> None:
        self.letter = letter
        self.letter_saved.emit(letter)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            show_error(self, exc)
            return
        self.errors.show(exc)
        rest = list(self.errors.unmatched.values()) or ([] if exc.field_messages() else [exc.message])
        if rest:
            self.general_error.setText("\n".join(rest))
            self.general_error.show()


class LetterEditDialog(_LetterDialog):
    NAME, TITLE, OK_TEXT = "letterEditDialog", "Phiếu xin lỗi và hẹn lại", "Lưu dự thảo"

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        x = self.letter
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_combo.addItems([self.tr(r) for r in APOLOGY_REASONS])
        self.reason_combo.setCurrentText(x.reason)
        box, reason_error = with_error(self.reason_combo)
        form.addRow(self.tr("Lý do chậm"), box)
        self.detail_edit = QLineEdit(x.reason_detail)
        self.detail_edit.setPlaceholderText(self.tr("Nói rõ thêm (không bắt buộc)"))
        form.addRow(self.tr("Chi tiết"), self.detail_edit)
        self.unit_combo = unit_combo(list(self.services.settings.office().units), x.responsible_unit)
        form.addRow(self.tr("Đơn vị chịu trách nhiệm"), self.unit_combo)
        self.proposed_edit = moment_edit(x.proposed_due_at)
        box, proposed_error = with_error(self.proposed_edit)
        form.addRow(self.tr("Hẹn lại trả kết quả"), box)
        signer = f"{x.signer_prefix}\n{x.signer_title}\n{x.signer_name}".strip()
        form.addRow(self.tr("Người ký"), QLabel(signer))
        return {"reason": (self.reason_combo, reason_error), "proposed_due_at": (self.proposed_edit, proposed_error)}

    def edit(self) -> LetterEdit:
        return LetterEdit(
            reason=nfc(self.reason_combo.currentText()),
            reason_detail=nfc(self.detail_edit.text()),
            responsible_unit=nfc(self.unit_combo.currentText()),
            proposed_due_at=self.proposed_edit.dateTime().toPython().replace(second=0, microsecond=0),
        )

    def work(self) -> Callable[[], Any]:
        letter_id, edit, apologies = self.letter.id, self.edit(), self.services.apologies
        return lambda: apologies.update_draft(letter_id, edit)


class LetterConfirmDialog(_LetterDialog):
    NAME, TITLE, OK_TEXT = "letterConfirmDialog", "Ký duyệt phiếu xin lỗi", "Ký duyệt"

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        x = self.letter
        form.addRow(self.tr("Lý do"), QLabel(x.full_reason))
        form.addRow(self.tr("Hẹn lại"), QLabel(format_datetime(x.proposed_due_at)))
        office = self.services.settings.office()
        heads = [m.name for m in self.services.settings.staff() if m.role == "head"]
        self.by_combo = QComboBox()
        self.by_combo.setEditable(True)
        self.by_combo.addItems(list(dict.fromkeys([office.head_name, *heads, self.services.settings.current_clerk()])))
        form.addRow(self.tr("Người ký duyệt"), self.by_combo)
        self.override_edit = QLineEdit()
        self.override_edit.setPlaceholderText(self.tr("Chỉ khi hẹn lại lần thứ hai: lý do lãnh đạo đồng ý"))
        box, override_error = with_error(self.override_edit)
        form.addRow(self.tr("Hẹn lại lần hai"), box)
        return {"override": (self.override_edit, override_error)}

    def work(self) -> Callable[[], Any]:
        letter_id, apologies = self.letter.id, self.services.apologies
        by, override = nfc(self.by_combo.currentText()), nfc(self.override_edit.text())
        return lambda: apologies.confirm(letter_id, by, override)


class LetterDeliverDialog(_LetterDialog):
    NAME, TITLE, OK_TEXT = "letterDeliverDialog", "Ghi nhận đã gửi phiếu", "Ghi nhận"

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        form.addRow(self.tr("Phiếu số"), QLabel(self.letter.number_text))
        self.method_combo = QComboBox()
        self.method_combo.setEditable(True)
        self.method_combo.addItems([self.tr(m) for m in DELIVERY_METHODS])
        box, method_error = with_error(self.method_combo)
        form.addRow(self.tr("Cách gửi"), box)
        self.at_edit = moment_edit(self.services.clock.now())
        box, at_error = with_error(self.at_edit)
        form.addRow(self.tr("Thời điểm"), box)
        return {"method": (self.method_combo, method_error), "at": (self.at_edit, at_error)}

    def work(self) -> Callable[[], Any]:
        letter_id, apologies = self.letter.id, self.services.apologies
        method = nfc(self.method_combo.currentText())
        at = self.at_edit.dateTime().toPython().replace(second=0, microsecond=0)
        return lambda: apologies.deliver(letter_id, method, at)
