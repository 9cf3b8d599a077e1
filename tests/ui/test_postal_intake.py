"""Receiving by post and choosing return by post on the intake form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication

from tests.ui.keys import press, type_text
from tthc_desk.domain.dossier import Channel, ReturnMethod
from tthc_desk.services.container import Services
from tthc_desk.ui.intake_details import NO_POSTAL
from tthc_desk.ui.intake_page import IntakePage
from tthc_desk.ui.tasks import TaskRunner

POSTAL = "1.004873"  # Giấy xác nhận tình trạng hôn nhân: offered by post
IN_PERSON = "2.001035"  # Chứng thực giao dịch: the applicant must come in person
ADDRESS = "Số 8 ngõ 3 phố Hàn Thuyên, phường Đồng Nguyên, tỉnh Bắc Ninh"


@pytest.fixture
def page(qtbot, services: Services) -> IntakePage:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    page = IntakePage(services, runner, print_after_save=False)
    page._test_runner = runner
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def choose_channel(page: IntakePage, channel: Channel) -> None:
    combo = page.details.channel
    combo.setFocus()
    while combo.currentData() != channel.value:
        press(combo, Qt.Key.Key_Down)


def test_postal_fields_follow_the_channel_and_the_return_choice(
    page: IntakePage, services: Services
) -> None:
    d = page.details
    page.picker.select(POSTAL)
    assert not d.postal_reference.isVisibleTo(page) and not d.return_recipient.isVisibleTo(page)
    type_text(page.applicant.full_name, "Nguyễn Thị Hồng Nhung")
    type_text(page.applicant.id_number, "001190012345")
    type_text(page.applicant.phone, "0912345678")
    choose_channel(page, Channel.POSTAL)
    assert d.postal_reference.isVisibleTo(page)
    # Tab from the channel goes to the item number, then to the return choice.
    d.channel.setFocus()
    assert d.channel.nextInFocusChain() is d.postal_reference
    page.save_button.click()  # no item number: refused inline
    assert "cần số hiệu bưu gửi" in page.field_errors.message("postal_reference")
    assert QApplication.focusWidget() is d.postal_reference
    type_text(d.postal_reference, "eb 123456789 vn")
    assert page.field_errors.message("postal_reference") == ""

    d.return_postal.setChecked(True)
    assert d.return_recipient.isVisibleTo(page)
    assert (d.return_recipient.text(), d.return_phone.text()) == (
        "Nguyễn Thị Hồng Nhung",
        "0912345678",
    )
    page.authorised_check.setChecked(True)
    type_text(page.authorised.full_name, "Trần Văn Bình")
    type_text(page.authorised.phone, "0988123456")
    assert (d.return_recipient.text(), d.return_phone.text()) == ("Trần Văn Bình", "0988123456")
    type_text(page.authorised.id_number, "001085004321")
    d.return_phone.clear()
    type_text(d.return_phone, "123")
    type_text(d.return_address, ADDRESS)
    page.save_button.click()
    assert "10 chữ số" in page.field_errors.message("return_phone")
    d.return_phone.clear()
    type_text(d.return_phone, "0977 111 222")
    page.save_button.click()
    saved = page.last_dossier
    assert saved is not None
    assert (saved.channel, saved.postal_reference) == (Channel.POSTAL, "EB123456789VN")
    assert saved.return_method is ReturnMethod.POSTAL and saved.return_address == ADDRESS
    assert (saved.return_recipient, saved.return_phone) == ("Trần Văn Bình", "0977111222")
    # The form is clean again: the postal rows are hidden.
    assert not d.postal_reference.isVisibleTo(page) and d.postal_reference.text() == ""
    assert not d.return_recipient.isVisibleTo(page)


def test_a_procedure_not_offered_by_post_disables_both_postal_choices(page: IntakePage) -> None:
    d = page.details
    page.picker.select(POSTAL)
    choose_channel(page, Channel.POSTAL)
    d.return_postal.setChecked(True)
    page.picker.select(IN_PERSON)
    assert not d.return_postal.isEnabled() and d.return_counter.isChecked()
    assert (
        d.return_postal.toolTip()
        == NO_POSTAL
        == "Thủ tục này không cho phép nộp/trả kết quả qua bưu chính"
    )
    assert d.channel.currentData() == Channel.DIRECT.value
    model = d.channel.model()
    assert isinstance(model, QStandardItemModel)
    item = model.item(d.channel.findData(Channel.POSTAL.value))
    assert not item.isEnabled() and item.toolTip() == NO_POSTAL
    page.picker.select(POSTAL)
    assert d.return_postal.isEnabled() and item.isEnabled() and d.return_postal.toolTip() == ""
