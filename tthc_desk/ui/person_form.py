"""The applicant (or authorised person) part of the intake form.

Fields are keyed the way the dossier service reports problems (``applicant.id_number`` …) so a
ValidationError lands under the right input. When the 12th digit of the ID number is typed the
form says so (``id_number_completed``): the intake page looks the person up and fills what is
still empty, so people are not asked twice for what the office already has.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import Problem
from tthc_desk.domain.text import collapse_spaces, nfc
from tthc_desk.ui.display import parse_day, with_error


class PersonForm(QWidget):
    """Name, ID number, and (for the applicant) birth date, phone, email, address."""

    id_number_completed = Signal(str)
    address_edited = Signal(str)

    def __init__(self, prefix: str, *, full: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.full = full
        self._errors: dict[str, tuple[QWidget, QLabel]] = {}

        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText(self.tr("Ví dụ: Nguyễn Thị Hồng Nhung"))
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("12 chữ số trên thẻ căn cước"))
        self.id_number.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,12}"), self.id_number)
        )
        self.id_number.setMaxLength(12)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("Ví dụ: 0912345678"))
        self.phone.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9 +.\-]{0,16}"), self.phone)
        )
        self.birth_date = QLineEdit()
        self.birth_date.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.birth_date.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9/.\-]{0,10}"), self.birth_date)
        )
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("không bắt buộc"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("Số nhà, đường/thôn, xã/phường, tỉnh"))
        self.prefill_note = QLabel(self.tr("✓ Đã điền theo hồ sơ trước"))
        self.prefill_note.setObjectName("prefillNote")
        self.prefill_note.setStyleSheet("color: #2e7d32;")
        self.prefill_note.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        # Created (and so tabbed through) in reading order: left to right, top to bottom.
        self._add(grid, 0, 0, self.tr("Họ và tên *"), self.full_name, "full_name", span=3)
        self._add(
            grid,
            1,
            0,
            self.tr("Số định danh *"),
            self.id_number,
            "id_number",
            note=self.prefill_note,
        )
        if full:
            self._add(grid, 1, 2, self.tr("Ngày sinh"), self.birth_date, "birth_date")
            self._add(grid, 2, 0, self.tr("Điện thoại"), self.phone, "phone")
            self._add(grid, 2, 2, self.tr("Email"), self.email, "email")
            self._add(grid, 3, 0, self.tr("Địa chỉ"), self.address, "address", span=3)
        else:
            self._add(grid, 1, 2, self.tr("Điện thoại"), self.phone, "phone")
            for w in (self.birth_date, self.email, self.address):
                w.setParent(self)  # unused for an authorised person: kept, never shown
                w.hide()

        self.id_number.textEdited.connect(self._on_id_number_text_edited)
        self.address.textEdited.connect(self.address_edited)

    def _add(
        self,
        grid: QGridLayout,
        row: int,
        col: int,
        text: str,
        widget: QLineEdit,
        key: str,
        *,
        span: int = 1,
        note: QLabel | None = None,
    ) -> None:
        label = QLabel(text)
        label.setBuddy(widget)
        # As tall as the input and pinned to the top: an error line below must not move it.
        label.setMinimumHeight(widget.sizeHint().height())
        box, error = with_error(widget, note)
        grid.addWidget(label, row, col, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(box, row, col + 1, 1, span, Qt.AlignmentFlag.AlignTop)
        self._errors[f"{self.prefix}.{key}"] = (widget, error)

    # -- public -------------------------------------------------------------------------------
    def error_fields(self) -> dict[str, tuple[QWidget, QLabel]]:
        """Inputs and their error labels, keyed like the service's problems, in tab order."""
        return dict(self._errors)

    def person(self) -> tuple[Person, list[Problem]]:
        """What was typed, plus problems the form itself can see (a date it cannot read)."""
        problems: list[Problem] = []
        birth = None
        if self.full:
            try:
                birth = parse_day(self.birth_date.text())
            except ValueError:
                problems.append(
                    Problem(
                        self.tr("Ngày sinh cần dạng dd/mm/yyyy, ví dụ 05/09/1990."),
                        field=f"{self.prefix}.birth_date",
                    )
                )
        person = Person(
            full_name=collapse_spaces(self.full_name.text()),
            id_number=nfc(self.id_number.text()),
            birth_date=birth,
            phone=nfc(self.phone.text()),
            address=collapse_spaces(self.address.text()) if self.full else "",
            email=nfc(self.email.text()) if self.full else "",
        )
        return person, problems

    def fill_empty(self, person: Person) -> list[str]:
        """Fill the inputs that are still empty from an earlier record; returns what was filled."""
        filled: list[str] = []
        pairs = [
            (self.full_name, person.full_name, "full_name"),
            (self.phone, person.phone, "phone"),
        ]
        if self.full:
            birth = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else ""
            pairs += [
                (self.birth_date, birth, "birth_date"),
                (self.address, person.address, "address"),
                (self.email, person.email, "email"),
            ]
        for widget, value, name in pairs:
            if value and not widget.text().strip():
                widget.setText(value)
                filled.append(name)
        self.prefill_note.setVisible(bool(filled))
        return filled

    def _inputs(self) -> tuple[QLineEdit, ...]:
        return (
            self.full_name,
            self.id_number,
            self.phone,
            self.birth_date,
            self.email,
            self.address,
        )

    def is_empty(self) -> bool:
        return not any(w.text().strip() for w in self._inputs())

    def clear(self) -> None:
        for w in self._inputs():
            w.clear()
        self.prefill_note.hide()

    # -- slots --------------------------------------------------------------------------------
    def _on_id_number_text_edited(self, text: str) -> None:
        self.prefill_note.hide()
        if len(text) == 12 and text.isdigit():
            self.id_number_completed.emit(text)
