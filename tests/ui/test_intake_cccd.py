"""Intake from the keyboard, the way a clerk at the counter does it: typed by hand (ID number
first) and with the chip ID card's QR code read by a 2D scanner in keyboard mode.

Keys are counted: the scanner's line is ONE event (the clerk pulls a trigger), every other key
the clerk presses counts one.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from tests.conftest import make_draft
from tests.ui.keys import press
from tthc_desk.domain.dossier import Person
from tthc_desk.services.container import Services
from tthc_desk.services.dossier_service import DossierQuery
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.tasks import TaskRunner

CARD = (
    "001190012345|123456789|Nguyễn Thị Hồng Nhung|15081990|Nữ|"
    "Số 5 ngõ 12 phố Đông Các, Đống Đa, Hà Nội|01072021"
)
ADDRESS = "Số 5 ngõ 12 phố Đông Các, Đống Đa, Hà Nội"


class Clerk:
    """Sends keys to whatever has the focus, as the keyboard does, and counts them."""

    def __init__(self, qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.popup = window.intake.picker.popup()
        self.keys = 0
        self.scans = 0

    @staticmethod
    def focus() -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def target(self) -> QWidget:
        """Where the keyboard goes: the procedure picker's open pop-up list takes the keys (and
        hands letters on to its input), else the focused input. (Not activePopupWidget(): in
        PySide6 6.12 on Python 3.11 each call that returns None drops a reference to None.)"""
        return self.popup if self.popup.isVisible() else self.focus()

    def type(self, text: str) -> None:
        for ch in text:
            self._char(self.target(), ch)
            QApplication.processEvents()  # the event loop runs between two keys
        self.keys += len(text)

    def press(
        self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        """A key through Qt's real key path, so window shortcuts (Ctrl+S, Ctrl+Q) fire."""
        self.qtbot.keyClick(self.target(), key, modifiers)
        QApplication.processEvents()
        self.keys += 1

    def scan(self, line: str) -> None:
        """A scanner in keyboard mode: the line, character by character, then Enter."""
        target = self.focus()
        if line.isascii():  # what a US-layout scanner sends: through QTest's key path
            self.qtbot.keyClicks(target, line)
            self.qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            for ch in line:
                self._char(target, ch)
            press(target, Qt.Key.Key_Return)
        QApplication.processEvents()
        self.scans += 1

    @staticmethod
    def _char(widget: QWidget, ch: str) -> None:
        # qtbot.keyClicks aborts on letters outside Latin-1 (ễ, Đ): one key event per letter.
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def activate(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Shortcuts (Ctrl+S, Ctrl+Q) reach only the active window, as on the clerk's screen; the
    offscreen platform does not give activation back when a message box closes."""
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)


@pytest.fixture
def window(qtbot, services: Services) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services, TaskRunner(synchronous=True))
    window.intake.print_after_save = False
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    return window


def pick_birth_registration(clerk: Clerk, window: MainWindow) -> None:
    """Khai sinh, from the empty form: the cursor starts in the procedure box."""
    assert clerk.focus() is window.intake.picker.edit
    clerk.type("khai sinh")
    clerk.press(Qt.Key.Key_Return)
    procedure = window.intake.picker.procedure()
    assert procedure is not None and procedure.code == "1.001193"


def test_scanned_card_new_applicant_saved_in_at_most_20_keys(
    qtbot, window: MainWindow, services: Services
) -> None:  # type: ignore[no-untyped-def]
    page, clerk = window.intake, Clerk(qtbot, window)
    pick_birth_registration(clerk, window)
    assert clerk.focus() is page.applicant.id_number  # choosing moves on to the ID number
    clerk.scan(CARD)  # straight into the ID number box
    a = page.applicant
    assert a.id_number.text() == "001190012345"
    assert a.full_name.text() == "Nguyễn Thị Hồng Nhung"
    assert a.birth_date.text() == "15/08/1990"
    assert a.address.text() == ADDRESS
    assert page.applicant.status.isVisibleTo(page)
    assert page.applicant.status.text() == (
        "Đã điền từ CCCD: số định danh, họ và tên, ngày sinh, địa chỉ."
    )
    assert clerk.focus() is a.phone  # the first thing the card does not say
    # One paper not brought: Tab through email… to the first paper and untick it.
    for _ in range(4):
        clerk.press(Qt.Key.Key_Tab)
    assert clerk.focus() is page.papers.first_input()
    clerk.press(Qt.Key.Key_Space)
    clerk.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    saved = page.last_dossier
    assert saved is not None and services.dossiers.count(DossierQuery()) == 1
    assert saved.applicant == Person(
        "Nguyễn Thị Hồng Nhung", "001190012345", date(1990, 8, 15), "", ADDRESS, ""
    )
    assert not saved.papers[0].provided and all(p.provided for p in saved.papers[1:])
    assert clerk.scans == 1
    assert clerk.keys + clerk.scans <= 20, clerk.keys
    assert clerk.keys + clerk.scans == 17  # 9 letters, Enter, scan, 4 Tabs, Space, Ctrl+S


def test_typed_by_hand_id_number_first(qtbot, window: MainWindow, services: Services) -> None:  # type: ignore[no-untyped-def]
    page, clerk = window.intake, Clerk(qtbot, window)
    pick_birth_registration(clerk, window)
    clerk.type("001190054321")
    clerk.press(Qt.Key.Key_Tab)
    assert clerk.focus() is page.applicant.full_name
    clerk.type("Lê Văn Tám")
    clerk.press(Qt.Key.Key_Tab)
    assert clerk.focus() is page.applicant.birth_date
    clerk.type("02/09/1985")
    clerk.press(Qt.Key.Key_Tab)
    assert clerk.focus() is page.applicant.phone
    clerk.type("0912345678")
    clerk.press(Qt.Key.Key_Tab)
    assert clerk.focus() is page.applicant.address
    clerk.type("Thôn Đông, xã Hòa Bình")
    clerk.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = page.last_dossier
    assert saved is not None
    assert saved.applicant == Person(
        "Lê Văn Tám", "001190054321", date(1985, 9, 2), "0912345678", "Thôn Đông, xã Hòa Bình"
    )
    assert not page.applicant.status.isVisibleTo(page)  # no card, nothing said about one
    assert clerk.scans == 0
    # By hand: 79 characters and keys (more with Telex accents); a scan: 17, a paper unticked.
    assert clerk.keys == 79


def test_ctrl_q_scan_box_and_a_returning_applicant(
    qtbot, window: MainWindow, services: Services
) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(
        make_draft(
            applicant=Person(
                "Nguyễn Thị Hồng Nhung",
                "001190012345",
                None,
                "0987654321",
                "Địa chỉ cũ, xã Hòa Bình",
                "nhung@example.vn",
            )
        )
    )
    page, clerk = window.intake, Clerk(qtbot, window)
    clerk.press(Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert clerk.focus() is page.applicant.scan
    assert "Ctrl+Q" in page.applicant.scan.placeholderText()
    assert "Ctrl+Q" in page.applicant.scan.toolTip()
    clerk.scan(CARD + "|")
    a = page.applicant
    assert a.scan.text() == ""  # the scan box is ready for the next card
    # The card's values first, then the earlier record fills what the card does not carry.
    assert (a.id_number.text(), a.full_name.text(), a.address.text()) == (
        "001190012345",
        "Nguyễn Thị Hồng Nhung",
        ADDRESS,
    )
    assert (a.phone.text(), a.email.text()) == ("0987654321", "nhung@example.vn")
    assert a.prefill_note.isVisibleTo(page)
    assert a.status.text().startswith("Đã điền từ CCCD: ")
    assert clerk.focus() is page.papers.first_input()  # phone known: on to the papers
    assert window.isVisible()  # Ctrl+Q no longer quits


def test_scan_into_the_name_box_restores_what_was_typed_there(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page, clerk = window.intake, Clerk(qtbot, window)
    a = page.applicant
    a.phone.setFocus()
    clerk.type("0912")
    a.full_name.setFocus()
    clerk.scan(
        "001190012345|123456789|Nguyen Thi Hong Nhung|15081990|Nu|So 5 ngo 12 Dong Cac|01072021"
    )
    assert a.full_name.text() == "Nguyen Thi Hong Nhung"  # the line itself is gone
    assert a.phone.text() == "0912"
    assert "không dấu" in a.status.text()  # a US-layout scanner: accents to put back
    assert clerk.focus() is page.papers.first_input()  # a phone is there: on to the papers


def test_malformed_line_is_refused_and_nothing_changes(
    qtbot, window: MainWindow, services: Services
) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(make_draft())  # 001190012345 is a returning applicant
    page, clerk = window.intake, Clerk(qtbot, window)
    a = page.applicant
    a.full_name.setFocus()
    clerk.type("Trần Văn Bốn")
    a.id_number.setFocus()
    # An ID number one digit short and an impossible birth date: typed into the ID box, whose
    # first 12 characters would look up a returning applicant on their own.
    clerk.scan("00119001234|123456789|Trần Văn Bốn|31021990|Nam|Hà Nội|01072021")
    assert a.status.isVisibleTo(page)
    assert a.status.text() == (
        "Mã QR trên CCCD không đọc được: số định danh “00119001234” không phải 12 chữ số. "
        "Quét lại thẻ, hoặc gõ tay các mục."
    )
    assert [w.text() for w in (a.id_number, a.full_name, a.birth_date, a.phone, a.address)] == [
        "",
        "Trần Văn Bốn",
        "",
        "",
        "",
    ]
    assert not a.prefill_note.isVisibleTo(page)
    clerk.scan(CARD.replace("15081990", "31021990"))  # 12 digits: the look-up ran mid-line
    assert "ngày sinh “31021990”" in a.status.text()
    assert a.id_number.text() == "" and a.phone.text() == ""  # what it filled is undone
    assert a.full_name.text() == "Trần Văn Bốn"
    assert not a.prefill_note.isVisibleTo(page)
    assert page.last_dossier is None and services.dossiers.count(DossierQuery()) == 1


def test_a_card_that_differs_from_what_was_typed_is_asked_about(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page, clerk = window.intake, Clerk(qtbot, window)
    a = page.applicant
    a.full_name.setFocus()
    clerk.type("Nguyễn Thị Hồng Nhụng")  # a typo the card corrects, once asked
    a.address.setFocus()
    clerk.type("Số 5 ngõ 12 phố Đông Các, Đống Đa, Hà Nội")
    clerk.press(Qt.Key.Key_Tab)
    clerk.press(Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    clerk.scan(CARD)
    box = page.card_box
    assert box is not None and box.isVisible()
    assert "đang nhập “Nguyễn Thị Hồng Nhụng”, trên thẻ “Nguyễn Thị Hồng Nhung”" in box.text()
    assert "địa chỉ" not in box.text()  # the same address is not a difference
    assert a.full_name.text() == "Nguyễn Thị Hồng Nhụng"  # nothing replaced before the answer
    keep = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole)
    keep.click()
    activate(qtbot, window)
    assert a.full_name.text() == "Nguyễn Thị Hồng Nhụng"
    assert a.id_number.text() == "001190012345"  # the empty ones are filled all the same
    assert a.birth_date.text() == "15/08/1990"
    assert a.status.text() == "Đã điền từ CCCD: số định danh, ngày sinh."
    clerk.press(Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    clerk.scan(CARD)
    box = page.card_box
    assert box is not None and box.isVisible()
    use = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    use.click()
    activate(qtbot, window)
    assert a.full_name.text() == "Nguyễn Thị Hồng Nhung"
    assert a.status.text() == "Đã điền từ CCCD: họ và tên."


def test_the_authorised_persons_card_fills_their_block(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page, clerk = window.intake, Clerk(qtbot, window)
    page.authorised_check.setChecked(True)
    page.authorised.id_number.setFocus()
    clerk.scan(CARD)
    assert page.authorised.id_number.text() == "001190012345"
    assert page.authorised.full_name.text() == "Nguyễn Thị Hồng Nhung"
    assert page.applicant.is_empty()
    assert clerk.focus() is page.authorised.phone
