"""Correct an intake mistake: change a few fields, give a reason, keep the old values.

Every correctable field is listed with its current value already in the box; the clerk changes
the wrong ones (the row turns bold so the change is visible) and writes why. Only the changed
fields are sent to ``DossierService.correct``, which records old and new values, who and when.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tthc_desk.domain.dossier import Dossier, ReturnMethod
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.text import format_date, format_money, nfc
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import CORRECTABLE_FIELDS
from tthc_desk.ui.display import ERROR_COLOR, heading_font, muted_label, parse_money, with_error
from tthc_desk.ui.errors import FieldErrors, show_error
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


class CorrectionDialog(QDialog):
    """``dossier_corrected`` carries the dossier as saved after the correction."""

    dossier_corrected = Signal(object)

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        dossier: Dossier,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("correctionDialog")
        self._services = services
        self._runner = runner
        self.dossier = dossier
        self._saving = False
        self.setWindowTitle(self.tr("Sửa thông tin hồ sơ {0}").format(dossier.code))
        self.setMinimumWidth(620)

        title = QLabel(self.tr("Sửa thông tin hồ sơ {0}").format(dossier.code))
        title.setFont(heading_font(self.font(), 1.25))
        hint = muted_label(
            self.tr(
                "Sửa ô có thông tin sai (ô đã sửa hiện chữ đậm), ghi lý do rồi bấm “Lưu thay đổi”. Giá trị cũ được giữ trong lịch sử hồ sơ."
            )
        )
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"color: {ERROR_COLOR};")
        self.banner.hide()

        self._original = current_values(dossier)
        self.edits: dict[str, QLineEdit] = {}
        self._captions: dict[str, QLabel] = {}
        fields: dict[str, tuple[QWidget, QLabel]] = {}
        form = QFormLayout()
        form.setVerticalSpacing(4)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for key, label in CORRECTABLE_FIELDS.items():
            edit = QLineEdit(self._original.get(key, ""))
            edit.setObjectName(f"correct_{key}")
            if key == "applicant_birth_date":
                edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
            if key == "return_address" and dossier.return_method is not ReturnMethod.POSTAL:
                edit.setPlaceholderText(self.tr("chỉ dùng khi trả kết quả qua bưu chính"))
            caption = QLabel(self.tr(label))
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
        self.field_errors = FieldErrors(fields)

        self.save_button = QPushButton(self.tr("Lưu thay đổi"))
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Hủy"))
        self.cancel_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        root = QVBoxLayout(self)
        root.addWidget(title)
        root.addWidget(hint)
        root.addWidget(self.banner)
        root.addLayout(form)
        root.addLayout(buttons)

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

    def submit(self) -> None:
        if self._saving:
            return
        self.field_errors.clear()
        self.banner.hide()
        changes = self.changes()
        if not changes:
            self._show(
                ValidationError.for_field("changes", self.tr("Chưa có thông tin nào được sửa."))
            )
            return
        self._saving = True
        self.save_button.setEnabled(False)
        reason = self.reason.text()
        dossiers, code = self._services.dossiers, self.dossier.code
        self._runner.run(
            lambda: dossiers.correct(code, changes, reason),
            self._on_correct_done,
            self._on_correct_failed,
            write=True,
            label="Sửa hồ sơ",
        )

    def _on_correct_done(self, dossier: Dossier) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.dossier = dossier
        self.dossier_corrected.emit(dossier)
        self.accept()

    def _on_correct_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show(exc)
        else:
            show_error(self, exc)

    def _show(self, exc: ValidationError) -> None:
        first = self.field_errors.show(exc)
        lines = [
            exc.message,
            *(m for m in self.field_errors.unmatched.values() if m != exc.message),
        ]
        self.banner.setText("\n".join(lines))
        self.banner.show()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_edit_text_changed(self, key: str) -> None:
        changed = nfc(self.edits[key].text()) != nfc(self._original.get(key, ""))
        font = self._captions[key].font()
        font.setBold(changed)
        self._captions[key].setFont(font)
        self.field_errors.set(key, "")
