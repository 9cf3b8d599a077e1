"""*Hệ thống → Tài khoản…* driven as an administrator would: add, edit, reset, disable, and the
login rules; every refusal inline (issue 9 §2)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import TEST_PASSWORD
from tests.ui.keys import type_text
from tthc_desk.domain.access import LockOut, Role
from tthc_desk.domain.errors import LoginError
from tthc_desk.services.container import Services
from tthc_desk.ui.accounts_dialog import (
    AccountFormDialog,
    AccountsDialog,
    AccountTableModel,
    ResetPasswordDialog,
)
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def dialog(qtbot, services: Services) -> AccountsDialog:  # type: ignore[no-untyped-def]
    runner = TaskRunner(synchronous=True)
    dialog = AccountsDialog(services, runner)
    dialog._test_runner = runner  # type: ignore[attr-defined]  # kept alive with the dialog
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cell(dialog: AccountsDialog, username: str, column: int) -> str:
    model = dialog.model
    return str(model.data(model.index(model.row_of(username), column)))


def test_the_list_shows_every_account(dialog: AccountsDialog) -> None:
    model = dialog.model
    assert [model.account_at(r).username for r in range(model.rowCount())] == [
        "cuong",
        "an",
        "quantri",
        "binh",
    ]  # by full name
    assert cell(dialog, "binh", AccountTableModel.ROLES) == "Cán bộ tiếp nhận, Lãnh đạo, Quản trị"
    assert cell(dialog, "an", AccountTableModel.FULL_NAME) == "Nguyễn Văn An"
    assert cell(dialog, "an", AccountTableModel.STATE) == "Đang dùng"
    assert cell(dialog, "binh", AccountTableModel.LAST_LOGIN) == "02/03/2026 08:00"
    assert not dialog.edit_button.isEnabled()  # nothing selected yet
    QApplication.processEvents()
    dialog.grab().save("/tmp/tthc-accounts-dialog.png")


def test_an_account_is_added_with_a_temporary_password(
    qtbot, dialog: AccountsDialog, services: Services
) -> None:  # type: ignore[no-untyped-def]
    dialog.add_button.click()
    add = dialog.dialog
    assert isinstance(add, AccountFormDialog)
    type_text(add.full_name_edit, "Phạm Thị Dung")
    assert add.username_edit.text() == "dung.pt"  # suggested from the full name
    assert add.roles_box.roles() == frozenset({Role.CLERK})
    type_text(add.password_edit, "ngan")
    add.ok_button.click()
    assert add.isVisible()
    assert add.errors.messages() == {"password": "Mật khẩu cần ít nhất 8 ký tự."}

    add.username_edit.setText("cuong")
    add.password_edit.setText("tam-thoi-123")
    add.ok_button.click()
    assert add.isVisible() and add.general_error.isVisibleTo(add)
    assert add.general_error.text() == "Tên đăng nhập “cuong” đã có người dùng."

    add.username_edit.clear()
    type_text(add.username_edit, "dung.pt")
    add.roles_box.checks[Role.HEAD].setChecked(True)
    add.ok_button.click()
    assert not add.isVisible()
    assert dialog.selected() is not None and dialog.selected().username == "dung.pt"  # type: ignore[union-attr]
    assert cell(dialog, "dung.pt", AccountTableModel.STATE) == (
        "Đang dùng · chờ đổi mật khẩu tạm thời"
    )
    assert cell(dialog, "dung.pt", AccountTableModel.ROLES) == "Cán bộ tiếp nhận, Lãnh đạo"
    account = services.accounts.login("dung.pt", "tam-thoi-123")
    assert account.must_change_password and services.accounts.must_change_password


def test_an_account_is_edited(dialog: AccountsDialog, services: Services) -> None:
    dialog.select("cuong")
    dialog.edit_button.click()
    edit = dialog.dialog
    assert isinstance(edit, AccountFormDialog) and not edit.username_edit.isVisibleTo(edit)
    edit.full_name_edit.clear()
    edit.roles_box.checks[Role.CLERK].setChecked(False)
    edit.ok_button.click()
    assert edit.isVisible() and "full_name" in edit.errors.messages()
    edit.full_name_edit.setText("Lê Văn  Cường")
    edit.ok_button.click()
    assert edit.errors.messages() == {"roles": "Tài khoản cần ít nhất một vai trò."}
    edit.roles_box.checks[Role.HEAD].setChecked(True)
    edit.ok_button.click()
    assert not edit.isVisible()
    assert services.accounts.get("cuong").roles == frozenset({Role.HEAD})
    assert cell(dialog, "cuong", AccountTableModel.ROLES) == "Lãnh đạo"


def test_a_locked_out_account_gets_a_new_temporary_password(
    dialog: AccountsDialog, services: Services
) -> None:
    for _ in range(5):
        with pytest.raises(LoginError):
            services.accounts.login("cuong", "sai-mat-khau")
    services.accounts.login("binh", TEST_PASSWORD)
    dialog.refresh()
    assert cell(dialog, "cuong", AccountTableModel.STATE) == ("Tạm khóa đến 08:05 (sai mật khẩu)")
    dialog.select("cuong")
    dialog.reset_button.click()
    reset = dialog.dialog
    assert isinstance(reset, ResetPasswordDialog)
    type_text(reset.password_edit, "cuong")
    reset.ok_button.click()
    assert "ít nhất 8 ký tự" in reset.errors.messages()["password"]
    reset.password_edit.setText("tam-thoi-456")
    reset.ok_button.click()
    assert not reset.isVisible()
    assert cell(dialog, "cuong", AccountTableModel.STATE) == (
        "Đang dùng · chờ đổi mật khẩu tạm thời"
    )
    assert services.accounts.login("cuong", "tam-thoi-456").must_change_password


def test_disable_and_enable_and_keep_an_administrator(
    dialog: AccountsDialog, services: Services
) -> None:
    dialog.select("cuong")
    assert dialog.active_button.text() == "Khóa tài khoản"
    dialog.active_button.click()
    assert cell(dialog, "cuong", AccountTableModel.STATE) == "Đã khóa"
    assert dialog.active_button.text() == "Mở lại tài khoản"
    with pytest.raises(LoginError, match="đã bị khóa"):
        services.accounts.login("cuong", TEST_PASSWORD)
    services.accounts.login("binh", TEST_PASSWORD)
    dialog.active_button.click()
    assert cell(dialog, "cuong", AccountTableModel.STATE) == "Đang dùng"

    dialog.select("quantri")
    dialog.active_button.click()
    dialog.select("binh")
    dialog.active_button.click()  # the last administrator
    assert dialog.error.isVisibleTo(dialog)
    assert dialog.error.text() == "Phải còn ít nhất một tài khoản Quản trị đang hoạt động."
    assert services.accounts.get("binh").active


def test_the_login_rules_are_saved_and_the_window_follows(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_accounts()
    assert dialog.idle_minutes_spin.value() == 10 and dialog.max_failures_spin.value() == 5
    dialog.idle_minutes_spin.setValue(3)
    dialog.max_failures_spin.setValue(3)
    dialog.lock_minutes_spin.setValue(15)
    dialog.policy_button.click()
    assert dialog.error.text() == "Đã lưu quy định đăng nhập."
    assert services.accounts.lockout() == LockOut(3, 15)
    dialog.close_button.click()
    assert services.accounts.idle_lock_minutes() == 3 and window.idle.minutes == 3
    dialog = window.open_accounts()
    dialog.idle_minutes_spin.setValue(0)
    assert dialog.idle_minutes_spin.text() == "không tự khóa"
    dialog.policy_button.click()
    dialog.close_button.click()
    assert not window.idle.running


def test_only_an_administrator_manages_accounts(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    services.accounts.login("an", TEST_PASSWORD)
    dialog = AccountsDialog(services, TaskRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.select("cuong")
    for button in (dialog.add_button, dialog.edit_button, dialog.active_button):
        assert not button.isEnabled()
        assert button.toolTip() == "Chỉ Quản trị được quản lý tài khoản"


def test_the_account_model_is_a_well_behaved_model(qtmodeltester, services: Services) -> None:  # type: ignore[no-untyped-def]
    model = AccountTableModel(services.clock.now)
    model.set_rows(services.accounts.list(include_inactive=True))
    qtmodeltester.check(model)
