"""The first-run setup wizard driven as an administrator drives it, on an empty data folder and
on a database carried over from before accounts: type, Enter, read the red lines, finish."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget, QWizard
from pytestqt.qtbot import QtBot

from tests.conftest import make_draft
from tests.db.old_databases import before_accounts
from tests.ui.keys import press, type_text
from tthc_desk.domain.access import Actor, Role
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.errors import SetupRequiredError
from tthc_desk.domain.office import DEMO_OFFICE, Session
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services, open_services
from tthc_desk.ui.setup_wizard import (
    ADMIN,
    CONFIRM,
    HEAD,
    HOURS,
    OFFICE,
    SHEET,
    STAFF,
    UNITS,
    SetupWizard,
)
from tthc_desk.ui.tasks import TaskRunner

ADMIN_PASSWORD = "mat-khau-qt"
A_CLERK = Actor("thu", "Thử Việc", frozenset({Role.CLERK}))


@pytest.fixture
def fresh(tmp_path: Path, clock: FixedClock) -> Iterator[Services]:
    """An empty data folder, as a new office installs it: not set up, nobody to log in."""
    svc = open_services(AppPaths(tmp_path / "moi"), clock)
    yield svc
    svc.close()


def open_wizard(qtbot: QtBot, services: Services) -> SetupWizard:
    wizard = SetupWizard(services, runner=TaskRunner(synchronous=True))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)  # the focus is where the keys go
    return wizard


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def enter(wizard: SetupWizard) -> int:
    """Enter in the input that has the focus: the next page, when this one is right."""
    press(focused(), Qt.Key.Key_Return)
    return wizard.currentId()


def retype(edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    edit.del_()
    type_text(edit, text)


def fill_office(wizard: SetupWizard) -> None:
    edits = wizard.office_page.edits
    retype(edits["parent_authority"], "UBND XÃ TÂN ƯỚC")
    retype(edits["office_name"], "BỘ PHẬN MỘT CỬA")
    retype(edits["place_name"], "Tân Ước")
    retype(edits["agency_id"], "000.21.33.H56")


def fill_admin(wizard: SetupWizard, password: str = ADMIN_PASSWORD) -> None:
    page = wizard.admin_page
    retype(page.full_name_edit, "Lê Văn Cường")
    retype(page.password_edit, password)
    retype(page.password_again_edit, password)


def save_button(wizard: SetupWizard) -> QWizard.WizardButton:
    """ "Lưu khai báo" before the recovery key sheet (an encrypted file), else "Hoàn tất"."""
    if wizard.confirm_page.isCommitPage():
        return QWizard.WizardButton.CommitButton
    return QWizard.WizardButton.FinishButton


def test_a_new_office_is_set_up_page_by_page(
    qtbot: QtBot, fresh: Services, database_url: str | None
) -> None:
    assert not fresh.settings.is_set_up()
    wizard = open_wizard(qtbot, fresh)
    # Nobody carried over; the recovery key sheet comes last: the encrypted SQLite file's key, or
    # on an office server the key of the office's backups.
    sheet = [SHEET]
    assert wizard.pageIds() == [OFFICE, HEAD, HOURS, UNITS, ADMIN, CONFIRM, *sheet]
    assert fresh.recovery.available is bool(sheet)
    office = wizard.office_page

    # Cơ quan: nothing typed, nothing allowed; the focus goes to the first missing input.
    assert focused() is office.edits["parent_authority"]
    assert enter(wizard) == OFFICE
    assert office.errors.messages().keys() == {
        "parent_authority",
        "office_name",
        "place_name",
        "agency_id",
    }
    assert focused() is office.edits["parent_authority"]
    fill_office(wizard)
    retype(office.edits["agency_id"], "000 17-22")
    assert enter(wizard) == OFFICE
    assert "dấu cách" in office.errors.message("agency_id")
    assert office.errors.messages().keys() == {"agency_id"}
    retype(office.edits["agency_id"], "000.21.33.H56.")
    press(focused(), Qt.Key.Key_Tab)  # leaving the input is enough to hear about it
    assert "nhóm chữ cái" in office.errors.message("agency_id")
    retype(office.edits["agency_id"], "000.21.33.H56")
    retype(office.edits["phone"], "0222 3861 234")
    assert enter(wizard) == HEAD
    assert office.errors.messages() == {}

    # Lãnh đạo: the signing block previews as it prints, in capitals.
    head = wizard.head_page
    assert focused() is head.edits["head_name"]
    assert enter(wizard) == HEAD
    assert head.errors.messages() == {"head_name": "Chưa nhập họ tên người đứng đầu."}
    type_text(head.edits["head_name"], "Đỗ  Thị Hạnh")
    retype(head.edits["head_title"], "phó giám đốc")
    retype(head.edits["head_sign_prefix"], "KT. Giám đốc")
    assert head.signing_lines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Đỗ Thị Hạnh"]
    assert "PHÓ GIÁM ĐỐC" in head.preview_label.text()
    assert "Đỗ Thị Hạnh" in head.preview_label.text()
    assert enter(wizard) == HOURS

    # Giờ làm việc: rules.md's defaults, an end before its start refused on its weekday.
    hours = wizard.hours_page.hours_form
    assert [hours.session_edits[d].text() for d in (1, 5, 6, 7)] == [
        "07:30–11:30, 13:30–17:00",
        "07:30–11:30, 13:30–17:00",
        "",
        "",
    ]
    assert hours.cutoff_edit.time().toString("HH:mm") == "15:00"
    retype(hours.session_edits[3], "11:30–07:30")
    assert enter(wizard) == HOURS
    assert "Thứ Tư" in wizard.hours_page.errors.message("hours.3")
    assert focused() is hours.session_edits[3]
    retype(hours.session_edits[3], "07:30–11:30, 13:30–17:00")
    retype(hours.session_edits[6], "7:30-11:30")  # this office opens Saturday mornings
    assert enter(wizard) == UNITS

    # Đơn vị chuyên môn: added from the keyboard; a name twice is refused.
    units = wizard.units_page
    for name in ("Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế"):
        qtbot.mouseClick(units.unit_editor.add_button, Qt.MouseButton.LeftButton)
        type_text(focused(), name)
        press(focused(), Qt.Key.Key_Return)  # ends the name, stays on the page
        qtbot.waitUntil(lambda: focused() is units.units_list)
        assert wizard.currentId() == UNITS
    assert units.units() == ("Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == UNITS
    assert units.errors.message("units") == "Tên đơn vị bị trùng: Phòng Kinh tế."
    units.units_list.setCurrentRow(2)
    qtbot.mouseClick(units.unit_editor.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == ADMIN

    # Tài khoản quản trị: the user name follows the full name; the admin role cannot be left out.
    admin = wizard.admin_page
    assert admin.role_checks[Role.ADMIN].isChecked()
    assert not admin.role_checks[Role.ADMIN].isEnabled()
    assert enter(wizard) == ADMIN
    assert admin.errors.messages().keys() == {"full_name", "username", "password"}
    type_text(admin.full_name_edit, "Lê Văn Cường")
    assert admin.username_edit.text() == "cuong.lv"
    admin.role_checks[Role.CLERK].setChecked(True)  # the administrator also sits at the counter
    retype(admin.password_edit, "ngan")
    retype(admin.password_again_edit, "ngan")
    assert enter(wizard) == ADMIN
    assert admin.errors.messages() == {"password": "Mật khẩu cần ít nhất 8 ký tự."}
    assert focused() is admin.password_edit
    retype(admin.password_edit, ADMIN_PASSWORD)
    retype(admin.password_again_edit, "mat-khau-qx")
    assert enter(wizard) == ADMIN
    assert admin.errors.messages() == {"password_again": "Hai lần nhập mật khẩu không khớp."}
    retype(admin.password_again_edit, ADMIN_PASSWORD)
    assert enter(wizard) == CONFIRM

    # Xác nhận: everything to be saved is there, the password is not; nothing saved yet.
    summary = wizard.confirm_page.summary_view.toPlainText()
    for text in ("UBND XÃ TÂN ƯỚC", "000.21.33.H56", "Đỗ Thị Hạnh", "cuong.lv", "Phòng Kinh tế"):
        assert text in summary
    assert "Cán bộ tiếp nhận, Quản trị" in summary
    assert ADMIN_PASSWORD not in summary
    assert not fresh.settings.is_set_up()
    with fresh.accounts.acting_as(A_CLERK), pytest.raises(SetupRequiredError):
        fresh.dossiers.receive(make_draft())  # no code issued before the wizard is complete

    if sheet:
        assert wizard.buttonText(QWizard.WizardButton.CommitButton) == "Lưu khai báo >"
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton
        )
        assert wizard.currentId() == SHEET
        assert fresh.settings.is_set_up()  # saved before the last page
    else:
        assert wizard.buttonText(QWizard.WizardButton.FinishButton) == "Hoàn tất"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QDialog.DialogCode.Accepted
    saved = fresh.settings.office()
    assert (saved.parent_authority, saved.agency_id, saved.head_name, saved.phone) == (
        "UBND XÃ TÂN ƯỚC",
        "000.21.33.H56",
        "Đỗ Thị Hạnh",
        "0222 3861 234",
    )
    assert (saved.head_title, saved.head_sign_prefix) == ("phó giám đốc", "KT. Giám đốc")
    assert saved.units == ("Phòng Kinh tế", "Phòng Văn hóa - Xã hội")
    saved_hours = fresh.settings.hours()
    assert saved_hours.by_weekday[6] == (Session(time(7, 30), time(11, 30)),)
    assert 7 not in saved_hours.by_weekday and saved_hours.same_day_cutoff == time(15, 0)
    account = fresh.accounts.login("cuong.lv", ADMIN_PASSWORD)
    assert account.roles == {Role.ADMIN, Role.CLERK} and not account.must_change_password
    assert wizard.created_admin is not None and wizard.created_admin.username == "cuong.lv"
    # The administrator, also a clerk, now receives under the office's own code.
    assert fresh.dossiers.receive(make_draft()).code == "000.21.33.H56-260302-0001"


def walk_to_confirm(wizard: SetupWizard) -> None:
    fill_office(wizard)
    for page_id in (HEAD, HOURS, UNITS, ADMIN):
        wizard.next()
        assert wizard.currentId() == page_id
        if page_id == HEAD:
            type_text(wizard.head_page.edits["head_name"], "Đỗ Thị Hạnh")
    fill_admin(wizard)
    wizard.next()
    assert wizard.currentId() == CONFIRM


def test_a_problem_found_at_finish_goes_back_to_its_page(qtbot: QtBot, fresh: Services) -> None:
    wizard = open_wizard(qtbot, fresh)
    walk_to_confirm(wizard)
    # Someone took the user name meanwhile (another PC, the command line): back to that page.
    fresh.accounts.create("cuong.lv", "Lê Văn Cường", frozenset({Role.CLERK}), "mat-khau-9")
    qtbot.mouseClick(wizard.button(save_button(wizard)), Qt.MouseButton.LeftButton)
    assert wizard.result() != QDialog.DialogCode.Accepted and wizard.isVisible()
    assert wizard.currentId() == ADMIN
    assert wizard.admin_page.errors.messages() == {
        "username": "Tên đăng nhập “cuong.lv” đã có người dùng."
    }
    assert focused() is wizard.admin_page.username_edit
    assert not fresh.settings.is_set_up() and fresh.settings.office().agency_id == ""

    # A problem on an earlier page (the agency id changed behind the page's back) too.
    retype(wizard.admin_page.username_edit, "quantri")
    assert enter(wizard) == CONFIRM
    wizard.office_page.edits["agency_id"].setText("000-21")
    assert not wizard.finish()
    assert wizard.currentId() == OFFICE
    assert "gạch ngang" in wizard.office_page.errors.message("agency_id")
    assert wizard.admin_page.errors.messages() == {}
    assert not fresh.settings.is_set_up()


def test_escape_keeps_the_wizard_and_quit_rejects_it(qtbot: QtBot, fresh: Services) -> None:
    wizard = open_wizard(qtbot, fresh)
    type_text(wizard.office_page.edits["parent_authority"], "UBND XÃ TÂN ƯỚC")
    press(focused(), Qt.Key.Key_Escape)
    assert wizard.isVisible()
    assert wizard.office_page.edits["parent_authority"].text() == "UBND XÃ TÂN ƯỚC"
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "Thoát"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QDialog.DialogCode.Rejected
    assert not fresh.settings.is_set_up()


@pytest.mark.empty_database  # an old database is made in it
def test_staff_carried_over_get_their_temporary_passwords(
    qtbot: QtBot, tmp_path: Path, clock: FixedClock, database_url: str | None
) -> None:
    paths = AppPaths(tmp_path / "cu")
    before_accounts(paths)
    svc = open_services(paths, clock)
    try:
        wizard = open_wizard(qtbot, svc)
        sheet = [SHEET]  # the file's key, or the server office's backup key
        assert wizard.pageIds() == [OFFICE, HEAD, HOURS, UNITS, ADMIN, STAFF, CONFIRM, *sheet]
        # The office saved by the older version is shown to be checked, not typed again.
        assert wizard.office_page.edits["agency_id"].text() == DEMO_OFFICE.agency_id
        assert wizard.units_page.units() == DEMO_OFFICE.units
        for page_id in (HEAD, HOURS, UNITS, ADMIN):
            assert enter(wizard) == page_id
        fill_admin(wizard)
        assert enter(wizard) == STAFF

        staff = wizard.staff_page
        assert list(staff.password_edits) == ["an.nv", "ha.pt", "binh.tt"]  # by full name
        assert focused() is staff.password_edits["an.nv"]
        assert enter(wizard) == STAFF
        missing = "Chưa đặt mật khẩu tạm thời."
        assert staff.errors.messages() == {  # she has left: no password needed
            "initial_password.an.nv": missing,
            "initial_password.binh.tt": missing,
        }
        type_text(staff.password_edits["an.nv"], "tam-thoi-an")
        type_text(staff.password_edits["binh.tt"], "binh.tt")
        assert enter(wizard) == STAFF
        assert staff.errors.messages() == {
            "initial_password.binh.tt": "Mật khẩu cần ít nhất 8 ký tự."
        }
        assert focused() is staff.password_edits["binh.tt"]
        assert staff.password_edits["binh.tt"].echoMode() == QLineEdit.EchoMode.Password
        staff.show_check.setChecked(True)
        assert staff.password_edits["binh.tt"].echoMode() == QLineEdit.EchoMode.Normal
        retype(staff.password_edits["binh.tt"], "tam-thoi-binh")
        assert enter(wizard) == CONFIRM
        summary = wizard.confirm_page.summary_view.toPlainText()
        assert "Mật khẩu tạm thời cho 2 người: Nguyễn Văn An, Trần Thị Bình." in summary
        assert "tam-thoi" not in summary

        assert wizard.finish()
        assert svc.settings.is_set_up()
        assert svc.accounts.login("binh.tt", "tam-thoi-binh").must_change_password
        assert svc.accounts.login("an.nv", "tam-thoi-an").roles == {Role.HEAD}
        assert not svc.accounts.get("ha.pt").has_password
        assert svc.accounts.login("cuong.lv", ADMIN_PASSWORD).roles == {Role.ADMIN}
    finally:
        svc.close()
