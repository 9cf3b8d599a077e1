"""The small dialogs of the public postal service: where the result goes (counter or post),
a waybill recorded after the handover, and what the post reports for one item.

Each asks only what its call needs and runs the postal service on the writer thread. A refusal
(an incomplete address, a duplicate waybill, a date before the handover) is shown inline under
the input it concerns, or above the buttons; on success the dialog emits its signal and closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from tthc_desk.domain.dossier import Dossier, ReturnMethod
from tthc_desk.domain.postal import OUTCOMES, PostalItem, PostalState
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.services.container import Services
from tthc_desk.ui.display import date_edit, form_field, muted_label, qdate, to_date
from tthc_desk.ui.form_dialog import Fields, FormDialog
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.intake_details import NO_POSTAL
from tthc_desk.ui.labels import label
from tthc_desk.ui.tasks import TaskRunner


class PostalDialog(FormDialog):
    """A postal dialog: the shared frame with a translated title."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        title: str,
        subtitle: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, runner, translate("PostalDialog", title), subtitle, parent)


class ReturnChoiceDialog(PostalDialog):
    """``Đổi nơi nhận kết quả``: at the counter, or by post to a recipient, address and phone."""

    return_changed = Signal(object)  # Dossier

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        dossier: Dossier,
        parent: QWidget | None = None,
    ) -> None:
        self.dossier = dossier
        self.postal_allowed = services.catalog.get(dossier.procedure_code).postal_return
        super().__init__(
            services,
            runner,
            QT_TRANSLATE_NOOP("PostalDialog", "Đổi nơi nhận kết quả"),
            f"{dossier.code} · {dossier.applicant.full_name} · {dossier.procedure_name}",
            parent,
        )
        self.setObjectName("returnChoiceDialog")
        self.setMinimumWidth(700)

    def build(self, form: QFormLayout) -> Fields:
        d = self.dossier
        self.counter_radio = QRadioButton(self.tr("Tại Bộ phận Một cửa"))
        self.postal_radio = QRadioButton(self.tr("Qua bưu chính công ích"))
        self.postal_radio.setEnabled(self.postal_allowed)
        self.postal_radio.setToolTip(
            "" if self.postal_allowed else translate("intake_details", NO_POSTAL)
        )
        group = QButtonGroup(self)
        group.addButton(self.counter_radio)
        group.addButton(self.postal_radio)
        choice = QWidget()
        box = QHBoxLayout(choice)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.counter_radio)
        box.addWidget(self.postal_radio)
        box.addStretch(1)
        method = form_field(form, self.tr("Nhận kết quả"), choice, self.postal_radio)
        default_name = d.authorised.full_name if d.authorised else d.applicant.full_name
        default_phone = (d.authorised.phone if d.authorised else "") or d.applicant.phone
        self.recipient_edit = QLineEdit(d.return_recipient or default_name)
        self.recipient_edit.setPlaceholderText(self.tr("Họ và tên người nhận"))
        self.phone_edit = QLineEdit(d.return_phone or default_phone)
        self.phone_edit.setPlaceholderText(self.tr("Ví dụ: 0912345678"))
        self.address_edit = QLineEdit(d.return_address or d.applicant.address)
        self.address_edit.setPlaceholderText(self.tr("Số nhà, đường/thôn, xã/phường, tỉnh"))
        self.address_edit.setMinimumWidth(400)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            self.tr("Ví dụ: người nộp đề nghị qua điện thoại (không bắt buộc)")
        )
        fields = {
            "return_method": method,
            "return_recipient": form_field(form, self.tr("Người nhận"), self.recipient_edit),
            "return_phone": form_field(form, self.tr("Điện thoại"), self.phone_edit),
            "return_address": form_field(form, self.tr("Địa chỉ nhận"), self.address_edit),
            "reason": form_field(form, self.tr("Lý do"), self.reason_edit),
        }
        self.postal_radio.toggled.connect(self._on_postal_radio_toggled)
        # Offer the other choice: that is what the clerk came here to change.
        if d.return_method is ReturnMethod.POSTAL or not self.postal_allowed:
            self.counter_radio.setChecked(True)
        else:
            self.postal_radio.setChecked(True)
        self._on_postal_radio_toggled(self.postal_radio.isChecked())
        return fields

    def method(self) -> ReturnMethod:
        return ReturnMethod.POSTAL if self.postal_radio.isChecked() else ReturnMethod.COUNTER

    def work(self) -> Callable[[], Any]:
        code, method = self.dossier.code, self.method()
        recipient, phone = (
            collapse_spaces(self.recipient_edit.text()),
            nfc(self.phone_edit.text()).strip(),
        )
        address, reason = (
            collapse_spaces(self.address_edit.text()),
            collapse_spaces(self.reason_edit.text()),
        )
        postal = self.services.postal
        return lambda: postal.set_return(
            code, method, recipient=recipient, address=address, phone=phone, reason=reason
        )

    def done_with(self, result: Any) -> None:
        self.return_changed.emit(result)

    def _on_postal_radio_toggled(self, postal: bool) -> None:
        for w in (self.recipient_edit, self.phone_edit, self.address_edit):
            w.setEnabled(postal)


class WaybillDialog(PostalDialog):
    """``Ghi số hiệu…``: the waybill of an item on a list, typed or scanned (Enter records)."""

    waybill_saved = Signal(object)  # PostalItem

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        item: PostalItem,
        parent: QWidget | None = None,
    ) -> None:
        self.item = item
        super().__init__(
            services,
            runner,
            QT_TRANSLATE_NOOP("PostalDialog", "Ghi số hiệu bưu gửi"),
            translate("PostalDialog", "{code} · {recipient} · danh sách {batch}").format(
                code=item.dossier_code, recipient=item.recipient_name, batch=item.batch_number
            ),
            parent,
        )
        self.setObjectName("waybillDialog")
        self.waybill_edit.setFocus()

    def build(self, form: QFormLayout) -> Fields:
        self.waybill_edit = QLineEdit(self.item.waybill)
        self.waybill_edit.setPlaceholderText(self.tr("Quét mã vạch hoặc gõ, ví dụ EB123456789VN"))
        self.waybill_edit.setMinimumWidth(300)
        return {"waybill": form_field(form, self.tr("Số hiệu bưu gửi"), self.waybill_edit)}

    def work(self) -> Callable[[], Any]:
        code, number, postal = (
            self.item.dossier_code,
            nfc(self.waybill_edit.text()),
            self.services.postal,
        )
        return lambda: postal.set_waybill(code, number)

    def done_with(self, result: Any) -> None:
        self.waybill_saved.emit(result)


class StatusUpdateDialog(PostalDialog):
    """``Cập nhật trạng thái…``: delivered, a failed attempt, or returned to the office, on a
    day."""

    item_updated = Signal(object)  # PostalItem

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        item: PostalItem,
        parent: QWidget | None = None,
    ) -> None:
        self.item = item
        self.today = services.clock.now().date()
        waybill = item.waybill or translate("PostalDialog", "chưa có số hiệu")
        super().__init__(
            services,
            runner,
            QT_TRANSLATE_NOOP("PostalDialog", "Cập nhật trạng thái bưu gửi"),
            f"{item.dossier_code} · {waybill} · {item.recipient_name}",
            parent,
        )
        self.setObjectName("statusUpdateDialog")

    def build(self, form: QFormLayout) -> Fields:
        self.state_combo = QComboBox()
        for state in OUTCOMES:
            self.state_combo.addItem(label(state), state.value)
        self.date_edit = date_edit(self.today)
        self.date_edit.setMaximumWidth(160)
        self.state_combo.setMaximumWidth(280)
        self.date_edit.setMaximumDate(qdate(self.today))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("Ví dụ: người nhận đi vắng (không bắt buộc)"))
        self.note_edit.setMinimumWidth(360)
        fields = {
            "state": form_field(form, self.tr("Trạng thái"), self.state_combo),
            "at": form_field(form, self.tr("Ngày"), self.date_edit),
        }
        form.addRow(self.tr("Ghi chú"), self.note_edit)
        if self.item.state is PostalState.RETURNED or self.item.state is PostalState.DELIVERED:
            form.addRow("", muted_label(self.tr("Bưu gửi đã ở trạng thái cuối.")))
        return fields

    def set_state(self, state: PostalState) -> None:
        self.state_combo.setCurrentIndex(self.state_combo.findData(state.value))

    def set_day(self, day: date) -> None:
        self.date_edit.setDate(qdate(day))

    def work(self) -> Callable[[], Any]:
        ref = self.item.waybill or self.item.dossier_code
        state = PostalState(self.state_combo.currentData())
        day = to_date(self.date_edit.date())
        note, postal = nfc(self.note_edit.text()), self.services.postal
        return lambda: postal.update(ref, state, at=day, note=note)

    def done_with(self, result: Any) -> None:
        self.item_updated.emit(result)
