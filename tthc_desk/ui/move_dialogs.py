"""The small dialogs that record one move of a dossier (hand over, result, return, refuse…),
and which dialog records which move.

Each dialog asks only what its move needs on the frame of ``move_form`` (the moment, a note,
errors inline); the supplement request, with its checklist of papers, is in ``supplement_dialog``.

*Có kết quả* offers "Số hóa kết quả…" (issue 15): the result scanned in the dialog is attached
once the move is recorded, in the same job; if it cannot be, the move stays recorded and a
warning says how to add the scan from the dossier page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import Dossier
from tthc_desk.domain.errors import TthcError, ValidationError
from tthc_desk.domain.lifecycle import Move, Rating
from tthc_desk.domain.scans import ScannedPdf
from tthc_desk.domain.text import nfc
from tthc_desk.services.attachment_service import RESULT_NAME, AttachmentService
from tthc_desk.services.container import Services
from tthc_desk.services.failures import describe_failure
from tthc_desk.services.lifecycle_service import MoveOutcome, MoveRequest
from tthc_desk.ui.display import form_field, muted_label
from tthc_desk.ui.form_dialog import Fields
from tthc_desk.ui.i18n import translate
from tthc_desk.ui.labels import labels_of
from tthc_desk.ui.move_form import MoveDialog, unit_combo
from tthc_desk.ui.page import open_dialog
from tthc_desk.ui.paper_scans import ScanButton
from tthc_desk.ui.scan_sources import paper_dialog
from tthc_desk.ui.supplement_dialog import SupplementDialog
from tthc_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class _UnitMoveDialog(MoveDialog):
    """A move that names a specialist unit (``unit_combo``, under the error key "unit")."""

    def unit_row(self, form: QFormLayout, label: str, units: list[str], current: str) -> Fields:
        self.unit_combo = unit_combo(units, current)
        return {"unit": form_field(form, label, self.unit_combo)}

    def request(self) -> MoveRequest:
        return replace(super().request(), unit=nfc(self.unit_combo.currentText()))


class HandOverDialog(_UnitMoveDialog):
    """To a specialist unit (or on to another one)."""

    def build(self, form: QFormLayout) -> Fields:
        d = self.dossier
        units = [
            u
            for u in (*self.services.settings.office().units, d.handling_unit)
            if u != d.current_unit
        ]
        default = d.handling_unit if d.handling_unit != d.current_unit else ""
        if d.current_unit:
            form.addRow(self.tr("Đang ở"), QLabel(d.current_unit))
        return self.unit_row(form, self.tr("Chuyển cho đơn vị"), units, default)


class SupplementedDialog(MoveDialog):
    """The completed dossier is back: the clock restarts from this moment."""

    def build(self, form: QFormLayout) -> Fields:
        hint = muted_label(
            self.tr(
                "Thời hạn giải quyết được tính lại từ đầu kể từ thời điểm này; "
                "ngày hẹn trả cũ vẫn được lưu trong lịch sử."
            )
        )
        form.addRow("", hint)
        return {}


def move_then_attach(
    move: Callable[[], MoveOutcome], attachments: AttachmentService, code: str, pdf: ScannedPdf
) -> MoveOutcome:
    """Record the move, then attach the result's scan (worker thread); a scan that cannot be
    attached leaves the move recorded and says so in the outcome's warnings."""
    outcome = move()
    try:
        attachments.attach_result(code, pdf)
    except Exception as exc:
        log.error("Result scan of %s not attached", code, exc_info=exc)
        why = exc.message if isinstance(exc, TthcError) else describe_failure(exc)
        warning = translate(
            "ResultReadyDialog",
            "Đã ghi nhận có kết quả nhưng chưa lưu được bản số hóa kết quả ({0}). Mở thẻ “Bản "
            "số hóa” của hồ sơ, bấm “Số hóa kết quả…” để thêm.",
        ).format((why or translate("ResultReadyDialog", "lỗi ngoài dự kiến")).rstrip("."))
        return replace(outcome, warnings=(*outcome.warnings, warning))
    return outcome


class ResultReadyDialog(_UnitMoveDialog):
    """The result reaches the one-stop office: the dossier is settled; its scan, when made
    here ("Số hóa kết quả…"), is attached with the move."""

    def build(self, form: QFormLayout) -> Fields:
        d = self.dossier
        office = self.services.settings.office()
        default = (
            d.current_unit
            if d.current_unit and d.current_unit != office.office_name
            else d.handling_unit
        )
        units = [*office.units, d.handling_unit]
        fields = self.unit_row(form, self.tr("Đơn vị trả kết quả"), units, default)
        #: The result's scan, attached once the move is recorded (None: not scanned here).
        self.result_pdf: ScannedPdf | None = None
        self.scan_dialog: QWidget | None = None
        self.scan_button = ScanButton()
        self.scan_button.setText(self.tr("Số hóa kết quả…"))
        self.scan_button.setToolTip(
            self.tr("Quét hoặc chọn tệp bản số hóa của kết quả; lưu cùng lúc ghi nhận.")
        )
        self.scan_button.clicked.connect(self._on_scan_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.scan_button)
        row.addWidget(muted_label(self.tr("(không bắt buộc; có thể bổ sung sau)")), 1)
        form.addRow(self.tr("Bản số hóa"), row)
        return fields

    def scan_result(self) -> QWidget:
        """The scan dialog of the result; its PDF waits here until the move is recorded."""
        dialog = paper_dialog(self.runner, RESULT_NAME, self)
        dialog.pdf_composed.connect(self._on_result_scanned)
        self.scan_dialog = open_dialog(dialog)
        return dialog

    def _on_scan_button_clicked(self) -> None:
        self.scan_result()

    def _on_result_scanned(self, pdf: ScannedPdf) -> None:
        self.result_pdf = pdf
        self.scan_button.show_scan(pdf)
        self.scan_button.setToolTip(
            self.tr("Đã số hóa {0} trang, lưu khi bấm “Ghi nhận”. Bấm để quét lại.").format(
                pdf.pages
            )
        )

    def work(self) -> Callable[[], Any]:
        move, pdf = super().work(), self.result_pdf
        if pdf is None:
            return move
        attachments, code = self.services.attachments, self.dossier.code
        return lambda: move_then_attach(move, attachments, code, pdf)


class ReturnDialog(MoveDialog):
    """The result is handed over: who took it and how satisfied they were."""

    def build(self, form: QFormLayout) -> Fields:
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
        taker = form_field(form, self.tr("Người nhận kết quả"), taker_box, self.other_edit)

        self.rating_group = QButtonGroup(self)
        self.rating_radios: dict[str, QRadioButton] = {}
        ratings = QHBoxLayout()
        for code, text in labels_of(Rating):
            radio = QRadioButton(text)
            self.rating_group.addButton(radio)
            self.rating_radios[code] = radio
            ratings.addWidget(radio)
        ratings.addStretch(1)
        rating_box = QWidget()
        rating_box.setLayout(ratings)
        rating = form_field(form, self.tr("Mức độ hài lòng"), rating_box)
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText(self.tr("Ý kiến của người nhận (không bắt buộc)"))
        form.addRow(self.tr("Ý kiến"), self.comment_edit)
        return {"taken_by": taker, "rating": rating}

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
        return replace(
            super().request(),
            taken_by=self.taken_by(),
            rating=self.rating(),
            rating_comment=nfc(self.comment_edit.text()),
        )


class ReasonDialog(MoveDialog):
    """Refuse, stop, withdraw or close: a reason is required."""

    def build(self, form: QFormLayout) -> Fields:
        self.reason_edit = QLineEdit()
        self.reason_edit.setMinimumWidth(380)
        self.reason_edit.setPlaceholderText(self.tr("Lý do (bắt buộc)"))
        if self.move_kind is Move.CLOSED:
            days = self.services.lifecycle.close_after().days
            self.reason_edit.setText(self.tr("Không bổ sung hồ sơ trong {0} ngày").format(days))
        return {"reason": form_field(form, self.tr("Lý do"), self.reason_edit)}

    def check(self) -> ValidationError | None:
        if not nfc(self.reason_edit.text()).strip():
            return ValidationError.for_field("reason", self.tr("Cần ghi rõ lý do."))
        return None

    def request(self) -> MoveRequest:
        return replace(super().request(), reason=nfc(self.reason_edit.text()))


#: The dialog of each move; every other move (refuse, stop, withdraw, close) asks a reason.
DIALOGS: dict[Move, type[MoveDialog]] = {
    Move.HAND_OVER: HandOverDialog,
    Move.SUPPLEMENT: SupplementDialog,
    Move.SUPPLEMENTED: SupplementedDialog,
    Move.RESULT_READY: ResultReadyDialog,
    Move.RETURNED: ReturnDialog,
}


def dialog_for(
    services: Services,
    runner: TaskRunner,
    dossier: Dossier,
    move: Move,
    parent: QWidget | None = None,
) -> MoveDialog:
    """The right dialog for ``move``."""
    return DIALOGS.get(move, ReasonDialog)(services, runner, dossier, move, parent)
