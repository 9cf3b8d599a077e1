"""Correct an intake mistake: change a few fields, give a reason, keep the old values.

Every correctable field is listed with its current value already in the box; the clerk changes
the wrong ones (the row turns bold so the change is visible) and writes why. Only the changed
fields are sent to ``DossierService.correct``, which records old and new values, who and when.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from tthc_desk.domain.dossier import Dossier, ReturnMethod
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.text import format_date, format_money, nfc
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import CorrectableField
from tthc_desk.ui.display import parse_money, with_error
from tthc_desk.ui.errors import FieldErrors
from tthc_desk.ui.form_dialog import Fields, FormDialog
from tthc_desk.ui.labels import labels_of
from tthc_desk.ui.tasks import TaskRunner


def current_values(d: Dossier) -> dict[str, str]:
    """The correctable fields of ``d`` as the boxes show them."""
    a, auth = d.applicant, d.authorised
    return {
        "applicant_name": a.full_name,
        "applicant_id_number": a.id_number,
        "applicant_birth_date": format_date(a.birth_date),
        "applicant_phone": a.phone,
        "applicant_address": a.address,
        "applicant_email": a.email,
        "authorised_name": auth.full_name if auth else "",
        "authorised_id_number": auth.id_number if auth else "",
        "return_address": d.return_address,
        "sets_count": str(d.sets_count),
        "fee_amount": format_money(d.fee_amount),
        "note": d.note,
    }


class CorrectionDialog(FormDialog):
    """``dossier_corrected`` carries the dossier as saved after the correction."""

    dossier_corrected = Signal(object)

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        dossier: Dossier,
        parent: QWidget | None = None,
    ) -> None:
        self.dossier = dossier  # the form's rows read it
        self._original = current_values(dossier)
        self.edits: dict[str, QLineEdit] = {}
        self._captions: dict[str, QLabel] = {}
        title = self.tr("Sửa thông tin hồ sơ {0}").format(dossier.code)
        super().__init__(
            services,
            runner,
            title,
            self.tr(
                "Sửa ô có thông tin sai (ô đã sửa hiện chữ đậm), ghi lý do rồi bấm "
                "“Lưu thay đổi”. Giá trị cũ được giữ trong lịch sử hồ sơ."
            ),
            parent,
            ok_text=self.tr("Lưu thay đổi"),
        )
        self.setObjectName("correctionDialog")
        margins = self.root.contentsMargins()  # 620 wide: room for an address in its box
        self.root.addStrut(620 - margins.left() - margins.right())

    @property
    def field_errors(self) -> FieldErrors:
        return self.errors

    def build(self, form: QFormLayout) -> Fields:
        form.setVerticalSpacing(4)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        fields: Fields = {}
        for key, label in labels_of(CorrectableField):
            edit = QLineEdit(self._original.get(key, ""))
            edit.setObjectName(f"correct_{key}")
            if key == "applicant_birth_date":
                edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
            if key == "return_address" and self.dossier.return_method is not ReturnMethod.POSTAL:
                edit.setPlaceholderText(self.tr("chỉ dùng khi trả kết quả qua bưu chính"))
            caption = QLabel(label)
            caption.setBuddy(edit)
            box, error = with_error(edit)
            form.addRow(caption, box)
            self.edits[key] = edit
            self._captions[key] = caption
            fields[key] = (edit, error)
            edit.textChanged.connect(lambda _t, k=key: self._on_edit_text_changed(k))
        self.reason = QLineEdit()
        self.reason.setObjectName("correctionReason")
        self.reason.setPlaceholderText(
            self.tr("Ví dụ: người nộp đọc nhầm số điện thoại khi tiếp nhận")
        )
        reason_caption = QLabel(self.tr("<b>Lý do sửa *</b>"))
        reason_caption.setBuddy(self.reason)
        reason_box, reason_error = with_error(self.reason)
        form.addRow(reason_caption, reason_box)
        fields["reason"] = (self.reason, reason_error)
        return fields

    def set_value(self, key: str, value: str) -> None:
        self.edits[key].setText(value)

    def changes(self) -> dict[str, Any]:
        """The fields whose box differs from the saved value, converted for the service."""
        out: dict[str, Any] = {}
        for key, edit in self.edits.items():
            text = nfc(edit.text())
            if text == nfc(self._original.get(key, "")):
                continue
            if key == "fee_amount":
                try:
                    out[key] = parse_money(text) or 0
                except ValueError:
                    out[key] = text  # the service says what is wrong with it
            else:
                out[key] = text
        return out

    def check(self) -> ValidationError | None:
        if not self.changes():
            return ValidationError.for_field("changes", self.tr("Chưa có thông tin nào được sửa."))
        return None

    def work(self) -> Callable[[], Any]:
        changes, reason = self.changes(), self.reason.text()
        dossiers, code = self.services.dossiers, self.dossier.code
        return lambda: dossiers.correct(code, changes, reason)

    def done_with(self, result: Any) -> None:
        self.dossier = result
        self.dossier_corrected.emit(result)

    def _on_edit_text_changed(self, key: str) -> None:
        changed = nfc(self.edits[key].text()) != nfc(self._original.get(key, ""))
        font = self._captions[key].font()
        font.setBold(changed)
        self._captions[key].setFont(font)
        self.errors.set(key, "")
