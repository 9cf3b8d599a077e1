"""The small dialogs that record one move of a dossier (hand over, result, return, refuse…).

Each dialog asks only what its move needs, builds a ``MoveRequest`` and hands it to
``LifecycleService.move`` on the writer thread. A refusal from the service (impossible move,
missing reason, moment in the future) is shown inline under the input it concerns, or above the
buttons when it concerns the move itself; on success ``move_done`` carries the ``MoveOutcome``
(with its warnings) and the dialog closes. The supplement request lives in ``supplement_dialog``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.lifecycle import SATISFACTION_LEVELS, Move
from tthc_desk.domain.text import nfc
from tthc_desk.services.container import Services
from tthc_desk.services.lifecycle_service import MoveOutcome, MoveRequest
from tthc_desk.ui.display import muted_label, with_error
from tthc_desk.ui.form_dialog import FormDialog
from tthc_desk.ui.tasks import TaskRunner


def moment_edit(moment: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(moment))
    edit.setDisplayFormat("dd/MM/yyyy HH:mm")
    edit.setCalendarPopup(True)
    return edit


def unit_combo(units: list[str], current: str = "") -> QComboBox:
    """The specialist units, editable (a unit outside the list can be typed)."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for unit in dict.fromkeys(u for u in units if u):
        combo.addItem(unit)
    if current:
        combo.setCurrentText(current)
    combo.setMinimumWidth(320)
    return combo


class MoveDialog(FormDialog):
    """Base: the moment of the move, the move's own inputs, a note; ``move_done`` with the outcome."""

    move_done = Signal(object)  # MoveOutcome

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        dossier: Dossier,
        move: Move,
        parent: QWidget | None = None,
    ) -> None:
        self.dossier = dossier  # the form's rows read them
        self.move = move
        self.outcome: MoveOutcome | None = None
        super().__init__(
            services,
            runner,
            move.label,
            f"{dossier.code} · {dossier.applicant.full_name} · {dossier.procedure_name}",
            parent,
            window_title=QCoreApplication.translate("MoveDialog", "{0} – hồ sơ {1}").format(
                move.label, dossier.code
            ),
        )
        self.setObjectName("moveDialog")

    def fields(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        self.at_edit = moment_edit(self.services.clock.now())
        at_box, at_error = with_error(self.at_edit)
        form.addRow(self.tr("Thời điểm"), at_box)
        fields: dict[str, tuple[QWidget, QLabel]] = {"at": (self.at_edit, at_error)}
        fields.update(self.build(form))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("Ghi chú (không bắt buộc)"))
        form.addRow(self.tr("Ghi chú"), self.note_edit)
        return fields

    # -- for subclasses -----------------------------------------------------------------------
    def request(self) -> MoveRequest:
        return MoveRequest(self.move, at=self.moment(), note=nfc(self.note_edit.text()))

    def moment(self) -> datetime:
        return self.at_edit.dateTime().toPython().replace(second=0, microsecond=0)

    def work(self) -> Callable[[], Any]:
        request, code, lifecycle = self.request(), self.dossier.code, self.services.lifecycle
        return lambda: lifecycle.move(code, request)

    def done_with(self, result: Any) -> None:
        self.outcome = result
        self.move_done.emit(result)


class HandOverDialog(MoveDialog):
    """To a specialist unit (or on to another one)."""

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        d = self.dossier
        units = [
            u
            for u in (*self.services.settings.office().units, d.handling_unit)
            if u != d.current_unit
        ]
        default = d.handling_unit if d.handling_unit != d.current_unit else ""
        self.unit_combo = unit_combo(units, default)
        if d.current_unit:
            form.addRow(self.tr("Đang ở"), QLabel(d.current_unit))
        box, label = with_error(self.unit_combo)
        form.addRow(self.tr("Chuyển cho đơn vị"), box)
        return {"unit": (self.unit_combo, label)}

    def request(self) -> MoveRequest:
        return MoveRequest(
            self.move,
            at=self.moment(),
            unit=nfc(self.unit_combo.currentText()),
            note=nfc(self.note_edit.text()),
        )


class SupplementedDialog(MoveDialog):
    """The completed dossier is back: the clock restarts from this moment."""

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        hint = muted_label(
            self.tr(
                "Thời hạn giải quyết được tính lại từ đầu kể từ thời điểm này; "
                "ngày hẹn trả cũ vẫn được lưu trong lịch sử."
            )
        )
        form.addRow("", hint)
        return {}


class ResultReadyDialog(MoveDialog):
    """The result reaches the one-stop office: the dossier is settled."""

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        d = self.dossier
        office = self.services.settings.office()
        default = (
            d.current_unit
            if d.current_unit and d.current_unit != office.office_name
            else d.handling_unit
        )
        self.unit_combo = unit_combo([*office.units, d.handling_unit], default)
        box, label = with_error(self.unit_combo)
        form.addRow(self.tr("Đơn vị trả kết quả"), box)
        return {"unit": (self.unit_combo, label)}

    def request(self) -> MoveRequest:
        return MoveRequest(
            self.move,
            at=self.moment(),
            unit=nfc(self.unit_combo.currentText()),
            note=nfc(self.note_edit.text()),
        )


class ReturnDialog(MoveDialog):
    """The result is handed over: who took it and how satisfied they were."""

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        d = self.dossier
        self.applicant_radio = QRadioButton(self.tr("Người nộp: {0}").format(d.applicant.full_name))
        self.authorised_radio = QRadioButton(
            self.tr("Người được ủy quyền: {0}").format(
                d.authorised.full_name if d.authorised else ""
            )
        )
        self.authorised_radio.setVisible(d.authorised is not None)
        self.other_radio = QRadioButton(self.tr("Người khác:"))
        self.other_edit = QLineEdit()
        self.other_edit.setPlaceholderText(self.tr("Họ và tên người nhận"))
        self.other_edit.setEnabled(False)
        self.other_radio.toggled.connect(self.other_edit.setEnabled)
        self.applicant_radio.setChecked(True)
        self.taker_group = QButtonGroup(self)
        takers = QVBoxLayout()
        takers.setSpacing(2)
        for radio in (self.applicant_radio, self.authorised_radio):
            self.taker_group.addButton(radio)
            takers.addWidget(radio)
        self.taker_group.addButton(self.other_radio)
        other_row = QHBoxLayout()
        other_row.addWidget(self.other_radio)
        other_row.addWidget(self.other_edit, 1)
        takers.addLayout(other_row)
        taker_box = QWidget()
        taker_box.setLayout(takers)
        box, taker_error = with_error(taker_box)
        form.addRow(self.tr("Người nhận kết quả"), box)

        self.rating_group = QButtonGroup(self)
        self.rating_radios: dict[str, QRadioButton] = {}
        ratings = QHBoxLayout()
        for code, label in SATISFACTION_LEVELS.items():
            radio = QRadioButton(self.tr(label))
            self.rating_group.addButton(radio)
            self.rating_radios[code] = radio
            ratings.addWidget(radio)
        ratings.addStretch(1)
        rating_box = QWidget()
        rating_box.setLayout(ratings)
        box, rating_error = with_error(rating_box)
        form.addRow(self.tr("Mức độ hài lòng"), box)
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText(self.tr("Ý kiến của người nhận (không bắt buộc)"))
        form.addRow(self.tr("Ý kiến"), self.comment_edit)
        return {"taken_by": (self.other_edit, taker_error), "rating": (rating_box, rating_error)}

    def taken_by(self) -> str:
        d = self.dossier
        if self.other_radio.isChecked():
            return nfc(self.other_edit.text())
        if self.authorised_radio.isChecked() and d.authorised is not None:
            return d.authorised.full_name
        return d.applicant.full_name

    def rating(self) -> str:
        return next((code for code, r in self.rating_radios.items() if r.isChecked()), "")

    def check(self) -> ValidationError | None:
        if self.other_radio.isChecked() and not self.taken_by():
            return ValidationError.for_field(
                "taken_by", self.tr("Ghi họ và tên người nhận kết quả.")
            )
        return None

    def request(self) -> MoveRequest:
        return MoveRequest(
            self.move,
            at=self.moment(),
            note=nfc(self.note_edit.text()),
            taken_by=self.taken_by(),
            rating=self.rating(),
            rating_comment=nfc(self.comment_edit.text()),
        )


class ReasonDialog(MoveDialog):
    """Refuse, stop, withdraw or close: a reason is required."""

    def build(self, form: QFormLayout) -> dict[str, tuple[QWidget, QLabel]]:
        self.reason_edit = QLineEdit()
        self.reason_edit.setMinimumWidth(380)
        self.reason_edit.setPlaceholderText(self.tr("Lý do (bắt buộc)"))
        if self.move is Move.CLOSED:
            days = self.services.lifecycle.close_after().days
            self.reason_edit.setText(self.tr("Không bổ sung hồ sơ trong {0} ngày").format(days))
        box, label = with_error(self.reason_edit)
        form.addRow(self.tr("Lý do"), box)
        return {"reason": (self.reason_edit, label)}

    def check(self) -> ValidationError | None:
        if not nfc(self.reason_edit.text()).strip():
            return ValidationError.for_field("reason", self.tr("Cần ghi rõ lý do."))
        return None

    def request(self) -> MoveRequest:
        return MoveRequest(
            self.move,
            at=self.moment(),
            reason=nfc(self.reason_edit.text()),
            note=nfc(self.note_edit.text()),
        )


def dialog_for(
    services: Services,
    runner: TaskRunner,
    dossier: Dossier,
    move: Move,
    parent: QWidget | None = None,
) -> MoveDialog:
    """The right dialog for ``move``."""
    from tthc_desk.ui.supplement_dialog import SupplementDialog

    kinds: dict[Move, type[MoveDialog]] = {
        Move.HAND_OVER: HandOverDialog,
        Move.SUPPLEMENT: SupplementDialog,
        Move.SUPPLEMENTED: SupplementedDialog,
        Move.RESULT_READY: ResultReadyDialog,
        Move.RETURNED: ReturnDialog,
    }
    return kinds.get(move, ReasonDialog)(services, runner, dossier, move, parent)
