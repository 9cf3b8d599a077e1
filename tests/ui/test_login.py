"""Start-up as a person lives it: first-run setup, the login, a temporary password changed, then
work under one's own name (issue 9 "Done when")."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QWidget

from tests.conftest import TEST_PASSWORD, open_test_services
from tests.ui.keys import press, type_text
from tthc_desk.domain.access import Role
from tthc_desk.domain.clock import FixedClock
from tthc_desk.domain.office import DEMO_OFFICE, OfficeHours
from tthc_desk.paths import AppPaths
from tthc_desk.services.container import Services, open_services
from tthc_desk.ui import start_up
from tthc_desk.ui.login_dialog import (
    ChangePasswordDialog,
    LoginDialog,
    remember_username,
    remembered_username,
)
from tthc_desk.ui.main_window import MainWindow
from tthc_desk.ui.start_up import StartUp
from tthc_desk.ui.tasks import TaskRunner


@pytest.fixture
def office(data_dir: Path, clock: FixedClock) -> Iterator[Services]:
    """The test office, set up, nobody logged in (as the application starts)."""
    svc = open_test_services(AppPaths(data_dir), clock, login=None)
    yield svc
    svc.close()


def start(qtbot, services: Services, **kw: object) -> StartUp:  # type: ignore[no-untyped-def]
    def make_window() -> MainWindow:
        window = MainWindow(services, TaskRunner(synchronous=True))
        window.intake.print_after_save = False
        qtbot.addWidget(window)
        return window

    flow = StartUp(services, make_window, **kw)  # type: ignore[arg-type]
    flow.start()
    if flow.dialog is not None:
        qtbot.addWidget(flow.dialog)
    return flow


def log_in(dialog: LoginDialog, username: str | None, password: str) -> None:
    """Type as at the counter: the user name (unless remembered), Enter, password, Enter."""
    form = dialog.form
    if username is not None:
        form.username_edit.clear()
        type_text(form.username_edit, username)
        press(form.username_edit, Qt.Key.Key_Return)
        assert dialog.focusWidget() is form.password_edit  # Enter went on to the password
    form.password_edit.clear()
    type_text(form.password_edit, password)
    press(form.password_edit, Qt.Key.Key_Return)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_a_clerk_logs_in_receives_a_dossier_and_the_receipt_and_event_carry_that_account(
    qtbot, office: Services
) -> None:  # type: ignore[no-untyped-def]
    flow = start(qtbot, office)
    dialog = flow.dialog
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Đăng nhập – TTHC Desk"
    assert "UBND PHƯỜNG ĐỒNG NGUYÊN" in dialog.office_label.text()
    assert dialog.form.username_edit.text() == ""  # nobody logged in on this PC yet
    assert dialog.focusWidget() is dialog.form.username_edit

    with qtbot.waitSignal(flow.window_shown) as shown:
        log_in(dialog, "cuong", TEST_PASSWORD)
    window = shown.args[0]
    assert isinstance(window, MainWindow) and window.isVisible()
    assert window.user_label.text() == "Người dùng: <b>Lê Văn Cường</b> (Cán bộ tiếp nhận)"
    assert office.accounts.current is not None and office.accounts.current.username == "cuong"

    page = window.intake
    page.picker.select("1.001193")
    type_text(page.applicant.full_name, "Nguyễn Thị Hồng Nhung")
    type_text(page.applicant.id_number, "001190012345")
    window.save_action.trigger()

    saved = page.last_dossier
    assert saved is not None and saved.clerk_name == "Lê Văn Cường"
    intake = office.lifecycle.history(saved.code)[0]
    assert intake.actor == "Lê Văn Cường"
    assert "Lê Văn Cường" in pdf_text(office.printing.receipt_pdf(saved.code))
    # The next start offers the same person, the cursor waiting in the password.
    assert remembered_username() == "cuong"
    again = LoginDialog(office)
    qtbot.addWidget(again)
    assert again.form.username_edit.text() == "cuong"
    assert again.focusWidget() is again.form.password_edit


def test_a_wrong_password_five_times_locks_the_account(qtbot, office: Services) -> None:  # type: ignore[no-untyped-def]
    remember_username("cuong")
    flow = start(qtbot, office)
    dialog = flow.dialog
    assert isinstance(dialog, LoginDialog)
    for attempt in range(1, 5):
        log_in(dialog, None, f"sai-mat-khau-{attempt}")
        assert dialog.form.error.text() == "Sai tên đăng nhập hoặc mật khẩu."
        assert dialog.isVisible() and office.accounts.current is None
    log_in(dialog, None, "sai-mat-khau-5")
    assert "bị khóa tạm thời đến 08:05" in dialog.form.error.text()
    # Even the right password is refused while the lock lasts.
    log_in(dialog, None, TEST_PASSWORD)
    assert "đang bị khóa" in dialog.form.error.text() and "08:05" in dialog.form.error.text()
    assert dialog.isVisible() and office.accounts.current is None
    assert office.accounts.get("cuong").locked(office.clock.now())
    QApplication.processEvents()
    dialog.grab().save("/tmp/tthc-login-locked.png")


def test_the_demo_login_screen_shows_the_demo_account(
    qtbot, data_dir: Path, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    demo = open_services(AppPaths(data_dir), clock, demo=True)
    try:
        flow = start(qtbot, demo)
        dialog = flow.dialog
        assert isinstance(dialog, LoginDialog)
        assert dialog.windowTitle() == "DỮ LIỆU MẪU – Đăng nhập – TTHC Desk"
        note = dialog.form.demo_note
        assert note.isVisibleTo(dialog) and "DỮ LIỆU MẪU" in note.text()
        assert "<b>demo</b>" in note.text() and note.text().count("demo") >= 2
        assert dialog.form.username_edit.text() == "demo"
        assert dialog.focusWidget() is dialog.form.password_edit
        QApplication.processEvents()
        dialog.grab().save("/tmp/tthc-login-demo.png")
        with qtbot.waitSignal(flow.window_shown) as shown:
            log_in(dialog, None, "demo")
        window = shown.args[0]
        assert window.windowTitle().startswith("DỮ LIỆU MẪU – ")
        assert window.demo_label.isVisibleTo(window) and window.demo_label.text() == "DỮ LIỆU MẪU"
        assert remembered_username() == ""  # the demo's account is not remembered as a person
    finally:
        demo.close()


def test_a_temporary_password_is_changed_before_any_work(qtbot, office: Services) -> None:  # type: ignore[no-untyped-def]
    office.accounts.login("quantri", TEST_PASSWORD)
    office.accounts.add("dung", "Phạm Thị Dung", frozenset({Role.CLERK}), "tam-thoi-123")
    office.accounts.logout()
    flow = start(qtbot, office)
    assert isinstance(flow.dialog, LoginDialog)
    log_in(flow.dialog, "dung", "tam-thoi-123")
    change = flow.dialog
    assert isinstance(change, ChangePasswordDialog) and change.forced
    assert flow.window is None
    texts = " ".join(x.text() for x in change.findChildren(QLabel))
    assert "Phạm Thị Dung: bạn đang dùng mật khẩu tạm thời" in texts
    assert not change.old_edit.isVisibleTo(change)  # just typed: not asked again
    assert change.cancel_button.text() == "Thoát"

    type_text(change.new_edit, "mat-khau-rieng")
    type_text(change.repeat_edit, "mat-khau-rieg")
    press(change.repeat_edit, Qt.Key.Key_Return)
    assert change.errors.messages() == {"repeat": "Mật khẩu nhập lại không khớp."}
    change.new_edit.setText("dung")
    change.repeat_edit.setText("dung")
    change.submit()
    assert "ít nhất 8 ký tự" in change.errors.messages()["new_password"]
    assert office.accounts.must_change_password

    change.new_edit.setText("mat-khau-rieng")
    change.repeat_edit.setText("mat-khau-rieng")
    with qtbot.waitSignal(flow.window_shown):
        change.submit()
    assert not office.accounts.must_change_password
    office.accounts.logout()
    assert office.accounts.login("dung", "mat-khau-rieng").must_change_password is False


def test_leaving_the_password_change_ends_the_start_up(qtbot, office: Services) -> None:  # type: ignore[no-untyped-def]
    office.accounts.login("quantri", TEST_PASSWORD)
    office.accounts.reset_password("cuong", "tam-thoi-123")
    office.accounts.logout()
    flow = start(qtbot, office)
    assert isinstance(flow.dialog, LoginDialog)
    log_in(flow.dialog, "cuong", "tam-thoi-123")
    assert isinstance(flow.dialog, ChangePasswordDialog)
    with qtbot.waitSignal(flow.cancelled):
        flow.dialog.cancel_button.click()
    assert office.accounts.current is None and flow.window is None


def test_thoat_on_the_login_ends_the_start_up(qtbot, office: Services) -> None:  # type: ignore[no-untyped-def]
    flow = start(qtbot, office)
    assert isinstance(flow.dialog, LoginDialog)
    with qtbot.waitSignal(flow.cancelled):
        flow.dialog.quit_button.click()
    assert flow.window is None


class FakeWizard(QDialog):
    """Stands for the first-run wizard: accepting it sets the office up as the wizard does."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services

    def accept(self) -> None:
        from tests.conftest import TEST_ACCOUNTS

        self.services.settings.complete_setup(DEMO_OFFICE, OfficeHours(), TEST_ACCOUNTS[3])
        super().accept()


def test_an_empty_real_database_opens_the_setup_then_the_login_of_its_administrator(
    qtbot, data_dir: Path, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    fresh = open_services(AppPaths(data_dir), clock)
    try:
        assert not fresh.settings.is_set_up()
        flow = start(qtbot, fresh, wizard=FakeWizard)
        wizard = flow.dialog
        assert isinstance(wizard, FakeWizard) and wizard.isVisible()
        wizard.accept()
        login = flow.dialog
        assert isinstance(login, LoginDialog)
        qtbot.addWidget(login)
        assert login.form.username_edit.text() == "quantri"  # the administrator just made
        with qtbot.waitSignal(flow.window_shown) as shown:
            log_in(login, None, TEST_PASSWORD)
        assert shown.args[0].user_label.text().startswith("Người dùng: <b>Quản trị viên</b>")
    finally:
        fresh.close()


def test_a_cancelled_setup_ends_the_start_up(qtbot, data_dir: Path, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    fresh = open_services(AppPaths(data_dir), clock)
    try:
        flow = start(qtbot, fresh, wizard=FakeWizard)
        with qtbot.waitSignal(flow.cancelled):
            flow.dialog.reject()  # type: ignore[union-attr]
        assert flow.window is None and not fresh.settings.is_set_up()
    finally:
        fresh.close()


def test_without_the_wizard_the_setup_command_is_named(
    qtbot, data_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(start_up, "setup_wizard_factory", lambda: None)
    fresh = open_services(AppPaths(data_dir), clock)
    try:
        flow = start(qtbot, fresh)
        box = flow.dialog
        assert isinstance(box, QMessageBox) and "tthc-desk setup" in box.text()
        with qtbot.waitSignal(flow.cancelled):
            box.reject()
    finally:
        fresh.close()
