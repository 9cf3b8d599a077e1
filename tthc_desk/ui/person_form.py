"""The applicant (or authorised person) part of the intake form.

Fields are keyed the way the dossier service reports problems (``applicant.id_number`` …) so a
ValidationError lands under the right input. The ID number comes first (it finds a returning
applicant), then the name. When the 12th digit of the ID number is typed the form says so
(``id_number_completed``): the intake page looks the person up and fills what is still empty, so
people are not asked twice for what the office already has.

The applicant's form also reads the chip ID card (CCCD): a scanner's line typed into any of its
inputs, or into the *Quét CCCD* input, is caught (:class:`~tthc_desk.ui.card_scan.ScanCatcher`),
the inputs are put back as they were before the line arrived, and ``card_scanned`` carries the
line; the page reads it and calls :meth:`PersonForm.fill_from_card`.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from tthc_desk.domain.cccd import CccdData
from tthc_desk.domain.dossier import Person
from tthc_desk.domain.errors import Problem
from tthc_desk.domain.text import collapse_spaces, fold, format_date, nfc
from tthc_desk.ui.card_scan import ScanCatcher
from tthc_desk.ui.display import ERROR_COLOR, parse_day, with_error


class PersonForm(QWidget):
    """Name, ID number, and (for the applicant) birth date, phone, email, address."""

    id_number_completed = Signal(str)
    address_edited = Signal(str)
    card_scanned = Signal(str)  # a scanner's line (or one pasted into Quét CCCD); inputs put back

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

        self.scan = QLineEdit()
        self.scan.setObjectName("cardScan")
        self.scan.setPlaceholderText(self.tr("Ctrl+Q rồi quét thẻ"))
        self.scan.setToolTip(
            self.tr(
                "Quét mã QR trên thẻ căn cước (Ctrl+Q đưa con trỏ vào ô này): tự điền số định "
                "danh, họ tên, ngày sinh, địa chỉ. Quét thẳng vào ô Số định danh hay Họ và tên "
                "cũng được."
            )
        )
        # Out of the Tab chain (Ctrl+Q or a click): the hand-typed path goes ID number → name.
        self.scan.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.status = QLabel()
        self.status.setObjectName("cardStatus")
        self.status.setWordWrap(True)
        self.status.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        # Created (and so tabbed through) in working order: the ID number finds a returning
        # applicant, so it comes first, then the name.
        id_label = self.tr("Số định danh *")
        self._add(grid, 0, 0, id_label, self.id_number, "id_number", note=self.prefill_note)
        if full:
            scan_label = QLabel(self.tr("Quét CCCD"))
            scan_label.setBuddy(self.scan)
            scan_label.setMinimumHeight(self.scan.sizeHint().height())
            grid.addWidget(scan_label, 0, 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(self.scan, 0, 3, Qt.AlignmentFlag.AlignTop)
            self._add(grid, 1, 0, self.tr("Họ và tên *"), self.full_name, "full_name", span=3)
            self._add(grid, 2, 0, self.tr("Ngày sinh"), self.birth_date, "birth_date")
            self._add(grid, 2, 2, self.tr("Điện thoại"), self.phone, "phone")
            self._add(grid, 3, 0, self.tr("Địa chỉ"), self.address, "address", span=3)
            self._add(grid, 4, 0, self.tr("Email"), self.email, "email")
        else:
            self._add(grid, 1, 0, self.tr("Họ và tên *"), self.full_name, "full_name")
            self._add(grid, 1, 2, self.tr("Điện thoại"), self.phone, "phone")
            for w in (self.birth_date, self.email, self.address, self.scan):
                w.setParent(self)  # unused for an authorised person: kept, never shown
                w.hide()
        grid.addWidget(self.status, 5, 0, 1, 4)

        self.id_number.textEdited.connect(self._on_id_number_text_edited)
        self.address.textEdited.connect(self.address_edited)
        self.scan.returnPressed.connect(self._on_scan_return_pressed)
        self.catcher = ScanCatcher([*self._inputs(), self.scan], self._snapshot, self)
        self.catcher.line_scanned.connect(self._on_catcher_line_scanned)

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
        for w in (*self._inputs(), self.scan):
            w.clear()
        self.prefill_note.hide()
        self.status.hide()

    # -- the ID card ---------------------------------------------------------------------------
    def _card_values(self, card: CccdData) -> list[tuple[QLineEdit, str, str]]:
        """(input, the card's value, the input's name) for what this form keeps of a card."""
        out = [
            (self.id_number, card.id_number, self.tr("số định danh")),
            (self.full_name, card.full_name, self.tr("họ và tên")),
        ]
        if self.full:
            out += [
                (self.birth_date, format_date(card.birth_date), self.tr("ngày sinh")),
                (self.address, card.address, self.tr("địa chỉ")),
            ]
        return [(w, value, name) for w, value, name in out if value]

    def card_conflicts(self, card: CccdData) -> list[tuple[str, str, str]]:
        """(name, what is typed, what the card says) for each input the clerk filled otherwise."""
        return [
            (name, w.text().strip(), value)
            for w, value, name in self._card_values(card)
            if _card_action(w.text(), value) == "ask"
        ]

    def fill_from_card(self, card: CccdData, *, replace: bool) -> list[str]:
        """Put the card's values in; an input typed otherwise only when ``replace``. Returns the
        names of the inputs changed."""
        filled = []
        for w, value, name in self._card_values(card):
            action = _card_action(w.text(), value)
            if action == "fill" or (action == "ask" and replace):
                w.setText(value)
                filled.append(name)
        return filled

    def show_status(self, text: str, *, ok: bool) -> None:
        """The line under the form: what the card filled (green) or why it was refused (red)."""
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {'#2e7d32' if ok else ERROR_COLOR};")
        self.status.show()

    def _snapshot(self) -> tuple[list[str], bool]:
        return [w.text() for w in (*self._inputs(), self.scan)], self.prefill_note.isVisible()

    def _restore(self, snapshot: object) -> None:
        """Every input as it was before a scanner's line arrived (and the look-up it set off)."""
        if not isinstance(snapshot, tuple):
            return
        texts, note_visible = snapshot
        for w, text in zip((*self._inputs(), self.scan), texts, strict=True):
            if w.text() != text:
                w.setText(text)
        self.prefill_note.setVisible(note_visible)

    # -- slots --------------------------------------------------------------------------------
    def _on_id_number_text_edited(self, text: str) -> None:
        self.prefill_note.hide()
        if len(text) == 12 and text.isdigit():
            self.id_number_completed.emit(text)

    def _on_catcher_line_scanned(self, _widget: QLineEdit, line: str, snapshot: object) -> None:
        self._restore(snapshot)
        self.scan.clear()
        self.card_scanned.emit(line)

    def _on_scan_return_pressed(self) -> None:
        """A line pasted into *Quét CCCD* (a scanned one is caught before it gets here)."""
        line = self.scan.text()
        self.scan.clear()
        if line.strip():
            self.card_scanned.emit(line)


def _card_action(typed: str, value: str) -> str:
    """ "fill" an empty input (or one typed without accents that the card has with them), "keep"
    one that already says the same, "ask" before replacing what the clerk typed otherwise."""
    current = collapse_spaces(typed)
    if not current:
        return "fill"
    if current == value or _same_day(current, value):
        return "keep"
    if fold(current) == fold(value) and (current.isascii() or value.isascii()):
        # The same words, one side without accents: keep the side that has them.
        return "fill" if current.isascii() and not value.isascii() else "keep"
    return "ask"


def _same_day(typed: str, value: str) -> bool:
    try:
        day = parse_day(value)
        return day is not None and parse_day(typed) == day
    except ValueError:
        return False
