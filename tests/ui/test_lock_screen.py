"""The screen locks itself (or with Ctrl+L) and shows no citizen's data until a password is
typed; someone else logging in never sees the first person's unsaved intake form (issue 9 §4)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from tests.conftest import TEST_PASSWORD, make_draft
from tests.ui.keys import type_text
from tthc_desk.services.container import Services
from tthc_desk.ui.lock_screen import IdleWatch
from tthc_desk.ui.login_dialog import ChangePasswordDialog
from tthc_desk.ui.main_window import INTAKE, MainWindow
from tthc_desk.ui.tasks import TaskRunner

CITIZEN = "Nguyễn Thị Hồng Nhung"


class Seconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def window(qtbot, services: Services) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services, TaskRunner(synchronous=True))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def seconds(window: MainWindow) -> Seconds:
    clock = Seconds()
    window.idle.clock = clock
    window.idle.resume()  # counts from the test's clock
    return clock


def visible_texts(window: MainWindow) -> str:
    """Every text a person could read on screen: the window's visible widgets and any other
    visible window."""
    texts = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in [top, *top.findChildren(object)]:
            if hasattr(widget, "isVisible") and widget.isVisible() and hasattr(widget, "text"):
                text = widget.text()
                if isinstance(text, str):
                    texts.append(text)
    return "\n".join(texts)


def unlock(window: MainWindow, username: str, password: str) -> None:
    form = window.lock_screen.form
    form.username_edit.setText(username)
    form.password_edit.clear()
    type_text(form.password_edit, password)
    form.submit()


def test_idle_lock_covers_the_screen_and_unlocks_only_with_the_password(
    qtbot, window: MainWindow, seconds: Seconds, services: Services
) -> None:  # type: ignore[no-untyped-def]
    assert window.idle.minutes == 10 and window.idle.running  # the default setting
    type_text(window.intake.applicant.full_name, CITIZEN)
    detail = window.dossier_list.open_code(services.dossiers.receive(make_draft()).code)
    assert detail.isVisible()
    assert CITIZEN in visible_texts(window)  # on the form, and in the dossier opened

    seconds.advance(9)
    window.idle.check()
    assert not window.locked
    type_text(window.intake.applicant.phone, "0912")  # a key press: the delay starts again
    seconds.advance(9)
    window.idle.check()
    assert not window.locked
    seconds.advance(1.5)
    window.idle.check()

    assert window.locked and not window.idle.running
    assert window.screens.currentWidget() is window.lock_screen
    assert not window.body.isVisible() and not window.intake.isVisible()
    assert not detail.isVisible()  # an open dossier is hidden too
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    assert not window.new_action.isEnabled() and not window.save_action.isEnabled()
    assert window.lock_screen.office_label.text() == (
        "UBND PHƯỜNG ĐỒNG NGUYÊN\nTRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    )
    assert CITIZEN not in visible_texts(window)
    assert window.lock_screen.form.username_edit.text() == "binh"
    QApplication.processEvents()  # the layout settles, as it does on screen
    window.lock_screen.grab().save("/tmp/tthc-lock-screen.png")

    unlock(window, "binh", "khong-phai-mat-khau")
    assert window.locked
    assert window.lock_screen.form.error.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert services.accounts.get("binh").failed_attempts == 1  # it counts toward the lock-out

    unlock(window, "binh", TEST_PASSWORD)
    assert not window.locked and window.body.isVisible() and window.idle.running
    assert window.menuBar().isVisible() and window.save_action.isEnabled()
    assert detail.isVisible()  # the same person finds their dialog again
    assert window.intake.applicant.full_name.text() == CITIZEN
    assert services.accounts.get("binh").failed_attempts == 0


def test_ctrl_l_locks_at_once_and_zero_minutes_never_locks(
    window: MainWindow, seconds: Seconds
) -> None:
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    window.lock_action.trigger()
    assert window.locked
    window.lock()  # locking twice changes nothing
    unlock(window, "binh", TEST_PASSWORD)
    assert not window.locked

    window.idle.set_minutes(0)
    assert not window.idle.running
    seconds.advance(600)
    window.idle.check()
    assert not window.locked


def test_the_watch_sees_input_anywhere_in_the_application(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = Seconds()
    watch = IdleWatch(2, clock=clock)
    try:
        other = QLineEdit()  # any widget of the application
        qtbot.addWidget(other)
        clock.advance(1.5)
        assert watch.idle_seconds() == 90
        type_text(other, "x")
        assert watch.idle_seconds() == 0
        clock.advance(2)
        with qtbot.waitSignal(watch.idle, timeout=100):
            watch.check()
        assert not watch.running  # paused until the screen is unlocked
    finally:
        watch.stop()


def test_another_person_never_sees_the_first_ones_intake_form_and_it_waits_for_them(
    qtbot, window: MainWindow, services: Services
) -> None:  # type: ignore[no-untyped-def]
    binh_form = window.intake
    binh_form.picker.select("1.001193")
    type_text(binh_form.applicant.full_name, CITIZEN)
    assert CITIZEN in visible_texts(window)
    settings = window.open_settings()
    window.lock()

    unlock(window, "cuong", TEST_PASSWORD)
    assert not window.locked and window.owner == "cuong"
    assert window.intake is not binh_form and not window.intake.is_dirty()
    assert window.pages.widget(INTAKE) is window.intake and not binh_form.isVisible()
    assert settings.result() == QDialog.DialogCode.Rejected and not settings.isVisible()
    assert CITIZEN not in visible_texts(window)
    assert "Lê Văn Cường" in window.user_label.text()
    # Cường's rights now: a clerk receives but does not administer.
    assert window.save_action.isEnabled() and not window.settings_action.isEnabled()
    type_text(window.intake.applicant.full_name, "Trần Văn Tư")
    cuong_form = window.intake

    window.lock()
    unlock(window, "binh", TEST_PASSWORD)
    assert window.intake is binh_form and window.owner == "binh"
    assert binh_form.applicant.full_name.text() == CITIZEN
    assert binh_form.picker.code() == "1.001193"
    assert "Trần Văn Tư" not in visible_texts(window)
    assert window.stashed_intakes == {"cuong": cuong_form}

    window.lock()
    unlock(window, "cuong", TEST_PASSWORD)
    assert window.intake is cuong_form
    assert cuong_form.applicant.full_name.text() == "Trần Văn Tư"


def test_a_clean_form_is_not_kept_and_a_receipt_carries_who_is_logged_in(
    window: MainWindow, services: Services
) -> None:
    first = window.intake
    window.lock()
    unlock(window, "an", TEST_PASSWORD)
    assert window.stashed_intakes == {} and window.intake is not first
    window.intake.print_after_save = False
    window.intake.picker.select("1.001193")
    type_text(window.intake.applicant.full_name, CITIZEN)
    type_text(window.intake.applicant.id_number, "001190012345")
    window.save_action.trigger()
    saved = window.intake.last_dossier
    assert saved is not None and saved.clerk_name == "Nguyễn Văn An"


def test_log_out_closes_the_dialogs_and_waits_for_a_login(
    window: MainWindow, services: Services
) -> None:
    catalog = window.open_catalog()
    window.logout_action.trigger()
    assert window.locked and services.accounts.current is None
    assert catalog.result() == QDialog.DialogCode.Rejected and not catalog.isVisible()
    assert window.lock_screen.state_label.text() == "Đã đăng xuất. Đăng nhập để làm việc."
    unlock(window, "quantri", TEST_PASSWORD)
    assert not window.locked
    assert window.user_label.text() == "Người dùng: <b>Quản trị viên</b> (Quản trị)"
    assert not window.save_action.isEnabled()  # an administrator does not receive dossiers
    assert window.save_action.toolTip() == "Chỉ Cán bộ tiếp nhận hoặc Lãnh đạo được tiếp nhận hồ sơ"


def test_a_reset_password_is_changed_on_the_lock_screen_before_work(
    window: MainWindow, services: Services
) -> None:
    services.accounts.reset_password("cuong", "tam-thoi-123")
    window.lock()
    unlock(window, "cuong", "tam-thoi-123")
    change = window.dialog
    assert isinstance(change, ChangePasswordDialog) and change.forced and window.locked
    change.new_edit.setText("mat-khau-cuong")
    change.repeat_edit.setText("mat-khau-cuong")
    change.submit()
    assert not window.locked and window.owner == "cuong"
    assert not services.accounts.must_change_password

    services.accounts.login("binh", TEST_PASSWORD)
    services.accounts.reset_password("cuong", "tam-thoi-456")
    window.lock()
    unlock(window, "cuong", "tam-thoi-456")
    change = window.dialog
    assert isinstance(change, ChangePasswordDialog)
    change.cancel_button.click()  # "Thoát": no work with a temporary password
    assert window.locked and services.accounts.current is None
