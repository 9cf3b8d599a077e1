"""The three small dialogs of an apology letter (Mẫu 04): edit the draft, sign it, record delivery.

- :class:`LetterEditDialog`: reason from the list plus free text, the unit responsible, the
  proposed new appointment; the signer (head of office) is shown, not edited here.
- :class:`LetterConfirmDialog`: "Ký duyệt" numbers the letter under the name of the head of
  office logged in (shown, not chosen). A second re-appointment of the same dossier is refused by
  the service unless the signer, holding the right to approve it, gives an override reason; the
  refusal is shown inline under that reason (the reason is asked only of who may give it).
- :class:`LetterDeliverDialog`: how and when the letter reached the applicant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from tthc_desk.domain.access import Right
from tthc_desk.domain.lifecycle import APOLOGY_REASONS, ApologyLetter
from tthc_desk.domain.text import format_datetime, nfc
from tthc_desk.services.apology_service import DELIVERY_METHODS, LetterEdit
from tthc_desk.services.container import Services
from tthc_desk.ui.display import form_field, minute_of
from tthc_desk.ui.form_dialog import Fields, FormDialog
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP
from tthc_desk.ui.move_form import moment_edit, unit_combo
from tthc_desk.ui.rights import allows
from tthc_desk.ui.tasks import TaskRunner


class LetterDialog(FormDialog):
    """Shared frame with the letter's summary; ``letter_saved`` with the service's answer."""

    letter_saved = Signal(object)  # ApologyLetter
    NAME, TITLE, OK_TEXT = "letterDialog", "", ""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        letter: ApologyLetter,
        parent: QWidget | None = None,
    ) -> None:
        self.letter = letter  # build() reads it
        summary = QCoreApplication.translate(
            "LetterDialog", "Hồ sơ {0} · {1} · hẹn trả {2}"
        ).format(
            letter.dossier_code, letter.applicant_name, format_datetime(letter.original_due_at)
        )
        title = QCoreApplication.translate("LetterDialog", self.TITLE)
        super().__init__(
            services,
            runner,
            title,
            summary,
            parent,
            ok_text=QCoreApplication.translate("LetterDialog", self.OK_TEXT),
        )
        self.setObjectName(self.NAME)
        self.setMinimumWidth(600)

    def done_with(self, result: Any) -> None:
        self.letter = result
        self.letter_saved.emit(result)


class LetterEditDialog(LetterDialog):
    NAME = "letterEditDialog"
    TITLE = QT_TRANSLATE_NOOP("LetterDialog", "Phiếu xin lỗi và hẹn lại")
    OK_TEXT = QT_TRANSLATE_NOOP("LetterDialog", "Lưu dự thảo")

    def build(self, form: QFormLayout) -> Fields:
        x = self.letter
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_combo.addItems([self.tr(r) for r in APOLOGY_REASONS])
        self.reason_combo.setCurrentText(x.reason)
        reason = form_field(form, self.tr("Lý do chậm"), self.reason_combo)
        self.detail_edit = QLineEdit(x.reason_detail)
        self.detail_edit.setPlaceholderText(self.tr("Nói rõ thêm (không bắt buộc)"))
        form.addRow(self.tr("Chi tiết"), self.detail_edit)
        self.unit_combo = unit_combo(
            list(self.services.settings.office().units), x.responsible_unit
        )
        form.addRow(self.tr("Đơn vị chịu trách nhiệm"), self.unit_combo)
        self.proposed_edit = moment_edit(x.proposed_due_at)
        proposed = form_field(form, self.tr("Hẹn lại trả kết quả"), self.proposed_edit)
        signer = f"{x.signer_prefix}\n{x.signer_title}\n{x.signer_name}".strip()
        form.addRow(self.tr("Người ký"), QLabel(signer))
        return {"reason": reason, "proposed_due_at": proposed}

    def edit(self) -> LetterEdit:
        return LetterEdit(
            reason=nfc(self.reason_combo.currentText()),
            reason_detail=nfc(self.detail_edit.text()),
            responsible_unit=nfc(self.unit_combo.currentText()),
            proposed_due_at=minute_of(self.proposed_edit),
        )

    def work(self) -> Callable[[], Any]:
        letter_id, edit, apologies = self.letter.id, self.edit(), self.services.apologies
        return lambda: apologies.update_draft(letter_id, edit)


class LetterConfirmDialog(LetterDialog):
    NAME = "letterConfirmDialog"
    TITLE = QT_TRANSLATE_NOOP("LetterDialog", "Ký duyệt phiếu xin lỗi")
    OK_TEXT = QT_TRANSLATE_NOOP("LetterDialog", "Ký duyệt")

    def build(self, form: QFormLayout) -> Fields:
        x = self.letter
        form.addRow(self.tr("Lý do"), QLabel(x.full_reason))
        form.addRow(self.tr("Hẹn lại"), QLabel(format_datetime(x.proposed_due_at)))
        signer = self.services.accounts.current
        self.signer_label = QLabel(signer.full_name if signer is not None else "")
        self.signer_label.setObjectName("signer")
        form.addRow(self.tr("Người ký duyệt"), self.signer_label)
        self.override_edit = QLineEdit()
        self.override_edit.setPlaceholderText(
            self.tr("Chỉ khi hẹn lại lần thứ hai: lý do lãnh đạo đồng ý")
        )
        self.can_override = allows(self.services.accounts, Right.APPROVE_EXTENSION)
        if not self.can_override:
            self.override_edit.hide()
            return {}
        return {"override": form_field(form, self.tr("Hẹn lại lần hai"), self.override_edit)}

    def work(self) -> Callable[[], Any]:
        letter_id, apologies = self.letter.id, self.services.apologies
        override = nfc(self.override_edit.text()) if self.can_override else ""
        return lambda: apologies.confirm(letter_id, override_reason=override)


class LetterDeliverDialog(LetterDialog):
    NAME = "letterDeliverDialog"
    TITLE = QT_TRANSLATE_NOOP("LetterDialog", "Ghi nhận đã gửi phiếu")
    OK_TEXT = QT_TRANSLATE_NOOP("LetterDialog", "Ghi nhận")

    def build(self, form: QFormLayout) -> Fields:
        form.addRow(self.tr("Phiếu số"), QLabel(self.letter.number_text))
        self.method_combo = QComboBox()
        self.method_combo.setEditable(True)
        self.method_combo.addItems([self.tr(m) for m in DELIVERY_METHODS])
        method = form_field(form, self.tr("Cách gửi"), self.method_combo)
        self.at_edit = moment_edit(self.services.clock.now())
        return {"method": method, "at": form_field(form, self.tr("Thời điểm"), self.at_edit)}

    def work(self) -> Callable[[], Any]:
        letter_id, apologies = self.letter.id, self.services.apologies
        method = nfc(self.method_combo.currentText())
        at = minute_of(self.at_edit)
        return lambda: apologies.deliver(letter_id, method, at)
