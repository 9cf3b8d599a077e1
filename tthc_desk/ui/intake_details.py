"""The "receiving and return" part of the intake form.

Receiving channel (a dossier that came by public post carries the post's item number, "Số hiệu
bưu gửi"), how the result goes back (at the counter, or by public post: recipient, phone and
address, defaulting to the applicant's or the authorised person's), number of sets, fees, a note,
the received moment (now unless the clerk back-dates a paper entry, which then needs a reason)
and an optional hand-set appointment (also with a reason). A procedure the catalog does not
offer by post disables both postal choices, with the reason as a tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypedDict

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from tthc_desk.domain.dossier import Channel, ReturnMethod
from tthc_desk.domain.errors import Problem
from tthc_desk.domain.procedure import Procedure
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.services.dossier_service import BACKDATE_TOLERANCE
from tthc_desk.ui.display import MoneyEdit, muted_label, with_error
from tthc_desk.ui.i18n import QT_TRANSLATE_NOOP, translate
from tthc_desk.ui.labels import label

DATETIME_FORMAT = "HH:mm  dd/MM/yyyy"
#: Shown where post is refused; translated under the "intake_details" context.
NO_POSTAL = QT_TRANSLATE_NOOP(
    "intake_details", "Thủ tục này không cho phép nộp/trả kết quả qua bưu chính"
)


def to_qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)


def from_qdatetime(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


class DraftDetails(TypedDict):
    """The part of a ``DossierDraft`` this widget fills (its keyword arguments)."""

    channel: Channel
    return_method: ReturnMethod
    return_address: str
    return_recipient: str
    return_phone: str
    postal_reference: str
    sets_count: int
    fee_amount: int | None
    note: str
    received_at: datetime | None
    backdate_reason: str
    due_override: datetime | None
    due_override_reason: str


class MomentEdit(QDateTimeEdit):
    """A date-time input that Tab leaves at once (← → move between hour, minute, day …).

    QDateTimeEdit normally spends Tab on its five sections; at the counter Tab means "next field".
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(DATETIME_FORMAT)
        self.setCalendarPopup(True)

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)


class IntakeDetailsWidget(QWidget):
    """Channel, return, sets, fee, note, received moment and appointment override."""

    received_changed = Signal()
    due_override_changed = Signal()

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._received_edited = False
        self._errors: dict[str, tuple[QWidget, QLabel]] = {}
        self._applicant_address = ""
        self._default_recipient = ("", "")  # (name, phone) the recipient fields follow

        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(label(c), c.value)
        self.postal_reference = QLineEdit()
        self.postal_reference.setObjectName("postalReference")
        self.postal_reference.setPlaceholderText(self.tr("Ví dụ: EB123456789VN"))
        self.postal_reference.setMaxLength(40)
        self.postal_reference.setMaximumWidth(260)
        self.return_counter = QRadioButton(self.tr("Tại Bộ phận Một cửa"))
        self.return_postal = QRadioButton(self.tr("Qua bưu chính công ích"))
        self.return_counter.setChecked(True)
        self._return_group = QButtonGroup(self)
        self._return_group.addButton(self.return_counter)
        self._return_group.addButton(self.return_postal)
        self.return_address = QLineEdit()
        self.return_address.setPlaceholderText(self.tr("Địa chỉ nhận kết quả qua bưu chính"))
        self.return_address.setEnabled(False)
        self.return_recipient = QLineEdit()
        self.return_recipient.setPlaceholderText(self.tr("Họ và tên người nhận"))
        self.return_phone = QLineEdit()
        self.return_phone.setPlaceholderText(self.tr("Điện thoại"))
        self.return_phone.setMaximumWidth(150)
        self.sets_count = QSpinBox()
        self.sets_count.setRange(1, 99)
        self.sets_count.setSuffix(self.tr(" bộ"))
        self.sets_count.setMaximumWidth(110)
        self.channel.setMaximumWidth(260)
        self.fee = MoneyEdit()
        self.fee.setMaximumWidth(190)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Ghi chú thêm (không bắt buộc)"))

        self.received = MomentEdit()
        self.now_button = QPushButton(self.tr("Bây giờ"))
        self.now_button.setAutoDefault(False)
        self.now_button.setToolTip(self.tr("Lấy lại thời điểm hiện tại"))
        self.backdate_reason = QLineEdit()
        self.backdate_reason.setPlaceholderText(
            self.tr("Ví dụ: hồ sơ đã vào sổ giấy lúc mất điện, nhập máy sau")
        )
        self.override_check = QCheckBox(self.tr("Hẹn trả vào ngày khác ngày tính tự động"))
        self.due_override = MomentEdit()
        self.due_override_reason = QLineEdit()
        self.due_override_reason.setPlaceholderText(self.tr("Lý do hẹn khác (bắt buộc)"))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._row(form, self.tr("Hình thức nộp"), self.channel, "channel")
        self.postal_reference_label = self._row(
            form, self.tr("Số hiệu bưu gửi *"), self.postal_reference, "postal_reference"
        )
        returns = QWidget()
        box = QHBoxLayout(returns)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.return_counter)
        box.addWidget(self.return_postal)
        box.addStretch(1)
        self._row(form, self.tr("Nhận kết quả"), returns, "return_method", focus=self.return_postal)
        recipient = QWidget()
        rbox = QHBoxLayout(recipient)
        rbox.setContentsMargins(0, 0, 0, 0)
        name_box, name_error = with_error(self.return_recipient)
        phone_box, phone_error = with_error(self.return_phone)
        phone_caption = QLabel(self.tr("Điện thoại"))
        phone_caption.setBuddy(self.return_phone)
        rbox.addWidget(name_box, 1, Qt.AlignmentFlag.AlignTop)
        rbox.addWidget(phone_caption, 0, Qt.AlignmentFlag.AlignTop)
        rbox.addWidget(phone_box, 0, Qt.AlignmentFlag.AlignTop)
        phone_caption.setMinimumHeight(self.return_phone.sizeHint().height())
        self.recipient_label = QLabel(self.tr("Người nhận"))
        self.recipient_label.setBuddy(self.return_recipient)
        self.recipient_label.setMinimumHeight(self.return_recipient.sizeHint().height())
        self.recipient_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        form.addRow(self.recipient_label, recipient)
        self._errors["return_recipient"] = (self.return_recipient, name_error)
        self._errors["return_phone"] = (self.return_phone, phone_error)
        self._row(form, self.tr("Địa chỉ nhận"), self.return_address, "return_address")
        self._row(form, self.tr("Số bộ hồ sơ"), self.sets_count, "sets_count")
        self._row(form, self.tr("Phí, lệ phí"), self.fee, "fee_amount")
        moment = QWidget()
        mbox = QHBoxLayout(moment)
        mbox.setContentsMargins(0, 0, 0, 0)
        mbox.addWidget(self.received)
        mbox.addWidget(self.now_button)
        mbox.addStretch(1)
        self.received_note = muted_label()
        self._row(
            form,
            self.tr("Thời điểm nhận"),
            moment,
            "received_at",
            focus=self.received,
            note=self.received_note,
        )
        self.backdate_label = self._row(
            form, self.tr("Lý do nhập lùi *"), self.backdate_reason, "backdate_reason"
        )
        form.addRow("", self.override_check)
        self.override_label = self._row(
            form, self.tr("Hẹn trả lúc"), self.due_override, "due_override"
        )
        self.override_reason_label = self._row(
            form, self.tr("Lý do *"), self.due_override_reason, "due_override_reason"
        )
        self._row(form, self.tr("Ghi chú"), self.note, "note")
        self._form = form

        self.return_postal.toggled.connect(self._on_return_postal_toggled)
        self.channel.currentIndexChanged.connect(self._on_channel_current_index_changed)
        self.received.dateTimeChanged.connect(self._on_received_date_time_changed)
        self.now_button.clicked.connect(self._on_now_button_clicked)
        self.override_check.toggled.connect(self._on_override_check_toggled)
        self.due_override.dateTimeChanged.connect(self.due_override_changed)
        self._tick = QTimer(self)
        self._tick.setInterval(20_000)
        self._tick.timeout.connect(self._on_tick_timeout)
        self._tick.start()
        self.reset()

    def _row(
        self,
        form: QFormLayout,
        text: str,
        widget: QWidget,
        key: str,
        *,
        focus: QWidget | None = None,
        note: QLabel | None = None,
    ) -> QLabel:
        box, error = with_error(widget, note)
        label = QLabel(text)
        label.setBuddy(focus or widget)
        label.setMinimumHeight(widget.sizeHint().height())
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(label, box)
        self._errors[key] = (focus or widget, error)
        return label

    # -- public -------------------------------------------------------------------------------
    def error_fields(self) -> dict[str, tuple[QWidget, QLabel]]:
        return dict(self._errors)

    def reset(self) -> None:
        self.channel.setCurrentIndex(0)
        self.return_counter.setChecked(True)
        self.return_address.clear()
        self.postal_reference.clear()
        self.return_recipient.clear()
        self.return_phone.clear()
        self._default_recipient = ("", "")
        self.sets_count.setValue(1)
        self.fee.clear()
        self.note.clear()
        self.override_check.setChecked(False)
        self.due_override_reason.clear()
        self._received_edited = False
        self._set_received(self._now())
        self._sync_visibility()

    def set_procedure(self, procedure: Procedure | None) -> None:
        self.fee.set_amount(procedure.total_fee if procedure else None)
        allowed = procedure is None or procedure.postal_return
        why = "" if allowed else translate("intake_details", NO_POSTAL)
        self.return_postal.setEnabled(allowed)
        self.return_postal.setToolTip(why)
        if not allowed and self.return_postal.isChecked():
            self.return_counter.setChecked(True)
        # The catalog has one flag for the postal service: it governs receiving by post too.
        postal_index = self.channel.findData(Channel.POSTAL.value)
        model = self.channel.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(postal_index)
            item.setEnabled(allowed)
            item.setToolTip(why)
        if not allowed and self.channel.currentIndex() == postal_index:
            self.channel.setCurrentIndex(self.channel.findData(Channel.DIRECT.value))
        self.channel.setToolTip(why)

    def postal_allowed(self) -> bool:
        return self.return_postal.isEnabled()

    def set_default_recipient(self, name: str, phone: str) -> None:
        """Follow the applicant (or authorised person) while the clerk has not typed another
        recipient: the result goes to them unless said otherwise."""
        old_name, old_phone = self._default_recipient
        if self.return_postal.isChecked():
            if self.return_recipient.text() in ("", old_name):
                self.return_recipient.setText(name)
            if self.return_phone.text() in ("", old_phone):
                self.return_phone.setText(phone)
        self._default_recipient = (name, phone)

    def set_applicant_address(self, address: str) -> None:
        """Follow the applicant's address while the clerk has not typed another one."""
        if (
            self.return_address.text() in ("", self._applicant_address)
            and self.return_postal.isChecked()
        ):
            self.return_address.setText(address)
        self._applicant_address = address

    def received_at(self) -> datetime | None:
        """None while the clerk has not touched it: the service stamps the moment of saving."""
        return from_qdatetime(self.received.dateTime()) if self._received_edited else None

    def shown_received_at(self) -> datetime:
        return from_qdatetime(self.received.dateTime())

    def set_received_at(self, moment: datetime) -> None:
        """As if the clerk typed it (used by tests and by the date picker)."""
        self.received.setDateTime(to_qdatetime(moment))

    def is_backdated(self) -> bool:
        moment = self.received_at()
        return moment is not None and moment < self._now() - BACKDATE_TOLERANCE

    def due_override_at(self) -> datetime | None:
        return (
            from_qdatetime(self.due_override.dateTime())
            if self.override_check.isChecked()
            else None
        )

    def values(self) -> tuple[DraftDetails, list[Problem]]:
        """The draft fields of this part, plus problems the form itself sees."""
        problems: list[Problem] = []
        try:
            fee = self.fee.amount()
        except ValueError:
            fee = None
            problems.append(
                Problem(self.tr("Phí, lệ phí chỉ gồm chữ số, ví dụ 50.000."), field="fee_amount")
            )
        postal = self.return_postal.isChecked()
        values: DraftDetails = {
            "channel": Channel(self.channel.currentData()),
            "return_method": ReturnMethod.POSTAL if postal else ReturnMethod.COUNTER,
            "return_address": collapse_spaces(self.return_address.text()) if postal else "",
            "return_recipient": collapse_spaces(self.return_recipient.text()) if postal else "",
            "return_phone": nfc(self.return_phone.text()).strip() if postal else "",
            "postal_reference": nfc(self.postal_reference.text()).strip()
            if self.channel.currentData() == Channel.POSTAL.value
            else "",
            "sets_count": self.sets_count.value(),
            "fee_amount": fee,
            "note": nfc(self.note.text()),
            "received_at": self.received_at(),
            "backdate_reason": collapse_spaces(self.backdate_reason.text())
            if self.is_backdated()
            else "",
            "due_override": self.due_override_at(),
            "due_override_reason": collapse_spaces(self.due_override_reason.text())
            if self.override_check.isChecked()
            else "",
        }
        return values, problems

    def start_override_at(self, moment: datetime) -> None:
        self.due_override.setDateTime(to_qdatetime(moment))

    # -- slots --------------------------------------------------------------------------------
    def _set_received(self, moment: datetime) -> None:
        self.received.blockSignals(True)
        self.received.setDateTime(to_qdatetime(moment))
        self.received.blockSignals(False)

    def _sync_visibility(self) -> None:
        by_post = self.channel.currentData() == Channel.POSTAL.value
        self._form.setRowVisible(self.postal_reference_label, by_post)
        self._form.setRowVisible(self.recipient_label, self.return_postal.isChecked())
        backdated = self.is_backdated()
        self._form.setRowVisible(self.backdate_label, backdated)
        if not backdated:
            self.backdate_reason.clear()
        override = self.override_check.isChecked()
        self._form.setRowVisible(self.override_label, override)
        self._form.setRowVisible(self.override_reason_label, override)
        if backdated:
            note = self.tr("Nhập lùi thời điểm nhận: cần ghi lý do.")
        elif self._received_edited:
            note = ""
        else:
            note = self.tr("Tự lấy giờ hiện tại khi lưu.")
        self.received_note.setText(note)

    def _on_return_postal_toggled(self, postal: bool) -> None:
        self.return_address.setEnabled(postal)
        if postal and not self.return_address.text().strip():
            self.return_address.setText(self._applicant_address)
        name, phone = self._default_recipient
        if postal:
            if not self.return_recipient.text().strip():
                self.return_recipient.setText(name)
            if not self.return_phone.text().strip():
                self.return_phone.setText(phone)
        else:
            self.return_address.clear()
            self.return_recipient.clear()
            self.return_phone.clear()
        self._sync_visibility()

    def _on_channel_current_index_changed(self, _index: int) -> None:
        if self.channel.currentData() != Channel.POSTAL.value:
            self.postal_reference.clear()
        self._sync_visibility()

    def _on_received_date_time_changed(self, _value: QDateTime) -> None:
        self._received_edited = True
        self._sync_visibility()
        self.received_changed.emit()

    def _on_now_button_clicked(self) -> None:
        self._received_edited = False
        self._set_received(self._now())
        self._sync_visibility()
        self.received_changed.emit()

    def _on_override_check_toggled(self, on: bool) -> None:
        self._sync_visibility()
        if on:
            self.due_override.setFocus(Qt.FocusReason.OtherFocusReason)
        self.due_override_changed.emit()

    def _on_tick_timeout(self) -> None:
        """Keep the shown moment current: the appointment may change at the same-day cut-off."""
        if not self._received_edited:
            before = self.shown_received_at()
            now = self._now()
            if now.replace(second=0) != before:
                self._set_received(now)
                self.received_changed.emit()
