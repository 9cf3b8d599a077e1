"""The settings dialog driven as an administrator would: type, save, reopen."""

from __future__ import annotations

import unicodedata
from datetime import date, time

from PySide6.QtCore import QEvent, Qt, QTime
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from tests.conftest import open_test_services
from tthc_desk.domain.office import Session
from tthc_desk.paths import AppPaths
from tthc_desk.ui.settings_dialog import SettingsDialog


def type_text(widget: QWidget, text: str) -> None:
    """Type like a keyboard would, one key event per character (keyClicks aborts on ễ, Đ)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def replace_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.selectAll()
    widget.del_()
    type_text(widget, text)


def open_dialog(qtbot, services) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_edit_office_and_hours_then_reopen(qtbot, services, data_dir):
    dialog = open_dialog(qtbot, services)
    replace_text(dialog.office_edits["parent_authority"], "UBND XÃ TÂN ƯỚC")
    replace_text(dialog.office_edits["office_name"], "Bộ phận Một cửa xã Tân Ước")
    replace_text(dialog.office_edits["place_name"], "Tân Ước")
    replace_text(dialog.office_edits["agency_id"], "000.21.33.H56")
    assert dialog.preview_text() == (
        "UBND XÃ TÂN ƯỚC / Bộ phận Một cửa xã Tân Ước — Tân Ước, ngày 02 tháng 3 năm 2026"
    )
    assert "TÂN ƯỚC" in dialog.preview_label.text()
    dialog.copies_spin.setValue(3)
    replace_text(dialog.hours_form.session_edits[1], "08:00–12:00, 13:00–17:00")
    replace_text(dialog.hours_form.session_edits[6], "7:30-11:30")
    dialog.hours_form.cutoff_edit.setTime(QTime(14, 0))

    with qtbot.waitSignal(dialog.settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted

    office = services.settings.office()
    assert (office.parent_authority, office.office_name, office.receipt_copies) == (
        "UBND XÃ TÂN ƯỚC",
        "Bộ phận Một cửa xã Tân Ước",
        3,
    )
    hours = services.settings.hours()
    assert hours.by_weekday[6] == (Session(time(7, 30), time(11, 30)),)
    assert hours.same_day_cutoff == time(14, 0)
    # The working calendar counts on the new sessions at once (its cache was dropped).
    monday = date(2026, 3, 9)
    assert services.calendar.calendar().sessions_on(monday)[0].start == time(8, 0)

    # Persisted, not only cached: a second process sees the same values in a fresh dialog.
    other = open_test_services(AppPaths(data_dir), services.clock)
    try:
        again = open_dialog(qtbot, other)
        assert again.office_edits["place_name"].text() == "Tân Ước"
        assert again.office_edits["agency_id"].text() == "000.21.33.H56"
        assert again.copies_spin.value() == 3
        assert again.hours_form.session_edits[1].text() == "08:00–12:00, 13:00–17:00"
        assert again.hours_form.session_edits[6].text() == "07:30–11:30"
        assert again.hours_form.session_edits[7].text() == ""
        assert again.hours_form.cutoff_edit.time() == QTime(14, 0)
    finally:
        other.close()


def test_end_before_start_is_shown_inline_and_nothing_is_saved(qtbot, services):
    office_before, hours_before = services.settings.office(), services.settings.hours()
    dialog = open_dialog(qtbot, services)
    replace_text(dialog.office_edits["office_name"], "Tên mới không được lưu")
    replace_text(dialog.hours_form.session_edits[3], "11:30–07:30")
    dialog.tabs.setCurrentIndex(0)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    message = dialog.errors.message("hours.3")
    assert "Thứ Tư" in message and "phải sau giờ bắt đầu" in message
    assert dialog.tabs.currentWidget() is dialog.hours_form  # the tab with the error is shown
    assert dialog.errors.messages().keys() == {"hours.3"}
    assert services.settings.office() == office_before
    assert services.settings.hours() == hours_before

    # Fixing the day clears the message on the next save.
    replace_text(dialog.hours_form.session_edits[3], "07:30–11:30")
    assert dialog.save()
    assert dialog.errors.messages() == {}
    assert services.settings.office().office_name == "Tên mới không được lưu"


def test_problems_on_several_tabs_are_all_listed(qtbot, services):
    dialog = open_dialog(qtbot, services)
    replace_text(dialog.office_edits["agency_id"], "000 17-22")
    dialog.office_edits["head_name"].clear()
    replace_text(dialog.hours_form.session_edits[2], "bảy giờ sáng")

    assert not dialog.save()

    messages = dialog.errors.messages()
    assert set(messages) == {"agency_id", "head_name", "hours.2"}
    assert "không đúng dạng giờ" in messages["hours.2"]
    assert dialog.tabs.currentIndex() == 0  # first problem in form order: the office tab
    assert services.settings.office().agency_id == "000.17.22.H56"


def test_units_are_saved_with_the_profile(qtbot, services):
    dialog = open_dialog(qtbot, services)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Cơ quan",
        "Đơn vị chuyên môn",
        "Giờ làm việc",
    ]  # the people who log in are in Hệ thống → Tài khoản
    dialog.tabs.setCurrentIndex(1)
    qtbot.mouseClick(dialog.add_unit_button, Qt.MouseButton.LeftButton)
    dialog.units_list.currentItem().setText("Phòng Tài nguyên và Môi trường")

    assert dialog.save()

    assert services.settings.office().units[-1] == "Phòng Tài nguyên và Môi trường"


def test_decomposed_text_is_saved_in_nfc(qtbot, services):
    dialog = open_dialog(qtbot, services)
    nfd = unicodedata.normalize("NFD", "Bộ phận Một cửa  phường Đồng Nguyên")
    dialog.office_edits["office_name"].setText(nfd)
    assert dialog.save()
    assert services.settings.office().office_name == "Bộ phận Một cửa phường Đồng Nguyên"


def test_cancel_discards_every_edit(qtbot, services):
    before = services.settings.office()
    dialog = open_dialog(qtbot, services)
    replace_text(dialog.office_edits["office_name"], "Sẽ bị bỏ")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert services.settings.office() == before
