"""The two panels that frame the intake form: the saved dossier on top, the appointment below.

Kept apart from the form so the page module stays about the intake flow itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tthc_desk.domain.dossier import Dossier
from tthc_desk.ui.display import ACCENT_COLOR, appointment_text, heading_font, muted_label


class SavedDossierPanel(QFrame):
    """Green panel: "Đã tiếp nhận hồ sơ", the new code in large type, and a reprint button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("successPanel")
        self.setStyleSheet(
            "#successPanel { background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; }"
        )
        self.title = QLabel(self.tr("Đã tiếp nhận hồ sơ"))
        self.code_label = QLabel()
        self.code_label.setObjectName("savedCode")
        self.code_label.setFont(heading_font(self.font(), 1.7))
        self.code_label.setStyleSheet("color: #1b5e20;")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label = QLabel()
        self.printed_label = QLabel()
        self.printed_label.setObjectName("printedLabel")
        self.printed_label.hide()
        self.reprint_button = QPushButton(self.tr("In lại giấy tiếp nhận"))
        self.reprint_button.setAutoDefault(False)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.code_label)
        text.addWidget(self.info_label)
        text.addWidget(self.printed_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addLayout(text, 1)
        row.addWidget(self.reprint_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_dossier(self, dossier: Dossier) -> None:
        self.printed_label.hide()
        self.code_label.setText(dossier.code)
        self.info_label.setText(
            self.tr("{name} · {procedure} · Hẹn trả: {due}").format(
                name=dossier.applicant.full_name,
                procedure=dossier.procedure_name,
                due=appointment_text(dossier.due_at),
            )
        )
        self.show()

    def show_printed(self, text: str) -> None:
        """Say that the receipt went to the printer (*In nhanh*)."""
        self.printed_label.setText(text)
        self.printed_label.show()


class AppointmentBar(QFrame):
    """Blue bar at the bottom: the live appointment, large, beside "Nhập mới" and save."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appointmentBar")
        self.setStyleSheet(
            "#appointmentBar { background: #e3f2fd; border: 1px solid #90caf9; border-radius: 4px; "
            "}"
        )
        self.appointment = QLabel()
        self.appointment.setObjectName("appointmentLabel")
        self.appointment.setFont(heading_font(self.font(), 1.45))
        self.appointment.setStyleSheet(f"color: {ACCENT_COLOR};")
        self.note = muted_label()
        self.new_button = QPushButton(self.tr("Nhập mới"))
        self.new_button.setAutoDefault(False)
        self.save_button = QPushButton(self.tr("Lưu và in giấy tiếp nhận"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip(self.tr("Ctrl+S"))
        self.save_button.setMinimumHeight(38)
        self.save_button.setStyleSheet(
            "QPushButton#saveButton { font-weight: bold; padding: 6px 18px; }"
        )
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.appointment)
        text.addWidget(self.note)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addLayout(text, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.save_button)
