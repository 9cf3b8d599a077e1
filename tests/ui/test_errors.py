"""The one place errors are shown, the excepthook, inline field errors and small widgets."""

from __future__ import annotations

import logging
import sys
from datetime import date, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from tthc_desk.domain.errors import NotFoundError, Problem, ValidationError
from tthc_desk.domain.office import Session
from tthc_desk.ui.errors import ErrorDialog, FieldErrors, install_excepthook, show_error
from tthc_desk.ui.widgets import DateEdit, MoneyEdit, parse_sessions


@pytest.fixture
def parent(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_validation_error_lists_row_and_column(parent):
    exc = ValidationError(
        "Không nhập được danh mục: có 2 lỗi.",
        [
            Problem("Mã “1.99” không đúng dạng.", row=4, column="Mã thủ tục"),
            Problem("Thời hạn không được âm.", row=7, column="Thời hạn"),
        ],
    )
    dialog = show_error(parent, exc)
    assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Không thực hiện được"
    assert dialog.message_label.text() == "Không nhập được danh mục: có 2 lỗi."
    assert dialog.problems() == [
        "Dòng 4, cột “Mã thủ tục”: Mã “1.99” không đúng dạng.",
        "Dòng 7, cột “Thời hạn”: Thời hạn không được âm.",
    ]
    assert dialog.details_button.isHidden()


def test_single_field_error_is_not_repeated_in_the_list(parent):
    dialog = show_error(parent, ValidationError.for_field("phone", "Số điện thoại sai."))
    assert dialog.problems() == []
    assert dialog.problem_list.isHidden()


def test_known_errors_show_their_message_only(parent):
    dialog = show_error(parent, NotFoundError("Không có thủ tục mã “9.999999” trong danh mục."))
    assert dialog.message_label.text().startswith("Không có thủ tục")
    assert dialog.copy_button.isHidden()


def test_unexpected_error_offers_to_copy_the_traceback(qtbot, parent):
    try:
        {}["missing"]
    except KeyError as exc:
        dialog = show_error(parent, exc)
    assert dialog.message_label.text().startswith("Đã có lỗi không mong muốn")
    assert dialog.windowTitle() == "Lỗi"
    assert not dialog.details_edit.isVisible()
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert dialog.details_edit.isVisible()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "Traceback" in copied and "KeyError" in copied and "test_errors.py" in copied
    assert dialog.copy_button.text() == "Đã sao chép"


def test_excepthook_logs_and_shows(qtbot, caplog, parent):
    log = logging.getLogger("tthc_desk.test")
    previous = install_excepthook(log)
    try:
        try:
            raise RuntimeError("hỏng")
        except RuntimeError:
            with caplog.at_level(logging.ERROR, logger="tthc_desk.test"):
                sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    assert "RuntimeError: hỏng" in caplog.text
    shown = [
        w
        for w in QApplication.topLevelWidgets() + parent.findChildren(ErrorDialog)
        if isinstance(w, ErrorDialog) and w.isVisible()
    ]
    assert shown and "RuntimeError: hỏng" in shown[-1].details
    for dialog in shown:
        dialog.close()


def test_field_errors_show_clear_and_focus_the_first(qtbot):
    box = QWidget()
    qtbot.addWidget(box)
    name, phone, papers = QLineEdit(box), QLineEdit(box), QLineEdit(box)
    fields = {
        "name": (name, QLabel(box)),
        "phone": (phone, QLabel(box)),
        "papers": (papers, QLabel(box)),
    }
    errors = FieldErrors(fields)
    exc = ValidationError(
        "Chưa hợp lệ.",
        [
            Problem("Số điện thoại sai.", field="phone"),
            Problem("Giấy tờ 2 chưa có tên.", field="papers.2.name"),
            Problem("Ngày sinh sai.", field="birth_date"),
        ],
    )
    first = errors.show(exc)
    assert first is phone
    assert errors.messages() == {"phone": "Số điện thoại sai.", "papers": "Giấy tờ 2 chưa có tên."}
    assert errors.unmatched == {"birth_date": "Ngày sinh sai."}
    assert "border" in phone.styleSheet() and phone.toolTip() == "Số điện thoại sai."
    assert name.styleSheet() == ""
    errors.clear()
    assert errors.messages() == {} and phone.styleSheet() == "" and fields["phone"][1].isHidden()


def test_money_date_and_sessions_inputs(qtbot):
    money = MoneyEdit()
    qtbot.addWidget(money)
    money.setValue(50000)
    assert money.text() == "50.000 đ" and money.value() == 50000
    money.textEdited.emit("1200000")
    assert money.value() == 1200000

    day = DateEdit()
    qtbot.addWidget(day)
    assert day.date() is None
    day.setText("2/3/2026")
    assert day.date() == date(2026, 3, 2)
    day.setText("31/02/2026")
    assert not day.is_valid()

    assert parse_sessions("7:30-11:30; 13h30 – 17:00") == (
        Session(time(7, 30), time(11, 30)),
        Session(time(13, 30), time(17, 0)),
    )
    assert parse_sessions("  ") == ()
    with pytest.raises(ValueError, match="không đúng dạng giờ"):
        parse_sessions("sáng")
